import Foundation
import TestSupport
import Testing

@testable import ACKEmulator

/// The emulator's token bucket by default holds a tenth of a second of calls, not a full second: Alibaba Cloud
/// publishes its limits as "N per second" and no burst, so a client must not rely on a generous one.
@Suite("Emulator rate limit")
struct RateLimitTests {
    @Test(
        "the default burst is a tenth of a second of calls, at least one",
        arguments: [
            (200.0, 20), (50, 5), (1000, 100), (15, 1), (10, 1), (5, 1), (0.5, 1), (Double.infinity, 1),
            (Double.nan, 1), (1e300, 1_000_000_000),
        ])
    func defaultBurst(rate: Double, burst: Int) {
        #expect(RateLimit.defaultBurst(perSecond: rate) == burst)
        #expect(RateLimit(perSecond: rate).burst == burst)
    }

    @Test("a bucket with the default burst admits a tenth of a second of calls at once, then throttles")
    func defaultBucket() async throws {
        let clock = TestClock(Date())
        var configuration = EmulatorConfiguration.demo()
        configuration.faults = FaultConfiguration(all: APIFaults(rateLimit: RateLimit(perSecond: 50)))
        configuration.clock = clock.function
        try await withEmulatorServer(configuration) { (emulator: Emulator) async throws in
            var client = CSTestClient(emulator)
            client.clock = clock.function
            for _ in 0..<5 {
                #expect(try await client.call("GET", "/regions", action: "DescribeRegions").status == 200)
            }
            #expect(try await client.call("GET", "/regions", action: "DescribeRegions").code == "Throttling.User")
            // 50 ms at 50 per second: two and a half tokens back.
            clock.advance(by: 0.05)
            #expect(try await client.call("GET", "/regions", action: "DescribeRegions").status == 200)
            #expect(try await client.call("GET", "/regions", action: "DescribeRegions").status == 200)
            #expect(try await client.call("GET", "/regions", action: "DescribeRegions").code == "Throttling.User")
            #expect(await emulator.state.throttledCounts()["DescribeRegions"] == 2)
        }
    }
}
