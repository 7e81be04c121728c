import AlibabaCloudSigning
import Foundation
import Testing

@testable import AlibabaCloud

/// One call's time budget (`RetryPolicy.maxElapsed`): retries, backoff and the rate limiter's waits together never
/// outlast it, and the error says what the call went through.
@Suite("the time budget of one CS call")
struct CallBudgetTests {
    @Test("throttled on every attempt with the adaptive limiter pacing down: the call ends with its budget")
    func endlessThrottlingEndsWithTheBudget() async throws {
        let server = FakeCSServer { _, _ in .error(status: 400, code: "Throttling.User", pascalCase: true) }
        try await server.serve { url in
            let error = await #expect(throws: CSClientError.self) {
                try await withCSClient(
                    endpoint: url,
                    changes: [.retry(RetryPolicy(maxAttempts: 4, maxTotalAttempts: 1000, maxElapsed: .seconds(2)))]
                ) { try await $0.describeRegions() }
            }
            switch error {
            case .budgetExhausted(let action, let seconds, let attempts, let lastError)?:
                #expect(action == "DescribeRegions")
                #expect(seconds == 2)
                #expect(attempts >= 1)
                #expect(lastError?.contains("Throttling.User") == true)
                #expect("\(error!)".contains("no answer within the call's budget of 2 s"))
            case .throttled(_, let attempts, let last)?:
                // The limiter's next slot would fall beyond the budget: given up before, with the same cause.
                #expect(attempts < 1000)
                #expect(last.code == "Throttling.User")
            default:
                Issue.record("expected the budget to end the call, got \(String(describing: error))")
            }
            #expect(server.received.count < 1000, "the attempts cap was never the bound")
        }
    }

    @Test("no retry starts that the budget cannot hold: 5xx with long backoff stops early with the real error")
    func noRetryBeyondTheBudget() async throws {
        let server = FakeCSServer { _, _ in .error(status: 503, code: "ServiceUnavailable", pascalCase: true) }
        try await server.serve { url in
            // The test clock advances by each backoff (instantly): about 20 s a retry against a budget of 200 s. The
            // budget is also a real-time deadline on the call, so it is large: the full suite's load once made ten
            // real round trips to this local server take over 20 s.
            let policy = RetryPolicy(
                maxAttempts: 50, maxTotalAttempts: 50, baseDelay: .seconds(40), maxDelay: .seconds(40),
                maxElapsed: .seconds(200))
            let error = await #expect(throws: ACSServiceError.self) {
                try await withCSClient(endpoint: url, changes: [.retry(policy), .noRateLimiting]) {
                    try await $0.describeRegions()
                }
            }
            #expect(error?.code == "ServiceUnavailable")
            // A backoff is at most 40 s, jittered: about ten retries fit, never the fifty the attempts allow.
            #expect(server.received.count < 50)
            #expect(server.received.count > 1)
        }
    }

    @Test("the default policy has a budget of 60 s; nil leaves only the attempt caps")
    func defaults() {
        #expect(RetryPolicy.default.maxElapsed == .seconds(60))
        #expect(RetryPolicy(maxElapsed: nil).maxElapsed == nil)
    }
}
