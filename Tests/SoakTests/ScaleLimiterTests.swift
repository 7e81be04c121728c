import AlibabaCloud
import Foundation
import Synchronization
import Testing

/// What lets a fleet audit run at the gateway's limit: the limiter's slow-start window and its decrease by the
/// throttled share. On a manual clock: assertions are on the limiter's state, never on wall time.
@Suite("adaptive limiter at fleet scale")
struct ScaleLimiterTests {
    /// A manual monotonic clock; `sleep` advances it at once.
    final class ManualClock: Sendable {
        private let base = ContinuousClock.now
        private let offset = Mutex<Duration>(.zero)

        func advance(_ duration: Duration) { offset.withLock { $0 += duration } }

        var runtime: ClientRuntime {
            var runtime = ClientRuntime.system
            runtime.monotonicNow = { [self] in base + offset.withLock { $0 } }
            runtime.sleep = { [self] duration in
                try Task.checkCancellation()
                advance(duration)
                await Task.yield()
            }
            return runtime
        }
    }

    @Test("slow start: the initial window bounds calls in flight; settling frees a place, successes widen it")
    func slowStartWindow() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(
            action: "GetClusterAddonInstance", configuration: .init(initialWindow: 4), runtime: clock.runtime)
        var tickets: [AdaptiveRateLimiter.Ticket] = []
        for _ in 0..<4 { tickets.append(try await limiter.acquire()) }
        #expect(await limiter.state.inFlight == 4)

        // A fifth caller waits for a place.
        let fifth = Task { try await limiter.acquire() }
        while await limiter.waitingCount == 0 { await Task.yield() }
        #expect(await limiter.state.inFlight == 4)

        // A failure frees its place without touching the window.
        await limiter.recordFailure(tickets.removeFirst())
        tickets.append(try await fifth.value)
        #expect(await limiter.state.window == 4)
        #expect(await limiter.state.inFlight == 4)

