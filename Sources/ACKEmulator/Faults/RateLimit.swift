/// A token bucket: `burst` calls at once, refilled at `perSecond` calls per second.
public struct RateLimit: Sendable, Equatable {
    public var perSecond: Double
    public var burst: Int

    public init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// A bucket with the default burst for its rate.
    public init(perSecond: Double) {
        self.init(perSecond: perSecond, burst: Self.defaultBurst(perSecond: perSecond))
    }

    /// A tenth of a second of calls, at least one. Alibaba Cloud documents its API limits as "N per second" and
    /// publishes no burst, so the emulator does not hand out a generous one: a client tuned against a bucket that
    /// holds a full second of calls reaches the rate only where the gateway is as generous.
    public static func defaultBurst(perSecond: Double) -> Int {
        guard perSecond.isFinite, perSecond > 10 else { return 1 }
        return Int(min(perSecond / 10, 1_000_000_000))
    }
}
