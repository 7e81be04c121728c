import AlibabaCloudSigning
import AsyncHTTPClient
import Foundation
import HTTPTypes
import TestSupport
import Testing

@testable import AlibabaCloud

/// A fake ECS metadata service (IMDS).
struct FakeMetadata: Sendable {
    static let sessionToken = "imds-session-token-AQAEAB"
    /// Whether `PUT /latest/api/token` works (IMDSv2); when false it answers 403 like a v1-only service.
    var supportsV2 = true
    /// The attached role, or `nil` for an instance without one (404).
    var role: String? = "EcsAuditRole"
    var code = "Success"
    var expiration = TestClock.start.addingTimeInterval(6 * 3600)

    func respond(_ request: RecordedRequest) async -> FakeResponse {
        let token = request.headers["x-aliyun-ecs-metadata-token"]
        if supportsV2 && token != nil && token != Self.sessionToken {
            return FakeResponse(status: .unauthorized, body: "bad token")
        }
        switch (request.method, request.path) {
        case ("PUT", "/latest/api/token"):
            guard supportsV2, request.headers["x-aliyun-ecs-metadata-token-ttl-seconds"] == "21600" else {
                return FakeResponse(status: .forbidden, body: "")
            }
            return FakeResponse(body: Self.sessionToken)
        case ("GET", "/latest/meta-data/ram/security-credentials/"):
            guard let role else { return FakeResponse(status: .notFound, body: "") }
            return FakeResponse(body: role)
        case ("GET", "/latest/meta-data/ram/security-credentials/\(role ?? "-")"):
            return .json([
                "Code": code, "AccessKeyId": "STS.imds", "AccessKeySecret": TestSecrets.metadataSecret,
                "SecurityToken": TestSecrets.metadataToken, "Expiration": SigningDate.iso8601(expiration),
                "LastUpdated": "2030-01-01T00:00:00Z",
            ])
        default:
            return FakeResponse(status: .notFound, body: "")
        }
    }
}

@Suite struct CredentialMetadataTests {
    func provider(_ url: URL, _ variables: [String: String] = [:], role: String? = nil) throws
        -> ECSMetadataCredentialProvider
    {
        let home = try TempHome()
        return ECSMetadataCredentialProvider(
            roleName: role, environment: home.environment(variables, metadataEndpoint: url), httpClient: .shared)
    }

