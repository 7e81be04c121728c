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

        // A success widens the window by one while at least half of it is in use: of the four answers with 4, 3, 2
        // and 1 calls in flight, the first two count, so the window grows to 6.
        for ticket in tickets { await limiter.recordSuccess(ticket) }
        let state = await limiter.state
        #expect(state.window == 6)
        #expect(state.inFlight == 0)
        #expect(state.rate == nil, "no throttle yet: unpaced")
        for _ in 0..<6 { _ = try await limiter.acquire() }
        #expect(await limiter.state.inFlight == 6)
        #expect(await limiter.waitingCount == 0)
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
        var initialWindow: Int? = 32
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
                let arrival = ticket.sentAt + latency / 2
                tokens = min(Double(burst), tokens + seconds(refilled.duration(to: arrival)) * rate)
                refilled = arrival
                let ok = tokens >= 1
                if ok {
                    tokens -= 1
                    result.admitted.append(arrival)
                }
                result.sent += 1
                inFlight.append((ticket.sentAt + latency, ticket, ok))
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
        #expect(share <= 0.12, Comment(rawValue: detail))
        // At 50/s the end of slow start (a window of calls into an emptied bucket) and a step back every few
        // seconds cost 8-10% of a 1,000-call run: over issue 17's 5%. Recorded, so that a fix shows up here.
        withKnownIssue(Comment(rawValue: detail), isIntermittent: true) {
            #expect(share <= 0.05, Comment(rawValue: detail))
        } when: {
            rate < 100
        }
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
