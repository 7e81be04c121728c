import AlibabaCloud
import Foundation
import Synchronization

/// A manual monotonic clock whose `sleep` advances time instantly and records each duration.
final class TestRuntime: Sendable {
    private let base = ContinuousClock.now
    private let offset = Mutex<Duration>(.zero)
    private let recorded = Mutex<[Duration]>([])

    var sleeps: [Duration] { recorded.withLock { $0 } }
    var elapsed: Duration { offset.withLock { $0 } }

    func advance(_ duration: Duration) {
        offset.withLock { $0 += duration }
    }

    /// Manual clock and instant sleep; signing date, nonce and jitter from the system.
    var runtime: ClientRuntime {
        var runtime = ClientRuntime.system
        runtime.monotonicNow = { [self] in base + offset.withLock { $0 } }
        runtime.sleep = { [self] duration in
            try Task.checkCancellation()
            recorded.withLock { $0.append(duration) }
            advance(duration)
            await Task.yield()
        }
        return runtime
    }
}
