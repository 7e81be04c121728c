/// Paces the calls of one API action with additive-increase / multiplicative-decrease on a send rate.
///
/// It starts unpaced and only measures how fast calls go out; with an `initialWindow` it starts in slow start
/// instead: at most that many calls in flight, one more for every success (the window doubles each round trip), so
/// a large fleet does not open with a burst of throttled calls. The first `Throttling*` answer ends slow start and
/// fixes the rate below the measured send rate; each later throttle lowers it again, at most once per rate change
/// (answers to calls sent before the last change are ignored, as TCP reacts once per round trip). How far it lowers
/// follows the share of throttled answers over the measurement window, as DCTCP does: all throttled halves the rate;
/// a few throttled (a token bucket just past its refill rate) trims it, so the rate settles near the gateway's limit
/// instead of swinging between it and half of it. Successes speed it up: quickly back towards the rate of the last
/// throttle, then slowly beyond it, probing for more. A call waits for
/// its slot; it never fails because of the limiter. Every ticket must be settled once: `recordSuccess`,
/// `recordThrottle`, or `recordFailure` for a call that got no usable answer.
public actor AdaptiveRateLimiter {
    public struct Configuration: Sendable, Equatable {
        /// Lowest rate (calls per second) throttling can push the limiter to.
        public var minRate: Double
        /// Highest rate the limiter grows to.
        public var maxRate: Double
        /// Factor applied to the rate on throttling when every answer in the measurement window was a throttle; with
        /// a share `f` of throttled answers the rate is multiplied by `1 - f * (1 - decreaseFactor)`.
        public var decreaseFactor: Double
        /// Below the last throttled rate: per second, this fraction of the gap is recovered.
        public var recoveryPerSecond: Double
        /// At or above the last throttled rate: per second, the rate grows by this fraction (at least 1 call/s).
        public var probePerSecond: Double
        /// Window over which the send rate is measured.
        public var measurementWindow: Duration
        /// Slow start: calls in flight allowed before the first success; each success allows one more, until the
        /// first throttle hands over to the rate. `nil`: unpaced and unbounded until the first throttle.
        public var initialWindow: Int?

        public init(
            minRate: Double = 0.5,
            maxRate: Double = 5_000,
            decreaseFactor: Double = 0.5,
            recoveryPerSecond: Double = 1.5,
            probePerSecond: Double = 0.1,
            measurementWindow: Duration = .seconds(1),
            initialWindow: Int? = nil
        ) {
            self.minRate = max(minRate, 0.001)
            self.maxRate = max(maxRate, self.minRate)
            self.decreaseFactor = min(max(decreaseFactor, 0.05), 0.95)
            self.recoveryPerSecond = max(recoveryPerSecond, 0)
            self.probePerSecond = max(probePerSecond, 0)
            self.measurementWindow = measurementWindow
            self.initialWindow = initialWindow.map { max($0, 1) }
        }
    }

    /// Handed out by `acquire()` and given back with the outcome of the call.
    public struct Ticket: Sendable {
        /// The rate generation the call was sent under.
        public let epoch: Int
        /// When the call was allowed to go out.
        public let sentAt: ContinuousClock.Instant
    }

    /// A snapshot for tests, benchmarks and logs.
    public struct State: Sendable, Equatable {
        /// Calls per second the limiter paces to; `nil` while no throttling has been seen (unpaced).
        public let rate: Double?
        /// The rate at the most recent throttling decrease.
        public let lastThrottledRate: Double?
        /// Increments on every decrease.
        public let epoch: Int
        public let successes: Int
        public let throttles: Int
        public let decreases: Int
        public let increases: Int
        /// Calls sent and not yet settled.
        public let inFlight: Int
        /// The slow-start window; `nil` when there is none (not configured, or ended by throttling).
        public let window: Int?
    }

    public let action: String
    public let configuration: Configuration
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let sleep: @Sendable (Duration) async throws -> Void

    private var rate: Double?
    private var lastThrottledRate: Double?
    private var lastRelease: ContinuousClock.Instant?
    private var waiters: [Waiter] = []
    private var nextWaiterId = 0
    private var pump: Task<Void, Never>?
    private var recentSends: [ContinuousClock.Instant] = []
    /// When answers came back, and whether they were throttles (for the throttled share).
    private var recentAnswers: [(at: ContinuousClock.Instant, throttled: Bool)] = []
    private var epoch = 0
    private var successes = 0
    private var throttles = 0
    private var decreases = 0
    private var increases = 0
    private var inFlight = 0
    private var slowStartWindow: Int?

    public init(action: String, configuration: Configuration = Configuration(), runtime: ClientRuntime = .system) {
        self.action = action
        self.configuration = configuration
        self.clock = runtime.monotonicNow
        self.sleep = runtime.sleep
        self.slowStartWindow = configuration.initialWindow
    }

    public var state: State {
        State(
            rate: rate, lastThrottledRate: lastThrottledRate, epoch: epoch, successes: successes,
            throttles: throttles, decreases: decreases, increases: increases, inFlight: inFlight,
            window: currentWindow)
    }

    /// The send rate over the measurement window (calls per second).
    public var measuredRate: Double { measuredRate(at: clock()) }

    /// Waits for this call's slot and returns its ticket.
    public func acquire() async throws -> Ticket {
        let now = clock()
        prune(now)
        if waiters.isEmpty, windowAllows, isDue(now) { return release(at: now) }
        let id = nextWaiterId
        nextWaiterId += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Ticket, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                waiters.append(Waiter(id: id, continuation: continuation))
                startPumpIfNeeded()
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// The call went through (any answer other than throttling): speed up, unless the answer belongs to an older
    /// rate generation or callers are not using the rate they have.
    public func recordSuccess(_ ticket: Ticket) {
        successes += 1
        recentAnswers.append((clock(), false))
        // Grow the slow-start window only while callers use at least half of it, so that a long run of
        // one-at-a-time calls does not open it wide for a later burst.
        let used = inFlight
        settle()
        if rate == nil, let window = slowStartWindow, 2 * used >= window {
            slowStartWindow = window + 1
        }
        resumeWaiters()
        guard ticket.epoch == epoch, let current = rate else { return }
        guard !waiters.isEmpty || measuredRate(at: clock()) >= 0.5 * current else { return }
        let target = lastThrottledRate ?? current
        var perSecond = max(configuration.probePerSecond * current, 1)
        if current < target {
            perSecond = max(configuration.recoveryPerSecond * (target - current), perSecond)
        }
        rate = min(configuration.maxRate, current + perSecond / current)
        increases += 1
    }

    /// The call was throttled: lower the rate by the throttled share (once per rate generation).
    public func recordThrottle(_ ticket: Ticket) {
        throttles += 1
        let now = clock()
        recentAnswers.append((now, true))
        settle()
        defer { resumeWaiters() }
        guard ticket.epoch == epoch else { return }
        let current = rate ?? max(measuredRate(at: now), configuration.minRate)
        lastThrottledRate = current
        let factor = 1 - throttledShare(at: now) * (1 - configuration.decreaseFactor)
        rate = max(configuration.minRate, current * factor)
        epoch += 1
        decreases += 1
    }

    /// The call got no answer the rate can learn from (a network error, a timeout, a 5xx, cancellation): it only
    /// frees its place in the slow-start window.
    public func recordFailure(_ ticket: Ticket) {
        settle()
        resumeWaiters()
    }

    /// Calls waiting for their slot (for tests and logs).
    public var waitingCount: Int { waiters.count }

    /// The slow-start window while it applies: configured, and no throttle seen yet.
    private var currentWindow: Int? {
        rate == nil ? slowStartWindow : nil
    }

    /// Whether the slow-start window lets one more call go out.
    private var windowAllows: Bool {
        guard let window = currentWindow else { return true }
        return inFlight < window
    }

    private func settle() {
        inFlight = max(0, inFlight - 1)
    }

    /// Restarts the pump after something let more calls go (a settled call, a larger window, a new rate).
    private func resumeWaiters() {
        if !waiters.isEmpty, windowAllows { startPumpIfNeeded() }
    }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Ticket, any Error>
    }

    /// Whether a call may go out at `now` under the current rate.
    private func isDue(_ now: ContinuousClock.Instant) -> Bool {
        guard let rate, let lastRelease else { return true }
        return now >= lastRelease + .seconds(1 / rate)
    }

    private func release(at now: ContinuousClock.Instant) -> Ticket {
        lastRelease = now
        inFlight += 1
        recentSends.append(now)
        return Ticket(epoch: epoch, sentAt: now)
    }

    /// Releases waiters one interval apart, re-reading the rate before each release so a change applies at once
    /// to every queued call. Stops while the slow-start window is full: settling a call starts it again.
    private func startPumpIfNeeded() {
        guard pump == nil else { return }
        pump = Task { await self.runPump() }
    }

    private func runPump() async {
        while !waiters.isEmpty, windowAllows {
            let now = clock()
            if isDue(now) {
                let waiter = waiters.removeFirst()
                waiter.continuation.resume(returning: release(at: now))
                continue
            }
            guard let rate, let lastRelease else { continue }
            do {
                try await sleep(now.duration(to: lastRelease + .seconds(1 / rate)))
            } catch {
                break
            }
        }
        pump = nil
        resumeWaiters()
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    private func window(for rate: Double?) -> Duration {
        guard let rate else { return configuration.measurementWindow }
        return max(configuration.measurementWindow, .seconds(2 / rate))
    }

    private func measuredRate(at now: ContinuousClock.Instant) -> Double {
        let span = window(for: rate)
        let start = now - span
        let count = recentSends.reduce(0) { $1 > start ? $0 + 1 : $0 }
        return Double(count) / seconds(span)
    }

    /// The share of throttled answers over the measurement window (1 when there is no answer in it).
    private func throttledShare(at now: ContinuousClock.Instant) -> Double {
        let start = now - window(for: rate)
        var total = 0
        var throttled = 0
        for answer in recentAnswers.reversed() {
            guard answer.at > start else { break }
            total += 1
            if answer.throttled { throttled += 1 }
        }
        return total == 0 ? 1 : Double(throttled) / Double(total)
    }

    private func prune(_ now: ContinuousClock.Instant) {
        let keep = max(window(for: rate), .seconds(2 / configuration.minRate))
        let start = now - keep
        if let index = recentAnswers.firstIndex(where: { $0.at > start }) {
            if index > 0 { recentAnswers.removeFirst(index) }
        } else {
            recentAnswers.removeAll(keepingCapacity: true)
        }
        if let index = recentSends.firstIndex(where: { $0 > start }) {
            if index > 0 { recentSends.removeFirst(index) }
        } else {
            recentSends.removeAll(keepingCapacity: true)
        }
    }
}