        // A success widens the window by half a call while at least half of it is in use (by half each round
        // trip): of the four answers with 4, 3, 2 and 1 calls in flight, the first two count, so the window grows
        // to 5.
        for ticket in tickets { await limiter.recordSuccess(ticket) }
        let state = await limiter.state
        #expect(state.window == 5)
        #expect(state.inFlight == 0)
        #expect(state.rate == nil, "no throttle yet: unpaced")
        for _ in 0..<5 { _ = try await limiter.acquire() }
        #expect(await limiter.state.inFlight == 5)
        #expect(await limiter.waitingCount == 0)
    }

    @Test("slow start spreads the window's calls over the round trip once one is known")
    func slowStartPacesWithinTheRoundTrip() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(action: "A", configuration: .init(initialWindow: 8), runtime: clock.runtime)
        let first = try await limiter.acquire()
        clock.advance(.milliseconds(100))
        await limiter.recordSuccess(first)
        var sent: [ContinuousClock.Instant] = []
        for _ in 0..<4 { sent.append(try await limiter.acquire().sentAt) }
        // A window of 8 over a round trip of 100 ms: 12.5 ms apart, not back to back into the gateway's bucket.
        for (earlier, later) in zip(sent, sent.dropFirst()) {
            #expect(earlier.duration(to: later) >= .microseconds(12_400), "\(earlier.duration(to: later))")
        }
        #expect(await limiter.state.window == 8)
    }

    @Test("a large slow-start window grows by at most 8 calls a round trip (limited slow start)")
    func largeWindowGrowsLinearly() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(action: "A", configuration: .init(initialWindow: 64), runtime: clock.runtime)
        var tickets: [AdaptiveRateLimiter.Ticket] = []
        for _ in 0..<64 { tickets.append(try await limiter.acquire()) }
        clock.advance(.milliseconds(100))
        // A round trip's worth of answers: by half (32 calls) it would be; limited, about 8 at most.
        for ticket in tickets { await limiter.recordSuccess(ticket) }
        let window = try #require(await limiter.state.window)
        #expect(window > 64 && window <= 72, "window \(window) after a round trip at 64")
    }

    @Test("one-at-a-time callers do not widen the window")
    func applicationLimitedSlowStart() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(action: "A", configuration: .init(initialWindow: 4), runtime: clock.runtime)
        for _ in 0..<50 {
            let ticket = try await limiter.acquire()
            clock.advance(.milliseconds(100))
            await limiter.recordSuccess(ticket)
        }
        #expect(await limiter.state.window == 4)
    }

    @Test("the first throttle ends slow start; the waiting callers are then paced, not refused")
    func throttleEndsSlowStart() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(action: "A", configuration: .init(initialWindow: 2), runtime: clock.runtime)
        let first = try await limiter.acquire()
        let second = try await limiter.acquire()
        let waiting = Task { try await limiter.acquire() }
        while await limiter.waitingCount == 0 { await Task.yield() }
        await limiter.recordThrottle(first)
        let state = await limiter.state
        #expect(state.window == nil)
        #expect(state.rate != nil)
        _ = try await waiting.value
        await limiter.recordSuccess(second)
        #expect(await limiter.waitingCount == 0)
    }

    /// A gateway's token bucket (`rate` per second, `burst` at once) in front of callers that always have a call
    /// ready, as a fleet audit's clusters do: `calls` calls must go through, every throttled one is sent again, and
    /// each is answered `latency` after it went out (the bucket sees it halfway). Runs on the manual clock.
    struct Gateway {
        let rate: Double
        let burst: Int
        var latency: Duration = .milliseconds(100)
        /// Each call's one-way delay varies uniformly by this much in all (a seeded generator: the same every run).
        var jitter: Duration = .zero
        var initialWindow: Int? = CSClientOptions().rateLimiting?.initialWindow
        /// Calls in flight at most, as `--concurrency` bounds a fleet audit's clusters.
        var concurrency = 128

        struct Run {
            /// Calls sent, including the throttled ones.
            var sent = 0
            var throttled = 0
            /// When each call went through, as the gateway admitted it.
            var admitted: [ContinuousClock.Instant] = []
            var finished: ContinuousClock.Instant
            var state: AdaptiveRateLimiter.State

            /// Admitted calls per second over the last `seconds` of the run.
            func admittedRate(last seconds: Double) -> Double {
                let start = finished - .seconds(seconds)
                return Double(admitted.filter { $0 > start }.count) / seconds
            }
        }

        func run(calls: Int) async throws -> Run {
            let clock = ManualClock()
            let runtime = clock.runtime
            let limiter = AdaptiveRateLimiter(
                action: "GetClusterAddonInstance", configuration: .init(initialWindow: initialWindow),
                runtime: runtime)
            let start = runtime.monotonicNow()
            var tokens = Double(burst)
            var refilled = start
            var inFlight: [(answerAt: ContinuousClock.Instant, ticket: AdaptiveRateLimiter.Ticket, ok: Bool)] = []
            var remaining = calls
            var random = UnitRandom()
            var result = Run(finished: start, state: await limiter.state)
            while remaining > 0 {
                // Answers due by now come back first.
                while let first = inFlight.first, first.answerAt <= runtime.monotonicNow() {
                    inFlight.removeFirst()
                    if first.ok {
                        remaining -= 1
                        await limiter.recordSuccess(first.ticket)
                    } else {
                        result.throttled += 1
                        await limiter.recordThrottle(first.ticket)
                    }
                }
                let state = await limiter.state
                let windowFull = state.window.map { state.inFlight >= $0 } ?? false
                if remaining - inFlight.count <= 0 || windowFull || inFlight.count >= concurrency {
                    // Nothing to send until the next answer.
                    guard let next = inFlight.first else { break }
                    clock.advance(runtime.monotonicNow().duration(to: next.answerAt))
                    continue
                }
                let ticket = try await limiter.acquire()
                let shift = jitter * (random.unit() - 0.5)
                // The bucket sees calls in the order they arrive; a call jittered before the last one waits for it.
                let arrival = max(ticket.sentAt + latency / 2 + shift, refilled)
                tokens = min(Double(burst), tokens + seconds(refilled.duration(to: arrival)) * rate)
                refilled = arrival
                let ok = tokens >= 1
                if ok {
                    tokens -= 1
                    result.admitted.append(arrival)
                }
                result.sent += 1
                inFlight.append((ticket.sentAt + latency + shift, ticket, ok))
                if shift != .zero { inFlight.sort { $0.answerAt < $1.answerAt } }
            }
            result.finished = runtime.monotonicNow()
            result.state = await limiter.state
            return result
        }
    }

    /// The bursts the benchmark sweeps: one call, a tenth of a second of calls, a full second of calls.
    static let gateways: [(rate: Double, burst: Int)] = [(50, 1), (50, 5), (50, 50), (200, 1), (200, 20), (200, 200)]

    @Test(
        "at the gateway's rate whatever its burst: admitted within a few % of the rate, few calls throttled",
        arguments: gateways)
    func convergesWhateverTheBurst(rate: Double, burst: Int) async throws {
        let run = try await Gateway(rate: rate, burst: burst).run(calls: Int(rate) * 20)
        // A bucket of one call throttles any call that arrives early, so there the limiter keeps a margin.
        let margin = burst == 1 ? 0.9 : 0.95
        let converged = run.admittedRate(last: 4)
        #expect(
            converged >= margin * rate, "admitted \(converged)/s over the last 4 s, gateway \(rate)/s burst \(burst)")
        #expect(converged <= 1.02 * rate + 1)
        let paced = try #require(run.state.rate)
        #expect(paced >= margin * rate && paced <= 1.1 * rate, "paces at \(paced)/s, gateway \(rate)/s burst \(burst)")
        // The whole run takes about the gateway's time: its calls beyond the burst at its rate, and a round trip.
        let floor = Double(run.admitted.count - burst) / rate + 0.1
        let wall = seconds(run.admitted[0].duration(to: run.finished)) + 0.05
        #expect(wall <= 1.2 * floor, "\(wall) s for a floor of \(floor) s, burst \(burst)")
        let share = Double(run.throttled) / Double(run.sent)
        let detail = "\(run.throttled) of \(run.sent) calls throttled, gateway \(rate)/s burst \(burst)"
        // Issue 17's target: at most 5% of the calls throttled. With a burst of a whole second of calls the bucket
        // hides the rate until it is empty, and the calls then in flight are throttled: 6-8% of a run this short.
        // Recorded, so that a fix shows up here.
        withKnownIssue(Comment(rawValue: detail), isIntermittent: true) {
            #expect(share <= 0.05, Comment(rawValue: detail))
        } when: {
            burst >= Int(rate) && rate > 100
        }
    }

    /// The sweep the README's simulation table comes from: every gateway with one-way delays jittered by 0, 1 and
    /// 2 ms. Prints wall/floor and the throttled share of each run; holds them to loose bounds (a burst of one call
    /// with jitter cannot be run at the rate without throttles: see the README).
    @Test("simulated sweep with jitter: printed, and within loose bounds")
    func jitteredSweep() async throws {
        for jitter in [0, 1, 2] {
            for (rate, burst) in Self.gateways {
                var gateway = Gateway(rate: rate, burst: burst)
                gateway.jitter = .milliseconds(jitter)
                let run = try await gateway.run(calls: 1_000)
                let floor = Double(run.admitted.count - burst) / rate + 0.1
                let wall = seconds(run.admitted[0].duration(to: run.finished)) + 0.05
                let share = Double(run.throttled) / Double(run.sent)
                let line =
                    "limiter sim: Q=\(Int(rate)) B=\(burst) jitter=\(jitter)ms wall/floor="
                    + String(
                        format: "%.2f throttled=%.1f%% (%d of %d)", wall / floor, 100 * share, run.throttled, run.sent)
                print(line)
                #expect(wall <= 1.6 * floor, Comment(rawValue: line))
                #expect(share <= 0.08, Comment(rawValue: line))
            }
        }
    }

    /// A small window that ends slow start below the gateway's rate reaches the rate by discovery; a cut right after
    /// a step back may go no deeper than 8%, and such a clamped cut used to count as one that "did not thin the
    /// throttles", so every later cut was skipped and the limiter stayed 70% over a 50/s gateway with a third of its
    /// calls throttled.
    @Test("a cut held to its deepest factor does not stop the next cut")
    func clampedCutDoesNotStopTheNextCut() async throws {
        var gateway = Gateway(rate: 50, burst: 5)
        gateway.initialWindow = 4
        let run = try await gateway.run(calls: 1_000)
        let paced = try #require(run.state.rate)
        #expect(paced <= 1.1 * 50, "paces at \(paced)/s, gateway 50/s burst 5")
        let share = Double(run.throttled) / Double(run.sent)
        #expect(share <= 0.08, "\(run.throttled) of \(run.sent) calls throttled")
    }
}

/// A seeded linear congruential generator: jitter that is the same on every run.
private struct UnitRandom {
    var state: UInt64 = 42

    mutating func unit() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(UInt64(1) << 53)
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
