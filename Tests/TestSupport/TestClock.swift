public import Foundation
import Synchronization

/// A wall clock a test sets and moves by hand.
public final class TestClock: Sendable {
    /// 2030-01-01T00:00:00Z, the default start.
    public static let start = Date(timeIntervalSince1970: 1_893_456_000)
    private let current: Mutex<Date>

    public init(_ date: Date = TestClock.start) {
        current = Mutex(date)
    }

    public var now: Date { current.withLock { $0 } }

    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// `now` as a function, for the APIs that take a clock.
    public var function: @Sendable () -> Date { { self.now } }
}
