/// Paces the calls of one API action at the rate the gateway admits, whatever the gateway's burst.
///
/// Alibaba Cloud documents its API limits as "N per second" and publishes no burst, so the limiter finds the rate
/// itself, and a rate measured while a burst is being spent is not the rate. It works in three phases:
///
/// 1. **Slow start.** With an `initialWindow`, at most that many calls are in flight, spread over the round trip
///    once one is known (not sent back to back into a bucket of one call); the window grows by half each round trip,
///    and by at most eight calls a round trip once it is large (limited slow start), so a large fleet does not open
///    with a flood of throttled calls, nor find a large burst's end with a huge window in flight. Without one,
///    calls go out unpaced. The first `Throttling*` answer ends it: calls are paced at once at half the send
///    rate of the last round trip, then at the share of it that got through among the calls of the window still in
///    flight (they went to the same emptied bucket).
/// 2. **Discovery.** The rate grows by half each round trip until a throttle answers, and then drops to just below
///    the rate at which the throttled call went out: on a gateway with a small burst the first throttle comes as
///    the rate crosses the gateway's, so that is the gateway's rate.
/// 3. **Paced.** While calls succeed, the rate probes upward, slowly at first and faster the longer nothing is
///    throttled (`probePerSecond`, at most 5% a second), so a raised quota or a quieter neighbour is found. The
///    first throttle after a quiet `measurementWindow` steps back 6% below the rate its call went out at, or to
///    the admitted rate when that is lower (`State.estimatedRate`: successes per second over the window, measured
///    only once the limiter has been paced for a whole window, so no burst is in it). When throttles stay dense
///    (10% or more of the window's answers), as when a large burst hid the limit until the rate was well past it,
///    the rate is cut to the share of a sample of answers that got through; a cut that does not thin the throttles
///    is not repeated (they are then timing noise at a tiny burst, or throttling whatever the pace), unless it was
///    held to its deepest factor and so could not thin them. Sparse
///    throttles within the window of a decision are ignored, so noise does not ratchet the rate down.
///
/// Calls are released on a schedule, so a pump that wakes late on a busy machine catches up (by at most two
/// intervals) instead of losing the time. The rate grows only while callers use it (they send at least 80% of it),
/// so an idle limiter does not open up for a later burst. Each decision bumps the rate generation (`epoch`);
/// answers to calls sent under an older generation never trigger another one (as TCP reacts once per round trip).
/// A call waits for its slot; it never fails because of the limiter. Every ticket must be settled once:
/// `recordSuccess`, `recordThrottle`, or `recordFailure` for a call that got no usable answer.
public actor AdaptiveRateLimiter {
    public struct Configuration: Sendable, Equatable {
        /// Lowest rate (calls per second) throttling can push the limiter to.
        public var minRate: Double
        /// Highest rate the limiter grows to.
        public var maxRate: Double
        /// The deepest cut of one decision on dense throttles: the rate never drops below this factor of it at once.
        public var decreaseFactor: Double
        /// Once paced: per second of calls sent at the full rate, the rate grows by this fraction times the square of
        /// the windows since the last decision (at least one call per second, at most 5% a second): barely at first,
        /// faster the longer nothing is throttled.
        public var probePerSecond: Double
        /// Window over which throttled shares and the admitted rate are measured; also how long a decision holds
        /// against sparse throttles.
        public var measurementWindow: Duration
        /// Slow start: calls in flight allowed before the first success; each success allows one more, until the
        /// first throttle hands over to the rate. `nil`: unpaced and unbounded until the first throttle.
        public var initialWindow: Int?
        /// The shortest round trip assumed for growth during discovery (a local server answers in microseconds).
        public var minimumRoundTrip: Duration

        public init(
            minRate: Double = 0.5,
            maxRate: Double = 5_000,
            decreaseFactor: Double = 0.5,
            probePerSecond: Double = 0.02,
            measurementWindow: Duration = .seconds(1),
            initialWindow: Int? = nil,
            minimumRoundTrip: Duration = .milliseconds(20)
        ) {
            self.minRate = max(minRate, 0.001)
            self.maxRate = max(maxRate, self.minRate)
            self.decreaseFactor = min(max(decreaseFactor, 0.05), 0.95)
            self.probePerSecond = max(probePerSecond, 0)
            self.measurementWindow = max(measurementWindow, .milliseconds(10))
            self.initialWindow = initialWindow.map { max($0, 1) }
            self.minimumRoundTrip = max(minimumRoundTrip, .milliseconds(1))
        }
    }

    /// Handed out by `acquire()` and given back with the outcome of the call.
    public struct Ticket: Sendable {
        /// The rate generation the call was sent under.
        public let epoch: Int
        /// When the call was allowed to go out.
        public let sentAt: ContinuousClock.Instant
        /// The rate the call was paced at; `nil` in slow start.
        let rate: Double?
    }

    /// A snapshot for tests, benchmarks and logs.
    public struct State: Sendable, Equatable {
        /// Calls per second the limiter paces to; `nil` while no throttling has been seen (unpaced).
        public let rate: Double?
        /// The rate just before the most recent decision on a throttle.
        public let lastThrottledRate: Double?
        /// Increments on every decision taken on a throttle.
        public let epoch: Int
        public let successes: Int
        public let throttles: Int
        public let decreases: Int
        public let increases: Int
        /// Calls sent and not yet settled.
        public let inFlight: Int
        /// The slow-start window; `nil` when there is none (not configured, or ended by throttling).
        public let window: Int?
        /// Successes per second over the measurement window at the most recent decision, once the limiter had been
        /// paced for a whole window (so no burst is in it); `nil` before.
        public let estimatedRate: Double?
    }

    /// Where the limiter is in finding the gateway's rate.
    private enum Phase {
        case slowStart
        case discovering
        case paced
    }

    /// Which kind of decision came last: a step back below a crossing, or a cut on dense throttles.
    private enum Decision {
        case stepBack
        case cut
    }

    /// One answer: when its call went out, when it came back, under which generation, whether it was throttled.
    private struct Answer {
        let sentAt: ContinuousClock.Instant
        let at: ContinuousClock.Instant
        let epoch: Int
        let throttled: Bool
    }

    /// A throttled share of the window at or above this means the rate is clearly over the gateway's.
    private static let denseShare = 0.1
    /// Answers needed after a throttle before a cut is decided on their throttled share.
    private static let minimumSample = 8
    /// How far below the rate of a throttled call a step back goes (a margin for timing noise at a tiny burst).
    private static let stepBack = 0.06
    /// The deepest cut right after a step back: the step was nearly enough.
    private static let cutAfterStepBack = 0.92
    /// The deepest cut of the send rate that ended slow start (a sample of calls sent after the bucket emptied).
    private static let deepestExitCut = 0.1
    /// Discovery: the rate grows by this fraction of itself per round trip, continuously (ln 1.5: by half each
    /// round trip).
    private static let discoveryGrowth = 0.405
    /// The fastest probe, as a fraction of the rate per second.
    private static let probeCeiling = 0.05
    /// A cut whose throttled share is still at least this fraction of the previous cut's did not help...
    private static let unhelpedCut = 0.8
    /// ...unless most answers are throttles: then the rate is clearly too high, and cuts go on.
    private static let majority = 0.5
    /// Slow start: the window grows by this many calls per success (by half each round trip)...
    private static let slowStartGrowth = 0.5
    /// ...and by at most this many calls per round trip once it is large (limited slow start, as RFC 3742).
    private static let slowStartStep = 8.0
    /// How many intervals a late pump may make up for by releasing calls back to back.
    private static let catchUpIntervals = 2
    /// The rate grows only while callers send at least this share of it.
    private static let usedShare = 0.8

    public let action: String
    public let configuration: Configuration
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let sleep: @Sendable (Duration) async throws -> Void

    private var phase = Phase.slowStart
    private var rate: Double?
    private var estimate: Double?
    private var lastThrottledRate: Double?
    private var lastDecision: (at: ContinuousClock.Instant, kind: Decision)?
    /// The throttled share that the most recent cut answered, while cuts follow one another.
    private var lastCutShare: Double?
    private var pacedSince: ContinuousClock.Instant?
    /// A cut waiting for its sample: the throttled call that asked for it, the rate the cut applies to, and the
    /// deepest factor the cut may apply.
    private var pendingCut: (sentAt: ContinuousClock.Instant, rate: Double, deepest: Double)?
    /// When the next call may go out under the rate: a schedule, not the last release plus an interval, so a pump
    /// that wakes late (a busy machine) catches up instead of losing the time (at most `catchUpIntervals` behind).
    private var nextSlot: ContinuousClock.Instant?
    private var firstSend: ContinuousClock.Instant?
    private var roundTrip: Duration?
    private var waiters: [Waiter] = []
    private var nextWaiterId = 0
    private var pump: Task<Void, Never>?
    private var recentSends: [ContinuousClock.Instant] = []
    private var recentAnswers: [Answer] = []
    private var epoch = 0
    private var successes = 0
    private var throttles = 0
    private var decreases = 0
    private var increases = 0
    private var inFlight = 0
    private var slowStartWindow: Int?
    private var slowStartCredit = 0.0

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
            window: currentWindow, estimatedRate: estimate)
    }

    /// The send rate over the measurement window (calls per second).
    public var measuredRate: Double { measuredRate(at: clock()) }

    /// Waits for this call's slot and returns its ticket.
    public func acquire() async throws -> Ticket {
        let now = clock()
        prune(now)
        if waiters.isEmpty, windowAllows, isDue(now) { return release(at: now, catchingUp: false) }
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
        let now = clock()
        record(ticket, at: now, throttled: false)
        // Grow the slow-start window only while callers use at least half of it, so that a long run of
        // one-at-a-time calls does not open it wide for a later burst.
        let used = inFlight
        settle()
        if rate == nil, let window = slowStartWindow, 2 * used >= window {
            // By half a call per success (half the window each round trip), at most `slowStartStep` calls a round
            // trip: a gateway's burst hides its rate until the bucket is empty, and every call in flight then is
            // throttled, so the window must not be far past the rate when that happens.
            slowStartCredit += min(Self.slowStartGrowth, Self.slowStartStep / Double(window))
            if slowStartCredit >= 1 {
                slowStartCredit -= 1
                slowStartWindow = window + 1
            }
        }
        defer { resumeWaiters() }
        if pendingCut != nil { cutIfSampled(at: now) }
        guard ticket.epoch == epoch else { return }
        guard let current = rate, recentSendRate(at: now) >= Self.usedShare * current else { return }
        var perSecond: Double
        switch phase {
        case .discovering:
            perSecond = Self.discoveryGrowth * current / seconds(currentRoundTrip)
        case .slowStart, .paced:
            perSecond = configuration.probePerSecond * current
            if let lastDecision {
                let quiet = seconds(lastDecision.at.duration(to: now)) / seconds(configuration.measurementWindow)
                perSecond *= quiet * quiet
            }
            perSecond = max(min(perSecond, Self.probeCeiling * current), 1)
        }
        rate = min(configuration.maxRate, current + perSecond / current)
        increases += 1
    }

    /// The call was throttled: step back below the rate it was sent at, or cut to the admitted share when throttles
    /// are dense (at most once per rate generation, and once per measurement window while throttles are sparse).
    public func recordThrottle(_ ticket: Ticket) {
        throttles += 1
        let now = clock()
        record(ticket, at: now, throttled: true)
        settle()
        defer { resumeWaiters() }
        if pendingCut != nil {
            cutIfSampled(at: now)
            return
        }
        guard ticket.epoch == epoch else { return }
        switch phase {
        case .slowStart:
            // Halve at once; the calls of the window still in flight went to the same emptied bucket, so the share
            // of them throttled then says how far over the gateway's rate the window was.
            let sent = max(sendRate(before: ticket.sentAt), windowRate(at: now))
            lastThrottledRate = sent
            decide(sent / 2, at: now, kind: .stepBack)
            phase = .discovering
            pendingCut = (ticket.sentAt, sent, Self.deepestExitCut)
        case .discovering:
            // The rate grew between the last call that went through and this one.
            var base = min(rate ?? configuration.minRate, sentRate(of: ticket))
            base = max(base - Self.discoveryGrowth / seconds(currentRoundTrip), base / 2)
            phase = .paced
            decide(base * (1 - Self.stepBack), at: now, kind: .stepBack)
        case .paced:
            let current = rate ?? configuration.minRate
            if let lastDecision, now < lastDecision.at + window(for: rate) {
                guard throttledShare(at: now) >= Self.denseShare else { return }
                let deepest = lastDecision.kind == .stepBack ? Self.cutAfterStepBack : configuration.decreaseFactor
                pendingCut = (ticket.sentAt, min(current, sentRate(of: ticket)), deepest)
                cutIfSampled(at: now)
                return
            }
            let base = min(current, sentRate(of: ticket))
            var next = base * (1 - Self.stepBack)
            if let admitted = admittedRate(at: now) {
                estimate = admitted
                next = min(next, max(admitted, base * configuration.decreaseFactor))
            }
            decide(next, at: now, kind: .stepBack)
        }
    }

    /// The call got no answer the rate can learn from (a network error, a timeout, a 5xx, cancellation): it only
    /// frees its place in the slow-start window.
    public func recordFailure(_ ticket: Ticket) {
        settle()
        resumeWaiters()
    }

    /// Calls waiting for their slot (for tests and logs).
    public var waitingCount: Int { waiters.count }

    /// Cuts the rate to the admitted share once enough answers to calls sent after the throttle that asked for it
    /// are in: the larger throttled share of that sample and of the current generation, so that a lucky sample does
    /// not leave the rate where it is.
    private func cutIfSampled(at now: ContinuousClock.Instant) {
        guard let cut = pendingCut else { return }
        var sample = 0
        var sampleThrottled = 0
        var generation = 0
        var generationThrottled = 0
        for answer in recentAnswers {
            if answer.sentAt > cut.sentAt {
                sample += 1
                if answer.throttled { sampleThrottled += 1 }
            }
            if answer.epoch == epoch {
                generation += 1
                if answer.throttled { generationThrottled += 1 }
            }
        }
        guard sample >= Self.minimumSample else { return }
        var share = Double(sampleThrottled) / Double(sample)
        if generation > 0 { share = max(share, Double(generationThrottled) / Double(generation)) }
        if let admitted = admittedRate(at: now) { estimate = admitted }
        let next = cut.rate * max(1 - share, cut.deepest)
        if next >= rate ?? .infinity {
            pendingCut = nil
            return
        }
        if share < Self.majority, let previous = lastCutShare, share >= Self.unhelpedCut * previous {
            // The last cut did not thin the throttles: they are not the rate's doing (timing noise at a tiny burst,
            // or throttling whatever the pace), and cutting again would only slow the calls down.
            pendingCut = nil
            lastDecision = (now, .cut)
            return
        }
        // A cut held to its deepest factor could not thin the throttles much: the next one is not judged by it
        // (else a rate 70% over the gateway's stayed there, a clamped cut taken for one that did not help).
        lastCutShare = 1 - share < cut.deepest ? nil : share
        decide(next, at: now, kind: .cut)
    }

    /// Sets the rate (never above the current one) and starts a new rate generation.
    private func decide(_ next: Double, at now: ContinuousClock.Instant, kind: Decision) {
        if kind == .stepBack { lastCutShare = nil }
        let bounded = min(max(next, configuration.minRate), configuration.maxRate)
        if let current = rate {
            lastThrottledRate = current
            rate = min(bounded, current)
        } else {
            rate = bounded
        }
        if phase == .paced, pacedSince == nil { pacedSince = now }
        pendingCut = nil
        lastDecision = (now, kind)
        epoch += 1
        decreases += 1
    }

    /// The slow-start window while it applies: configured, and no throttle seen yet.
    private var currentWindow: Int? {
        rate == nil ? slowStartWindow : nil
    }

    /// Whether the slow-start window lets one more call go out.
    private var windowAllows: Bool {
        guard let window = currentWindow else { return true }
        return inFlight < window
    }

    /// The shortest round trip seen, at least the configured minimum.
    private var currentRoundTrip: Duration {
        max(roundTrip ?? configuration.minimumRoundTrip, configuration.minimumRoundTrip)
    }

    private func record(_ ticket: Ticket, at now: ContinuousClock.Instant, throttled: Bool) {
        recentAnswers.append(Answer(sentAt: ticket.sentAt, at: now, epoch: ticket.epoch, throttled: throttled))
        let trip = ticket.sentAt.duration(to: now)
        if trip > .zero { roundTrip = min(roundTrip ?? trip, trip) }
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
        guard rate != nil || (currentWindow != nil && roundTrip != nil), let nextSlot else { return true }
        return now >= nextSlot
    }

    /// Releases one call. The pump, which had callers waiting, keeps to the schedule (`catchingUp`); a caller that
    /// found the limiter idle starts it afresh.
    private func release(at now: ContinuousClock.Instant, catchingUp: Bool) -> Ticket {
        if let rate {
            let interval = Duration.seconds(1 / rate)
            let start = catchingUp ? max(nextSlot ?? now, now - interval * Self.catchUpIntervals) : now
            nextSlot = start + interval
        } else if let window = currentWindow, let roundTrip {
            // Slow start: the window's calls spread over the round trip, not sent back to back into the bucket.
            nextSlot = now + max(roundTrip, configuration.minimumRoundTrip) / window
        } else {
            nextSlot = now
        }
        if firstSend == nil { firstSend = now }
        inFlight += 1
        recentSends.append(now)
        return Ticket(epoch: epoch, sentAt: now, rate: rate)
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
                waiter.continuation.resume(returning: release(at: now, catchingUp: true))
                continue
            }
            guard rate != nil || (currentWindow != nil && roundTrip != nil), let nextSlot else { continue }
            do {
                try await sleep(now.duration(to: nextSlot))
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
        return Double(sends(after: now - span)) / seconds(span)
    }

    /// The send rate over the last two round trips (at least four calls' time): whether callers use the rate.
    private func recentSendRate(at now: ContinuousClock.Instant) -> Double {
        let span = max(currentRoundTrip * 2, .seconds(4 / (rate ?? 1)))
        return Double(sends(after: now - span)) / seconds(span)
    }

    /// Calls released after `start`, counted from the newest.
    private func sends(after start: ContinuousClock.Instant) -> Int {
        var count = 0
        for sent in recentSends.reversed() {
            guard sent > start else { break }
            count += 1
        }
        return count
    }

    /// The rate `ticket`'s call actually went out at: the rate it was paced at, or what callers sent over the two
    /// round trips before it when that was less (callers that did not use the rate were not what the gateway
    /// throttled).
    private func sentRate(of ticket: Ticket) -> Double {
        let span = max(currentRoundTrip * 2, .seconds(8 / (ticket.rate ?? rate ?? 1)))
        let start = ticket.sentAt - span
        let count = recentSends.reduce(0) { $1 > start && $1 <= ticket.sentAt ? $0 + 1 : $0 }
        let sent = Double(max(count, 1)) / seconds(span)
        guard let paced = ticket.rate, sent >= Self.usedShare * paced else { return sent }
        return paced
    }

    /// What the slow-start window sends: the calls released over the last round trip.
    private func windowRate(at now: ContinuousClock.Instant) -> Double {
        Double(sends(after: now - currentRoundTrip)) / seconds(currentRoundTrip)
    }

    /// The send rate of the round trip up to `instant` (at least one round trip, at most the window): what the
    /// slow-start window was sending when a throttled call went out.
    private func sendRate(before instant: ContinuousClock.Instant) -> Double {
        let elapsed = firstSend.map { $0.duration(to: instant) } ?? .zero
        let span = max(min(window(for: rate), elapsed), currentRoundTrip)
        let start = instant - span
        let count = recentSends.reduce(0) { $1 > start && $1 <= instant ? $0 + 1 : $0 }
        return Double(max(count, 1)) / seconds(span)
    }

    /// Successes per second among the calls sent over the window up to the newest answered call: what the gateway
    /// admits when the limiter sends more. `nil` until the limiter has been paced for a whole window, so that no
    /// burst the gateway allowed at the start is counted as rate.
    private func admittedRate(at now: ContinuousClock.Instant) -> Double? {
        let span = window(for: rate)
        guard let pacedSince, now >= pacedSince + span else { return nil }
        guard let newest = recentAnswers.map(\.sentAt).max() else { return nil }
        let start = newest - span
        let admitted = recentAnswers.reduce(0) { !$1.throttled && $1.sentAt > start ? $0 + 1 : $0 }
        return Double(admitted) / seconds(span)
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
        // Long enough for a cut's sample at a low rate, too.
        let sample = Double(2 * Self.minimumSample) / (rate ?? configuration.maxRate)
        let keep = max(window(for: rate), .seconds(2 / configuration.minRate), .seconds(sample))
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
