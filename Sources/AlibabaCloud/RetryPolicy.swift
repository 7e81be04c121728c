/// How a call is retried: exponential backoff with full jitter for transient failures (network errors, 5xx,
/// `ServiceUnavailable`), and for throttling a separate, larger allowance bounded by a hard cap of attempts.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts allowed for a call counting only transient failures (1 = no retry).
    public var maxAttempts: Int
    /// Hard cap on all attempts of one call, throttled ones included.
    public var maxTotalAttempts: Int
    /// Backoff ceiling for the first retry; doubles on each further retry.
    public var baseDelay: Duration
    /// Upper bound of any backoff.
    public var maxDelay: Duration
    /// Upper bound applied to a server's `x-acs-retry-after`.
    public var maxRetryAfter: Duration
    /// The most one call may take, every attempt, backoff and wait for its rate limiter's slot together; `nil`:
    /// bounded by attempts alone. No retry starts that could not finish within it, and a call still waiting when it
    /// runs out fails with its last error (``CSClientError/budgetExhausted(action:seconds:attempts:lastError:)``).
    public var maxElapsed: Duration?

    public init(
        maxAttempts: Int = 4,
        maxTotalAttempts: Int = 30,
        baseDelay: Duration = .milliseconds(200),
        maxDelay: Duration = .seconds(20),
        maxRetryAfter: Duration = .seconds(120),
        maxElapsed: Duration? = .seconds(60)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxTotalAttempts = max(self.maxAttempts, maxTotalAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.maxElapsed = maxElapsed.map { max($0, .milliseconds(1)) }
    }

    public static let `default` = RetryPolicy()
    /// One attempt, no retry of any kind.
    public static let none = RetryPolicy(maxAttempts: 1, maxTotalAttempts: 1)

    /// Full jitter: a uniform delay in `[0, min(maxDelay, baseDelay · 2^retry))`; `retry` counts from 0 and
    /// `unitRandom` is in `[0, 1)`.
    public func backoff(retry: Int, unitRandom: Double) -> Duration {
        let exponent = Double(min(max(retry, 0), 62))
        let ceiling = min(seconds(maxDelay), seconds(baseDelay) * pow2(exponent))
        let fraction = min(max(unitRandom, 0), 1)
        return .nanoseconds(Int64((ceiling * fraction * 1e9).rounded(.down)))
    }

    private func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        for _ in 0..<Int(exponent) { value *= 2 }
        return value
    }
}

/// A `Duration` in seconds as a `Double`.
func seconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
}
