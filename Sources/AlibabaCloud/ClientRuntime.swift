public import Foundation

/// The clock, sleep and randomness the client uses, as values so tests can make them deterministic.
public struct ClientRuntime: Sendable {
    /// Wall-clock time for request signatures (`x-acs-date`, `date`).
    public var now: @Sendable () -> Date
    /// Monotonic time for rate limiting.
    public var monotonicNow: @Sendable () -> ContinuousClock.Instant
    /// Waits for a duration (backoff, `x-acs-retry-after`, rate limiting). Must throw on task cancellation.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A fresh signature nonce per attempt.
    public var makeNonce: @Sendable () -> String
    /// A uniform random number in `[0, 1)` (backoff jitter).
    public var unitRandom: @Sendable () -> Double

    public init(
        now: @escaping @Sendable () -> Date,
        monotonicNow: @escaping @Sendable () -> ContinuousClock.Instant,
        sleep: @escaping @Sendable (Duration) async throws -> Void,
        makeNonce: @escaping @Sendable () -> String,
        unitRandom: @escaping @Sendable () -> Double
    ) {
        self.now = now
        self.monotonicNow = monotonicNow
        self.sleep = sleep
        self.makeNonce = makeNonce
        self.unitRandom = unitRandom
    }

    /// The system clock, `Task.sleep` and the system random number generator (32 hex digit nonces).
    public static let system = ClientRuntime(
        now: { Date() },
        monotonicNow: { ContinuousClock.now },
        sleep: { duration in try await Task.sleep(for: duration) },
        makeNonce: {
            var generator = SystemRandomNumberGenerator()
            let high = generator.next() as UInt64
            let low = generator.next() as UInt64
            return hex64(high) + hex64(low)
        },
        unitRandom: { Double.random(in: 0..<1) }
    )

    private static func hex64(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