    @Test("IMDSv2: a session token from PUT /latest/api/token is sent with every read")
    func imdsV2() async throws {
        try await withFakeServer(FakeMetadata().respond) { url, log in
            let credential = try await provider(url).credential()
            TestSecrets.expectAbsent(in: credential)
            #expect(credential.accessKeyId == "STS.imds")
            #expect(credential.accessKeySecret == TestSecrets.metadataSecret)
            #expect(credential.securityToken == TestSecrets.metadataToken)
            #expect(credential.providerName == "ecs_ram_role")
            let requests = log.all
            #expect(
                requests.map { "\($0.method) \($0.path)" } == [
                    "PUT /latest/api/token", "GET /latest/meta-data/ram/security-credentials/",
                    "GET /latest/meta-data/ram/security-credentials/EcsAuditRole",
                ])
            #expect(
                requests.dropFirst().allSatisfy {
                    $0.headers["x-aliyun-ecs-metadata-token"] == FakeMetadata.sessionToken
                })
        }
    }

    @Test("IMDSv1 fallback when the token cannot be had")
    func imdsV1Fallback() async throws {
        try await withFakeServer(FakeMetadata(supportsV2: false).respond) { url, log in
            let credential = try await provider(url).credential()
            #expect(credential.accessKeyId == "STS.imds")
            let reads = log.all.filter { $0.method == "GET" }
            #expect(reads.count == 2)
            #expect(reads.allSatisfy { $0.headers["x-aliyun-ecs-metadata-token"] == nil })
        }
    }

    @Test("ALIBABA_CLOUD_IMDSV1_DISABLED turns a missing token into an error")
    func imdsV1Disabled() async throws {
        try await withFakeServer(FakeMetadata(supportsV2: false).respond) { url, log in
            let error = await credentialError {
                try await provider(url, ["ALIBABA_CLOUD_IMDSV1_DISABLED": "true"]).credential()
            }
            guard case .metadataTokenUnavailable(let endpoint, let reason) = error else {
                Issue.record("expected metadataTokenUnavailable, got \(String(describing: error))")
                return
            }
            #expect(endpoint == url.absoluteString + "/latest/api/token")
            #expect(reason == "HTTP 403")
            #expect(log.count { $0.method == "GET" } == 0)
        }
    }

    @Test("the role from ALIBABA_CLOUD_ECS_METADATA is used without discovery")
    func roleFromEnvironment() async throws {
        try await withFakeServer(FakeMetadata().respond) { url, log in
            let credential = try await provider(url, ["ALIBABA_CLOUD_ECS_METADATA": "EcsAuditRole"]).credential()
            #expect(credential.accessKeyId == "STS.imds")
            #expect(log.count { $0.path == "/latest/meta-data/ram/security-credentials/" } == 0)
        }
    }

    @Test("a metadata answer other than Success is an error")
    func notSuccess() async throws {
        try await withFakeServer(FakeMetadata(code: "Failure").respond) { url, _ in
            let error = await credentialError { try await provider(url).credential() }
            #expect(String(describing: error!).contains("'Code' is Failure, not Success"))
        }
    }

    @Test("in the chain: the instance role yields; no role or disabled means the next source")
    func inChain() async throws {
        try await withFakeServer(FakeMetadata().respond) { url, _ in
            let home = try TempHome()
            let credential = try await CredentialChain.default(
                environment: home.environment(metadataEndpoint: url), httpClient: .shared
            ).credential()
            #expect(credential.providerName == "default/ecs_ram_role")
        }
        try await withFakeServer(FakeMetadata(role: nil).respond) { url, _ in
            let home = try TempHome()
            let error = await credentialError {
                try await CredentialChain.default(
                    environment: home.environment(metadataEndpoint: url), httpClient: .shared
                )
                .credential()
            }
            guard case .noCredentials(let tried) = error else {
                Issue.record("expected noCredentials, got \(String(describing: error))")
                return
            }
            #expect(tried.contains("ECS metadata (no RAM role attached to this instance)"))
        }
        try await withFakeServer(FakeMetadata().respond) { url, log in
            let home = try TempHome()
            let error = await credentialError {
                try await CredentialChain.default(
                    environment: home.environment(
                        ["ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"], metadataEndpoint: url),
                    httpClient: .shared
                ).credential()
            }
            guard case .noCredentials = error else {
                Issue.record("expected noCredentials, got \(String(describing: error))")
                return
            }
            #expect(log.count() == 0)
        }
    }
}

@Suite struct CredentialURITests {
    static func answer(_ request: RecordedRequest) -> FakeResponse {
        guard request.path == "/creds", request.query["audience"] == "ackguard" else {
            return FakeResponse(status: .notFound, body: "")
        }
        return .json([
            "Code": "Success", "AccessKeyId": "STS.uri", "AccessKeySecret": TestSecrets.uriSecret,
            "SecurityToken": TestSecrets.uriToken, "Expiration": "2030-01-01T06:00:00Z",
        ])
    }

    @Test("ALIBABA_CLOUD_CREDENTIALS_URI is the last source of the chain")
    func uriInChain() async throws {
        try await withFakeServer(Self.answer) { url, log in
            let home = try TempHome()
            let environment = home.environment([
                "ALIBABA_CLOUD_CREDENTIALS_URI": url.absoluteString + "/creds?audience=ackguard",
                "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
            ])
            let credential = try await CredentialChain.default(environment: environment, httpClient: .shared)
                .credential()
            TestSecrets.expectAbsent(in: credential)
            #expect(credential.accessKeyId == "STS.uri")
            #expect(credential.securityToken == TestSecrets.uriToken)
            #expect(credential.expiration == TestClock.start.addingTimeInterval(6 * 3600))
            #expect(credential.providerName == "default/credential_uri")
            #expect(log.count() == 1)
        }
    }

    @Test("a failing credentials URI names the endpoint without its query")
    func uriFailure() async throws {
        let handler: @Sendable (RecordedRequest) async -> FakeResponse = { _ in
            FakeResponse(status: .internalServerError, body: "")
        }
        try await withFakeServer(handler) { url, _ in
            let home = try TempHome()
            let provider = URICredentialProvider(
                uri: url.absoluteString + "/creds?token=\(TestSecrets.uriSecret)", environment: home.environment(),
                httpClient: .shared)
            let error = await credentialError { try await provider.credential() }
            guard case .httpStatus("credentials URI", let endpoint, 500) = error else {
                Issue.record("expected httpStatus, got \(String(describing: error))")
                return
            }
            #expect(endpoint == url.absoluteString + "/creds")
        }
    }
}
