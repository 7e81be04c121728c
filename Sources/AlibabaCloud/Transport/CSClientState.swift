/// The mutable state one `CSClient` shares across all its concurrent calls: attempt counts and one adaptive rate
/// limiter per API action.
actor CSClientState {
    private let limiterConfiguration: AdaptiveRateLimiter.Configuration?
    private let runtime: ClientRuntime
    private var limiters: [String: AdaptiveRateLimiter] = [:]
    private(set) var callCounts: [String: Int] = [:]
    /// The most recent error answer or failed attempt of any call, for messages about calls that did not finish.
    private(set) var lastError: String?

    init(limiterConfiguration: AdaptiveRateLimiter.Configuration?, runtime: ClientRuntime) {
        self.limiterConfiguration = limiterConfiguration
        self.runtime = runtime
    }

    func countAttempt(_ action: String) {
        callCounts[action, default: 0] += 1
    }

    /// Attempts per action that got no HTTP answer at all (timeout, connection failure): an answer the server may
    /// have acted on without the client seeing it.
    private(set) var unansweredCounts: [String: Int] = [:]

    /// Attempts per action that did not succeed, by outcome: `throttled`, `error` (any other error answer) or
    /// `no-answer`.
    private(set) var failedAttempts: [String: [String: Int]] = [:]

    func recordError(_ action: String, _ error: String, answered: Bool = true, throttled: Bool = false) {
        lastError = "\(action): \(error)"
        if !answered { unansweredCounts[action, default: 0] += 1 }
        let outcome = !answered ? "no-answer" : (throttled ? "throttled" : "error")
        failedAttempts[action, default: [:]][outcome, default: 0] += 1
    }

    /// The action's limiter, created on first use; `nil` when rate limiting is off.
    func limiter(for action: String) -> AdaptiveRateLimiter? {
        guard let limiterConfiguration else { return nil }
        if let existing = limiters[action] { return existing }
        let limiter = AdaptiveRateLimiter(action: action, configuration: limiterConfiguration, runtime: runtime)
        limiters[action] = limiter
        return limiter
    }

    func existingLimiters() -> [String: AdaptiveRateLimiter] { limiters }
}
