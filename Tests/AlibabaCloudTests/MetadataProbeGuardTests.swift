import AsyncHTTPClient
import Foundation
import Testing

@testable import AlibabaCloud

/// Tests never leave this machine: the ECS metadata service (100.100.100.200) is only ever contacted on loopback
/// when `ACKGUARD_NO_METADATA_PROBE` is set, which the test command sets for the whole suite.
@Suite("ECS metadata probe guard")
struct MetadataProbeGuardTests {
    @Test("the test process runs sandboxed: scripts/test.sh exports ACKGUARD_NO_METADATA_PROBE=1")
    func suiteIsSandboxed() {
        let value = ProcessInfo.processInfo.environment["ACKGUARD_NO_METADATA_PROBE"]
        #expect(
            value.map { !$0.isEmpty && $0 != "0" } == true,
            "run the tests with scripts/test.sh (or export ACKGUARD_NO_METADATA_PROBE=1): a credential chain could otherwise reach 100.100.100.200"
        )
    }

    @Test("sandboxed, the real metadata address is refused before any connection; the message says why")
    func realAddressRefused() async throws {
        let home = try TempHome()
        // The production default endpoint, and the chain's own order: nothing disables the ECS source here.
        let environment = CredentialEnvironment(
            variables: ["ACKGUARD_NO_METADATA_PROBE": "1"], homeDirectory: home.path)
        #expect(environment.metadataEndpoint.host == "100.100.100.200")
        let provider = ECSMetadataCredentialProvider(environment: environment, httpClient: .shared)
        do {
            _ = try await provider.credential()
            Issue.record("the sandboxed provider returned a credential")
        } catch let error as CredentialError {
            #expect("\(error)".contains("not contacted: ACKGUARD_NO_METADATA_PROBE is set"))
        }
    }

    @Test("sandboxed, a loopback metadata service (a fake, an emulator) is still used")
    func loopbackAllowed() async throws {
        try await withFakeServer(FakeMetadata().respond) { url, log in
            let home = try TempHome()
            let provider = ECSMetadataCredentialProvider(
                environment: home.environment(["ACKGUARD_NO_METADATA_PROBE": "1"], metadataEndpoint: url),
                httpClient: .shared)
            #expect(try await provider.credential().accessKeyId == "STS.imds")
            #expect(!log.all.isEmpty)
        }
    }

    @Test("the default chain, sandboxed, names the refusal among the sources it tried")
    func chainNamesTheRefusal() async throws {
        let home = try TempHome()
        let environment = CredentialEnvironment(
            variables: ["ACKGUARD_NO_METADATA_PROBE": "1"], homeDirectory: home.path)
        let chain = CredentialChain.default(environment: environment, httpClient: .shared)
        do {
            _ = try await chain.credential()
            Issue.record("no credentials exist in an empty home, yet the chain found some")
        } catch {
            #expect("\(error)".contains("ACKGUARD_NO_METADATA_PROBE"))
        }
    }
}
