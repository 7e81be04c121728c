import AlibabaCloud
import Foundation
import Testing

/// The limiter's state machine on a manual clock: assertions are on its state, never on wall time.
@Suite("Adaptive rate limiter")
struct AdaptiveRateLimiterTests {
    /// Sends `count` calls spaced by `spacing` on the manual clock.
    private func send(
        _ limiter: AdaptiveRateLimiter, _ runtime: TestRuntime, count: Int, spacing: Duration
    ) async throws -> [AdaptiveRateLimiter.Ticket] {
        var tickets: [AdaptiveRateLimiter.Ticket] = []
        for _ in 0..<count {
            tickets.append(try await limiter.acquire())
            runtime.advance(spacing)
        }
        return tickets
    }

    @Test func startsUnpacedThenPacesAtHalfTheMeasuredRateOnThrottling() async throws {
        let runtime = TestRuntime()
        let limiter = AdaptiveRateLimiter(action: "DescribeClustersV1", runtime: runtime.runtime)
        let tickets = try await send(limiter, runtime, count: 40, spacing: .milliseconds(25))  // 40 calls/s
        #expect(await limiter.state.rate == nil)
        #expect(runtime.sleeps.isEmpty, "an unpaced limiter never waits")

        await limiter.recordThrottle(tickets[39])
        let state = await limiter.state
        let rate = try #require(state.rate)
        #expect(abs(rate - 20) < 1.5, "half of the measured 40 calls/s, got \(rate)")
        #expect(state.decreases == 1 && state.epoch == 1)
        #expect(abs((state.lastThrottledRate ?? 0) - 40) < 3)
    }

    @Test func throttlesFromAnOlderRateGenerationDoNotDecideAgain() async throws {
        let runtime = TestRuntime()
        let limiter = AdaptiveRateLimiter(action: "A", runtime: runtime.runtime)
        let burst = try await send(limiter, runtime, count: 20, spacing: .milliseconds(10))
        for ticket in burst { await limiter.recordThrottle(ticket) }
        let state = await limiter.state
        #expect(state.throttles == 20)
        // The first throttle halves the window's 95 calls/s; the calls of the window sent after it, all throttled,
        // then cut that to the deepest exit cut (a tenth). The rest answer older generations: nothing more.
        #expect(state.decreases == 2, "a burst of throttles answers one rate generation and one sample")
        let paced = try #require(state.rate)
        #expect(abs(paced - 9.5) < 0.01, "a tenth of 95 calls/s, got \(paced)")

        // Discovery: the next throttle steps back below the rate its call was sent at, less one success's growth.
        let next = try await limiter.acquire()
        await limiter.recordThrottle(next)
        let after = await limiter.state
        #expect(after.decreases == state.decreases + 1)
        let rate = try #require(after.rate)
        #expect(rate < paced && rate >= paced / 2 * 0.94 - 0.001, "\(rate) from \(paced)")
    }

    @Test func pacesCallsAtTheCurrentRate() async throws {
        let runtime = TestRuntime()
        let limiter = AdaptiveRateLimiter(action: "A", runtime: runtime.runtime)
        let first = try await send(limiter, runtime, count: 20, spacing: .milliseconds(50))  // 20 calls/s
        await limiter.recordThrottle(first[19])
        let rate = try #require(await limiter.state.rate)
        let start = runtime.elapsed
        for _ in 0..<10 { _ = try await limiter.acquire() }  // back to back: the limiter makes them wait
        let spent = seconds(runtime.elapsed - start)
        // The first call waits out what is left of the interval since the last send; nine full intervals follow.
        #expect(spent >= 9 / rate - 0.001 && spent <= 10 / rate + 0.001, "10 calls at \(rate)/s took \(spent)s")
    }

