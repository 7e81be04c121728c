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

    @Test("a few throttled answers trim the rate; all throttled halves it")
    func decreaseFollowsTheThrottledShare() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(action: "A", runtime: clock.runtime)
        // 40 calls per second, 19 of 20 answered, then one throttled: a share of 1/20.
        var tickets: [AdaptiveRateLimiter.Ticket] = []
        for _ in 0..<40 {
            tickets.append(try await limiter.acquire())
            clock.advance(.milliseconds(25))
        }
        for ticket in tickets.prefix(19) { await limiter.recordSuccess(ticket) }
        await limiter.recordThrottle(tickets[19])
        let trimmed = try #require(await limiter.state.rate)
        #expect(abs(trimmed - 40 * (1 - 0.5 / 20)) < 1.5, "got \(trimmed)")

        // Only throttles in the window: halve.
        clock.advance(.seconds(3))
        let next = try await limiter.acquire()
        await limiter.recordThrottle(next)
        let halved = try #require(await limiter.state.rate)
        #expect(abs(halved - trimmed / 2) < 0.001, "got \(halved) from \(trimmed)")
    }
}
