import ACKEmulator
import Foundation
import Synchronization

typealias ACKEmulatorTestHandle = Emulator

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    var function: @Sendable () -> Date { { self.now } }
}

extension Fleet {
    /// The first cluster showing `situation`.
    func first(_ situation: FleetSituation) -> FleetCluster? {
        clusters(showing: situation).first
    }
}
