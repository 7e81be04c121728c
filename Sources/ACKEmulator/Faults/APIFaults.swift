/// Faults applied to the calls of one CS API action (or to every action).
public struct APIFaults: Sendable, Equatable {
    /// Fixed delay before answering.
    public var latency: Duration
    /// Extra delay, uniformly random in `0...jitter`.
    public var jitter: Duration
    /// A token bucket; calls beyond it get HTTP 400 `Throttling.User`.
    public var rateLimit: RateLimit?
    /// Fraction (0...1) of calls answered with HTTP 500 `InternalError` or 503 `ServiceUnavailable`.
    public var serverErrorFraction: Double
    /// Fraction (0...1) of calls whose connection is closed without a response.
    public var connectionResetFraction: Double
    /// Fraction (0...1) of calls answered HTTP 400 `Throttling.User` at random, whatever the rate.
    public var throttlingFraction: Double

    public init(
        latency: Duration = .zero,
        jitter: Duration = .zero,
        rateLimit: RateLimit? = nil,
        serverErrorFraction: Double = 0,
        connectionResetFraction: Double = 0,
        throttlingFraction: Double = 0
    ) {
        self.latency = latency
        self.jitter = jitter
        self.rateLimit = rateLimit
        self.serverErrorFraction = serverErrorFraction
        self.connectionResetFraction = connectionResetFraction
        self.throttlingFraction = throttlingFraction
    }

    /// No faults.
    public static let none = APIFaults()
}
