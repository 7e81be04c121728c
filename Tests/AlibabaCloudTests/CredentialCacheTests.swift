import AlibabaCloudSigning
import AsyncHTTPClient
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import AlibabaCloud

/// An in-memory source that counts fetches and can be told to fail.
final class ScriptedProvider: CredentialProvider {
    let name = "scripted"
    private let state = Mutex<(fetches: Int, failing: Bool, lifetime: TimeInterval?)>((0, false, 3600))
    let clock: TestClock

    init(clock: TestClock) { self.clock = clock }

    var fetches: Int { state.withLock { $0.fetches } }
    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }
    func setLifetime(_ lifetime: TimeInterval?) { state.withLock { $0.lifetime = lifetime } }

    func credential() async throws -> ACSCredential {
        let (count, failing, lifetime) = state.withLock { state in
            state.fetches += 1
            return (state.fetches, state.failing, state.lifetime)
        }
        if failing {
            throw CredentialError.unreachable(source: "scripted", endpoint: "memory", reason: "told to fail")
        }
        return ACSCredential(
            accessKeyId: "id-\(count)", accessKeySecret: TestSecrets.stsSecretPrefix, securityToken: "t",
            expiration: lifetime.map { clock.now.addingTimeInterval($0) }, providerName: "scripted")
    }
}

@Suite struct CredentialCacheTests {
    static let roleArn = "acs:ram::1234567890123456:role/cached"

    func assumeRoleProvider(_ url: URL, _ clock: TestClock) throws -> RAMRoleARNCredentialProvider {
        let home = try TempHome()
        return RAMRoleARNCredentialProvider(
            base: StaticCredentialProvider(
                ACSCredential(
                    accessKeyId: "base-id", accessKeySecret: TestSecrets.baseSecret, providerName: "static_ak")),
            roleArn: Self.roleArn, sessionName: "cache-test",
            environment: home.environment(stsEndpoint: url, clock: clock),
            httpClient: .shared)
    }

    @Test("an hour-long STS credential is refreshed 15 minutes before it expires")
    func refreshMargin() async throws {
        let sts = FakeSTS(signers: [Self.roleArn: .init(accessKeyId: "base-id", secret: TestSecrets.baseSecret)])
        try await withFakeServer(sts.respond) { url, log in
            let clock = TestClock()
            let provider = try assumeRoleProvider(url, clock)
            _ = try await provider.credential()
            clock.advance(by: 44 * 60 + 59)  // 15 min 1 s before expiry: still cached
            _ = try await provider.credential()
            #expect(log.count() == 1)
            clock.advance(by: 2)  // 14 min 59 s before expiry: refreshed
            let refreshed = try await provider.credential()
            #expect(log.count() == 2)
            #expect(refreshed.expiration == clock.now.addingTimeInterval(3600))
            _ = try await provider.credential()
            #expect(log.count() == 2)
        }
    }

    @Test("a short-lived credential is refreshed when a quarter of its lifetime remains")
    func shortLifetime() async throws {
        var sts = FakeSTS(signers: [Self.roleArn: .init(accessKeyId: "base-id", secret: TestSecrets.baseSecret)])
        sts.lifetime = 1200  // 20 minutes: refresh with 5 minutes left, not 15
        try await withFakeServer(sts.respond) { url, log in
            let clock = TestClock()
            let provider = try assumeRoleProvider(url, clock)
            _ = try await provider.credential()
            clock.advance(by: 14 * 60 + 59)
            _ = try await provider.credential()
            #expect(log.count() == 1)
            clock.advance(by: 2)
            _ = try await provider.credential()
            #expect(log.count() == 2)
        }
    }

    @Test("20 concurrent callers share one STS request, at first fetch and at refresh")
    func singleRefreshInFlight() async throws {
        let gate = Gate()
        var sts = FakeSTS(signers: [Self.roleArn: .init(accessKeyId: "base-id", secret: TestSecrets.baseSecret)])
        sts.gate = gate
        try await withFakeServer(sts.respond) { url, log in
            let clock = TestClock()
            let provider = try assumeRoleProvider(url, clock)
            for round in 1...2 {
                try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<20 {
                        group.addTask { try await provider.credential().accessKeyId }
                    }
                    // Hold the request at the server while the other callers pile up behind it.
                    try await log.waitFor(count: round)
                    try await Task.sleep(for: .milliseconds(200))
                    await gate.open()
                    var ids: [String] = []
                    for try await id in group { ids.append(id) }
                    #expect(ids.count == 20)
                    #expect(Set(ids) == ["STS.cached"])
                }
                #expect(log.count() == round)
                clock.advance(by: 50 * 60)  // past the refresh point for the next round
                await gate.close()
            }
        }
    }

    @Test("a failed refresh falls back to the cached credential until it expires")
    func staleOnFailure() async throws {
        let clock = TestClock()
        let scripted = ScriptedProvider(clock: clock)
        let cache = CachingCredentialProvider(base: scripted, now: { clock.now })
        #expect(try await cache.credential().accessKeyId == "id-1")
        scripted.setFailing(true)
        clock.advance(by: 50 * 60)
        #expect(try await cache.credential().accessKeyId == "id-1")
        #expect(scripted.fetches == 2)
        clock.advance(by: 10 * 60 + 1)  // expired now
        let error = await credentialError { try await cache.credential() }
        guard case .unreachable("scripted", _, _) = error else {
            Issue.record("expected the refresh error, got \(String(describing: error))")
            return
        }
        scripted.setFailing(false)
        #expect(try await cache.credential().accessKeyId == "id-4")
    }

    @Test("credentials without expiration are kept; already expired ones are an error")
    func expirationEdges() async throws {
        let clock = TestClock()
        let scripted = ScriptedProvider(clock: clock)
        scripted.setLifetime(nil)
        let cache = CachingCredentialProvider(base: scripted, now: { clock.now })
        _ = try await cache.credential()
        clock.advance(by: 365 * 86_400)
        _ = try await cache.credential()
        #expect(scripted.fetches == 1)

        scripted.setLifetime(-1)
        let expiring = CachingCredentialProvider(base: scripted, now: { clock.now })
        let error = await credentialError { try await expiring.credential() }
        guard case .expired("scripted", _, _) = error else {
            Issue.record("expected expired, got \(String(describing: error))")
            return
        }
        #expect(String(describing: error!).contains("check the system clock"))
    }

    @Test("refresh time is min(15 minutes, lifetime / 4) before expiry")
    func refreshTime() {
        let start = TestClock.start
        func margin(_ lifetime: TimeInterval) -> TimeInterval {
            let expiration = start.addingTimeInterval(lifetime)
            return expiration.timeIntervalSince(
                CachingCredentialProvider.refreshTime(expiration: expiration, fetchedAt: start))
        }
        #expect(margin(3600) == 900)
        #expect(margin(43_200) == 900)
        #expect(margin(1200) == 300)
        #expect(margin(900) == 225)
    }
}