    @Test func concurrentCallersAreReleasedOneIntervalApartInArrivalOrder() async throws {
        let runtime = TestRuntime()
        let limiter = AdaptiveRateLimiter(action: "A", runtime: runtime.runtime)
        let warmup = try await send(limiter, runtime, count: 20, spacing: .milliseconds(50))
        await limiter.recordThrottle(warmup[19])
        let rate = try #require(await limiter.state.rate)
        let tickets = try await withThrowingTaskGroup(of: AdaptiveRateLimiter.Ticket.self) { group in
            for _ in 0..<12 { group.addTask { try await limiter.acquire() } }
            var tickets: [AdaptiveRateLimiter.Ticket] = []
            for try await ticket in group { tickets.append(ticket) }
            return tickets
        }
        let times = tickets.map(\.sentAt).sorted()
        #expect(times.count == 12)
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(abs(seconds(earlier.duration(to: later)) - 1 / rate) < 0.001)
        }
        #expect(tickets.allSatisfy { $0.epoch == 1 })
        #expect(await limiter.waitingCount == 0)
    }

    @Test func discoveryGrowsByHalfARoundTripThenProbesSlowly() async throws {
        let runtime = TestRuntime()
        let limiter = AdaptiveRateLimiter(action: "A", runtime: runtime.runtime)
        let warmup = try await send(limiter, runtime, count: 50, spacing: .milliseconds(20))  // 50 calls/s
        runtime.advance(.milliseconds(80))  // the last call's round trip: 100 ms
        await limiter.recordThrottle(warmup[49])
        let start = try #require(await limiter.state.rate)
        #expect(abs(start - 25) < 1.5)

        /// Callers that always have a call ready, answered one round trip later; returns the calls still in flight.
        func run(for duration: Duration) async throws -> [AdaptiveRateLimiter.Ticket] {
            var inFlight: [(AdaptiveRateLimiter.Ticket, ContinuousClock.Instant)] = []
            let end = runtime.elapsed + duration
            while runtime.elapsed < end {
                let ticket = try await limiter.acquire()
                inFlight.append((ticket, ticket.sentAt + .milliseconds(100)))
                while let first = inFlight.first, first.1 <= ticket.sentAt {
                    inFlight.removeFirst()
                    await limiter.recordSuccess(first.0)
                }
            }
            return inFlight.map(\.0)
        }
        var pending = try await run(for: .milliseconds(400))
        let discovered = try #require(await limiter.state.rate)
        // Answers from the second round trip on, growing by half each round trip (answered late here): 1.5³ ≈ 3.4
        // times at most, less the answers that come back a little later than a round trip.
        #expect(discovered > 1.8 * start && discovered < 6 * start, "\(start) → \(discovered)")

        // A throttle ends discovery just below the rate its call was sent at; then the rate only probes.
        runtime.advance(.milliseconds(100))
        await limiter.recordThrottle(pending.removeFirst())
        for ticket in pending { await limiter.recordSuccess(ticket) }
        let paced = try #require(await limiter.state.rate)
        // (what went out over the last two round trips: the rate was still growing then)
        #expect(paced < discovered && paced > 0.5 * discovered, "\(discovered) → \(paced)")
        pending = try await run(for: .milliseconds(400))
        runtime.advance(.milliseconds(100))
        for ticket in pending { await limiter.recordSuccess(ticket) }
        let probed = try #require(await limiter.state.rate)
        #expect(probed > paced && probed < 1.05 * paced, "probing is slow right after a decision: \(paced) → \(probed)")
        #expect(await limiter.state.decreases == 2)
    }

    @Test func applicationLimitedCallersDoNotInflateTheRate() async throws {
        let runtime = TestRuntime()
        let limiter = AdaptiveRateLimiter(action: "A", runtime: runtime.runtime)
        let warmup = try await send(limiter, runtime, count: 20, spacing: .milliseconds(50))
        await limiter.recordThrottle(warmup[19])
        let rate = try #require(await limiter.state.rate)
        for _ in 0..<10 {
            runtime.advance(.seconds(5))  // far slower than the allowed rate
            let ticket = try await limiter.acquire()
            await limiter.recordSuccess(ticket)
        }
        #expect(await limiter.state.rate == rate)
    }

    @Test func rateNeverDropsBelowTheMinimum() async throws {
        let runtime = TestRuntime()
        let limiter = AdaptiveRateLimiter(
            action: "A", configuration: .init(minRate: 2), runtime: runtime.runtime)
        for _ in 0..<600 {
            let ticket = try await limiter.acquire()
            await limiter.recordThrottle(ticket)
        }
        let state = await limiter.state
        #expect(state.rate == 2, "\(state)")
    }

    @Test func clientSharesOneLimiterPerActionAndReactsToThrottling() async throws {
        let runtime = TestRuntime()
        let server = FakeCSServer { request, index in
            if request.action == "DescribeRegions", index < 3 {
                return .error(status: 400, code: "Throttling.User", pascalCase: true)
            }
            return request.action == "DescribeRegions"
                ? .json(#"{"regions":[]}"#) : .json(#"{"cluster_id":"c"}"#)
        }
        try await server.serve { url in
            try await withCSClient(endpoint: url, runtime: runtime) { client in
                _ = try await client.describeRegions()
                let regions = try #require(await client.rateLimiter(for: "DescribeRegions"))
                let afterThrottling = await regions.state
                #expect(afterThrottling.throttles == 3)
                #expect(afterThrottling.decreases >= 1)
                let throttledRate = try #require(afterThrottling.rate)
                #expect(afterThrottling.successes == 1)
                // The same limiter object serves later calls of the action; other actions have their own.
                #expect(await client.rateLimiter(for: "DescribeRegions") === regions)
                _ = try await client.describeClusterDetail(clusterId: "c", region: "cn-hangzhou")
                let detail = try #require(await client.rateLimiter(for: "DescribeClusterDetail"))
                #expect(await detail.state.rate == nil)
                #expect(await detail.state.successes == 1)
                // Successful calls speed the throttled action up again.
                for _ in 0..<20 { _ = try await client.describeRegions() }
                let recovered = await regions.state
                #expect((recovered.rate ?? 0) > throttledRate)
                #expect(recovered.increases > 0)
            }
        }
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
