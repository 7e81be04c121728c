import Foundation

extension EmulatorState {
    /// A token bucket's state.
    struct TokenBucket: Sendable {
        var tokens: Double
        var updated: Date
    }

    /// What the network does to one call before the gateway sees it.
    struct NetworkFaults: Sendable {
        var delay: Duration
        var reset: Bool
    }

    /// Latency and connection reset for one call of `action`.
    func networkFaults(for action: String) -> NetworkFaults {
        let faults = faults.faults(for: action)
        var delay = faults.latency
        if faults.jitter > .zero {
            delay += faults.jitter * random.nextFraction()
        }
        let reset = faults.connectionResetFraction > 0 && random.nextFraction() < faults.connectionResetFraction
        return NetworkFaults(delay: delay, reset: reset)
    }

    /// Throttling (token bucket per action, then the random throttling fraction) and injected 5xx answers for one
    /// authenticated call of `action`. Throttled answers are counted per action (`throttledCounts()`).
    func gatewayFault(for action: String) -> CSError? {
        let fault = drawGatewayFault(for: action)
        if fault == .throttled { throttled[action, default: 0] += 1 }
        return fault
    }

    private func drawGatewayFault(for action: String) -> CSError? {
        let faults = faults.faults(for: action)
        if let limit = faults.rateLimit {
            let now = clock()
            var bucket = buckets[action] ?? TokenBucket(tokens: Double(limit.burst), updated: now)
            let elapsed = max(0, now.timeIntervalSince(bucket.updated))
            bucket.tokens = min(Double(limit.burst), bucket.tokens + elapsed * limit.perSecond)
            bucket.updated = now
            let admitted = bucket.tokens >= 1
            if admitted { bucket.tokens -= 1 }
            buckets[action] = bucket
            if !admitted { return .throttled }
        }
        if faults.throttlingFraction > 0, random.nextFraction() < faults.throttlingFraction {
            return .throttled
        }
        if faults.serverErrorFraction > 0, random.nextFraction() < faults.serverErrorFraction {
            return random.next() % 2 == 0 ? .internalError : .serviceUnavailable
        }
        return nil
    }
}
