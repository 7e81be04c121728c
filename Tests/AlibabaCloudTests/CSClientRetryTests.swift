import AlibabaCloud
import AlibabaCloudSigning
import Foundation
import JSON
import Testing

@Suite("CS client retries, backoff and deadlines")
struct CSClientRetryTests {
    @Test func retriesServerErrorsAndThrottlingWithAFreshNonceEachAttempt() async throws {
        let replies: [FakeReply] = [
            .error(status: 500, code: "InternalError"),
            .error(status: 503, code: "ServiceUnavailable", pascalCase: true),
            .error(status: 400, code: "Throttling.User", pascalCase: true),
            .json(#"{"regions":[{"regionId":"cn-hangzhou"}]}"#),
        ]
        let runtime = TestRuntime()
        let server = FakeCSServer { _, index in replies[min(index, replies.count - 1)] }
        try await server.serve { url in
            let response = try await withCSClient(endpoint: url, runtime: runtime) { client in
                let response = try await client.describeRegions()
                #expect(await client.callCounts == ["DescribeRegions": 4])
                return response
            }
            #expect(response.value.first?.regionId == "cn-hangzhou")
            let received = server.received
            #expect(received.count == 4)
            #expect(received.allSatisfy { $0.signatureValid })
            let nonces = received.compactMap(\.nonce)
            #expect(nonces.count == 4)
            #expect(Set(nonces).count == 4, "every attempt must be re-signed with a fresh nonce")
            #expect(Set(received.compactMap { $0.headers["authorization"] }).count == 4)
            // Two transient backoffs: full jitter below base·2^retry (100 ms, 200 ms).
            let sleeps = runtime.sleeps
            #expect(sleeps.count >= 2)
            #expect(sleeps[0] < .milliseconds(100))
            #expect(sleeps[1] < .milliseconds(200))
        }
    }

    @Test func transientRetryBudgetIsEnforced() async throws {
        let server = FakeCSServer { _, _ in .error(status: 500, code: "InternalError") }
        try await server.serve { url in
            let error = await #expect(throws: ACSServiceError.self) {
                try await withCSClient(
                    endpoint: url, changes: [.retry(RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1)))]
                ) { try await $0.describeRegions() }
            }
            #expect(error?.httpStatus == 500)
            #expect(error?.code == "InternalError")
            #expect(server.received.count == 3)
        }
    }

    @Test func throttlingDoesNotConsumeTheRetryBudget() async throws {
        let server = FakeCSServer { _, index in
            index < 6 ? .error(status: 400, code: "Throttling.Api", pascalCase: true) : .json(#"{"regions":[]}"#)
        }
        try await server.serve { url in
            let response = try await withCSClient(
                endpoint: url, changes: [.retry(RetryPolicy(maxAttempts: 2, maxTotalAttempts: 30))]
            ) { try await $0.describeRegions() }
            #expect(response.value.isEmpty)
            #expect(server.received.count == 7)
        }
    }

    @Test func throttlingHasAHardCapOfAttempts() async throws {
        let server = FakeCSServer { _, _ in .error(status: 429, code: "Throttling", pascalCase: true) }
        try await server.serve { url in
            let error = await #expect(throws: CSClientError.self) {
                try await withCSClient(
                    endpoint: url, changes: [.retry(RetryPolicy(maxAttempts: 2, maxTotalAttempts: 5))]
                ) { try await $0.describeRegions() }
            }
            guard case .throttled(_, let attempts, let last)? = error else {
                Issue.record("expected throttled, got \(String(describing: error))")
                return
            }
            #expect(attempts == 5)
            #expect(last.code == "Throttling")
            #expect(server.received.count == 5)
        }
    }

    @Test func retryAfterHeaderIsHonouredAsMilliseconds() async throws {
        let runtime = TestRuntime()
        let server = FakeCSServer { _, index in
            index == 0
                ? .json(
                    #"{"Code":"Throttling.User","Message":"slow down"}"#, status: 400,
                    headers: ["x-acs-retry-after": "1500"])
                : .json(#"{"regions":[]}"#)
        }
        try await server.serve { url in
            _ = try await withCSClient(endpoint: url, runtime: runtime) { try await $0.describeRegions() }
            #expect(server.received.count == 2)
            #expect(runtime.sleeps.contains(.milliseconds(1500)))
        }
    }

    @Test func withoutALimiterThrottlingBacksOffWithJitter() async throws {
        let runtime = TestRuntime()
        let server = FakeCSServer { _, index in
            index < 3 ? .error(status: 400, code: "Throttling.User", pascalCase: true) : .json(#"{"regions":[]}"#)
        }
        try await server.serve { url in
            _ = try await withCSClient(endpoint: url, runtime: runtime, changes: [.noRateLimiting]) {
                try await $0.describeRegions()
            }
            #expect(server.received.count == 4)
            let sleeps = runtime.sleeps
            #expect(sleeps.count == 3)
            #expect(zip(sleeps, [100, 200, 400]).allSatisfy { $0 < .milliseconds($1) })
        }
    }

    @Test func nonIdempotentCallsAreNotRetriedAfterAServerError() async throws {
        let server = FakeCSServer { _, _ in .error(status: 500, code: "InternalError") }
        try await server.serve { url in
            await #expect(throws: ACSServiceError.self) {
                try await withCSClient(endpoint: url) {
                    try await $0.createCluster(body: ["name": "x"], region: "cn-hangzhou")
                }
            }
            #expect(server.received.count == 1)
        }
    }

    @Test func nonIdempotentCallsAreRetriedWhenTheServerDidNotAct() async throws {
        let server = FakeCSServer { _, index in
            index == 0 ? .error(status: 503, code: "ServiceUnavailable") : .json(#"{"cluster_id":"c"}"#)
        }
        try await server.serve { url in
            let created = try await withCSClient(endpoint: url) {
                try await $0.createCluster(body: ["name": "x"], region: "cn-hangzhou")
            }
            #expect(created.value["cluster_id"] == "c")
            #expect(server.received.count == 2)
        }
    }

    @Test func createClusterWithAClientTokenIsRetriedAfterAServerError() async throws {
        let server = FakeCSServer { _, index in
            index == 0 ? .error(status: 500, code: "InternalError") : .json(#"{"cluster_id":"c"}"#)
        }
        try await server.serve { url in
            _ = try await withCSClient(endpoint: url) {
                try await $0.createCluster(body: ["name": "x", "client_token": "tok-1"], region: "cn-hangzhou")
            }
            #expect(server.received.count == 2)
        }
    }

    @Test func readTimeoutIsEnforced() async throws {
        let server = FakeCSServer { _, _ in
            var reply = FakeReply.json(#"{"regions":[]}"#)
            reply.delay = .seconds(3)
            return reply
        }
        try await server.serve { url in
            let error = await #expect(throws: CSClientError.self) {
                try await withCSClient(
                    endpoint: url,
                    changes: [.timeouts(connect: .seconds(2), read: .milliseconds(300)), .retry(.none)]
                ) { try await $0.describeRegions() }
            }
            guard case .timeout(let action, _, _, let attempts)? = error else {
                Issue.record("expected timeout, got \(String(describing: error))")
                return
            }
            #expect(action == "DescribeRegions")
            #expect(attempts == 1)
            #expect(server.received.count == 1)
        }
    }

    @Test func connectionFailuresAreRetriedThenReported() async throws {
        // Nothing listens on the port of a server that has been stopped.
        let stopped = FakeCSServer { _, _ in .json("{}") }
        let url = try await stopped.serve { $0 }
        let error = await #expect(throws: CSClientError.self) {
            try await withCSClient(
                endpoint: url,
                changes: [
                    .retry(RetryPolicy(maxAttempts: 3)), .timeouts(connect: .milliseconds(300), read: .seconds(10)),
                ]
            ) { try await $0.describeRegions() }
        }
        guard case .network(let action, _, _, let attempts)? = error else {
            Issue.record("expected network, got \(String(describing: error))")
            return
        }
        #expect(action == "DescribeRegions")
        #expect(attempts == 3)
    }

    @Test(arguments: [false, true])
    func responseBodySizeIsBounded(streamed: Bool) async throws {
        let big = #"{"regions":[],"padding":""# + String(repeating: "x", count: 4_096) + #""}"#
        let server = FakeCSServer { _, _ in
            var reply = FakeReply.json(big)
            reply.streamed = streamed
            return reply
        }
        try await server.serve { url in
            let error = await #expect(throws: CSClientError.self) {
                try await withCSClient(endpoint: url, changes: [.maxBodyBytes(1_024)]) {
                    try await $0.describeRegions()
                }
            }
            guard case .bodyTooLarge(_, let limit)? = error else {
                Issue.record("expected bodyTooLarge, got \(String(describing: error))")
                return
            }
            #expect(limit == 1_024)
            #expect(server.received.count == 1, "an oversized body is not retried")
        }
    }

    @Test func backoffIsFullJitterAndCapped() {
        let policy = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        #expect(policy.backoff(retry: 0, unitRandom: 0) == .zero)
        #expect(policy.backoff(retry: 0, unitRandom: 0.5) == .milliseconds(50))
        #expect(policy.backoff(retry: 3, unitRandom: 0.5) == .milliseconds(400))
        #expect(policy.backoff(retry: 10, unitRandom: 0.5) == .milliseconds(500))
        #expect(policy.backoff(retry: 1_000, unitRandom: 0.999_999) < .seconds(1))
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
        #expect(RetryPolicy(maxAttempts: 5, maxTotalAttempts: 2).maxTotalAttempts == 5)
    }
}
