import AlibabaCloudSigning
import AsyncHTTPClient
import Foundation
import Hummingbird
import Synchronization
import TestSupport
import Testing

@testable import AlibabaCloud

/// A fake STS that verifies the RPC signature of AssumeRole independently (recomputed from the received query) and
/// hands out numbered credentials per role.
struct FakeSTS: Sendable {
    /// What the caller of AssumeRole for a role must sign with.
    struct Signer: Sendable {
        var accessKeyId: String
        var secret: String
        var securityToken: String?
    }

    /// Role ARN → the credential expected to sign the request.
    var signers: [String: Signer]
    /// The lifetime of issued credentials, from the request's `Timestamp`.
    var lifetime: TimeInterval = 3600
    var expectedOIDCToken: String? = nil
    var gate: Gate? = nil

    static func issuedId(_ role: String) -> String { "STS.\(role.split(separator: "/").last ?? "")" }
    static func issuedSecret(_ role: String) -> String {
        "\(TestSecrets.stsSecretPrefix)-\(role.split(separator: "/").last ?? "")"
    }
    static func issuedToken(_ role: String) -> String {
        "\(TestSecrets.stsTokenPrefix)-\(role.split(separator: "/").last ?? "")"
    }

    func respond(_ request: RecordedRequest) async -> FakeResponse {
        if let gate { await gate.wait() }
        let query = request.query
        func error(_ code: String, _ status: HTTPResponse.Status = .badRequest) -> FakeResponse {
            .json(["RequestId": "REQ-FAKE", "Code": code, "Message": "fake STS rejected the request"], status: status)
        }
        guard request.method == "GET", request.path == "/", query["Format"] == "JSON",
            query["Version"] == "2015-04-01", let role = query["RoleArn"],
            let timestamp = query["Timestamp"].flatMap(SigningDate.parseISO8601),
            let duration = query["DurationSeconds"].flatMap(Int.init), duration >= 900
        else { return error("MissingParameter") }
        switch query["Action"] {
        case "AssumeRole":
            guard let signer = signers[role] else { return error("EntityNotExist.Role", .notFound) }
            guard query["AccessKeyId"] == signer.accessKeyId, query["SecurityToken"] == signer.securityToken,
                query["SignatureMethod"] == "HMAC-SHA1", query["SignatureVersion"] == "1.0",
                let nonce = query["SignatureNonce"], !nonce.isEmpty, let signature = query["Signature"]
            else { return error("IncompleteSignature") }
            var unsigned = query
            unsigned["Signature"] = nil
            let expected = IndependentRPCSignature.compute(method: "GET", query: unsigned, secret: signer.secret)
            guard signature == expected else { return error("SignatureDoesNotMatch") }
        case "AssumeRoleWithOIDC":
            guard query["Signature"] == nil, query["AccessKeyId"] == nil,
                query["OIDCProviderArn"] == "acs:ram::1234567890123456:oidc-provider/ack-rrsa",
                let token = query["OIDCToken"], token == expectedOIDCToken
            else { return error("InvalidParameter.OIDCToken") }
        default:
            return error("InvalidAction.NotFound", .notFound)
        }
        return stsSuccess(
            id: Self.issuedId(role), secret: Self.issuedSecret(role), token: Self.issuedToken(role),
            expiration: timestamp.addingTimeInterval(lifetime))
    }
}

@Suite struct CredentialSTSTests {
    static let roleArn = "acs:ram::1234567890123456:role/auditor"
    static let baseCredential = ACSCredential(
        accessKeyId: "base-id", accessKeySecret: TestSecrets.baseSecret, providerName: "static_ak")

    @Test("AssumeRole is RPC-signed with the base credential and yields the STS credential")
    func assumeRole() async throws {
        let sts = FakeSTS(signers: [Self.roleArn: .init(accessKeyId: "base-id", secret: TestSecrets.baseSecret)])
        try await withFakeServer(sts.respond) { url, log in
            let home = try TempHome()
            let clock = TestClock()
            let provider = RAMRoleARNCredentialProvider(
                base: StaticCredentialProvider(Self.baseCredential), roleArn: Self.roleArn,
                sessionName: "ackguard-test",
                durationSeconds: 1800, policy: #"{"Version":"1","Statement":[]}"#, externalId: "ext-42",
                environment: home.environment(stsEndpoint: url, clock: clock), httpClient: .shared)
            let credential = try await provider.credential()
            TestSecrets.expectAbsent(in: credential)
            #expect(credential.accessKeyId == "STS.auditor")
            #expect(credential.accessKeySecret == FakeSTS.issuedSecret(Self.roleArn))
            #expect(credential.securityToken == FakeSTS.issuedToken(Self.roleArn))
            #expect(credential.expiration == TestClock.start.addingTimeInterval(3600))
            #expect(credential.providerName == "ram_role_arn/static_ak")
            let query = try #require(log.all.first).query
            #expect(query["RoleSessionName"] == "ackguard-test")
            #expect(query["DurationSeconds"] == "1800")
            #expect(query["Policy"] == #"{"Version":"1","Statement":[]}"#)
            #expect(query["ExternalId"] == "ext-42")
            #expect(query["Timestamp"] == "2030-01-01T00:00:00Z")
            #expect(log.count() == 1)
        }
    }

    @Test("the fake STS's own verifier reproduces the SDK's AssumeRole vector (signature-vectors.json)")
    func verifierMatchesVector() {
        let query = [
            "Action": "AssumeRole", "Format": "JSON", "Version": "2015-04-01", "DurationSeconds": "3600",
            "RoleArn": "acs:ram::1234567890123456:role/ack-auditor", "RoleSessionName": "ack-np-audit",
            "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "Timestamp": "2024-05-20T08:30:00Z",
            "SignatureNonce": "5c2b1d6e-0000-4000-8000-000000000001", "AccessKeyId": "testid",
        ]
        #expect(
            IndependentRPCSignature.compute(method: "GET", query: query, secret: "testsecret")
                == "L7LwddQzhQCvz/1/5Nj5K6q0A9I=")
        var tricky = query
        tricky["Policy"] = #"{"Statement": [{"Action": ["cs:Describe*"], "Resource": "*"}], "Version": "1"}"#
        tricky["RoleSessionName"] = "测试 session+~"
        #expect(
            IndependentRPCSignature.compute(method: "GET", query: tricky, secret: "testsecret")
                == RPCSigner.signature(method: "GET", parameters: tricky, secret: "testsecret"))
    }

    @Test("an STS base credential signs with its security token")
    func assumeRoleWithSTSBase() async throws {
        let sts = FakeSTS(signers: [
            Self.roleArn: .init(
                accessKeyId: "STS.base", secret: TestSecrets.envSecret, securityToken: TestSecrets.envToken)
        ])
        try await withFakeServer(sts.respond) { url, log in
            let home = try TempHome()
            let base = ACSCredential(
                accessKeyId: "STS.base", accessKeySecret: TestSecrets.envSecret, securityToken: TestSecrets.envToken,
                providerName: "env")
            let provider = RAMRoleARNCredentialProvider(
                base: StaticCredentialProvider(base), roleArn: Self.roleArn, sessionName: nil,
                environment: home.environment(["ALIBABA_CLOUD_ROLE_SESSION_NAME": "from-env"], stsEndpoint: url),
                httpClient: .shared)
            #expect(try await provider.credential().providerName == "ram_role_arn/env")
            #expect(log.all.first?.query["RoleSessionName"] == "from-env")
            #expect(log.all.first?.query["DurationSeconds"] == "3600")
        }
    }

    @Test(
        "STS errors carry code and request id but never the secret or token",
        arguments: [
            (403, "NoPermission"), (404, "InvalidAccessKeyId.NotFound"), (400, "SignatureDoesNotMatch"),
        ])
    func stsErrors(status: Int, code: String) async throws {
        let base = ACSCredential(
            accessKeyId: "STS.base", accessKeySecret: TestSecrets.envSecret, securityToken: TestSecrets.envToken,
            providerName: "env")
        // A message that echoes the string to sign (as SignatureDoesNotMatch does) and even the raw secret.
        let echoed = RPCSigner.stringToSign(
            method: "GET", parameters: ["SecurityToken": TestSecrets.envToken, "AccessKeyId": "STS.base"])
        let message = "You are not authorized. Server string to sign is: \(echoed)\nsecret=\(TestSecrets.envSecret)"
        let response = FakeResponse.json(
            ["RequestId": "REQ-\(status)", "HostId": "sts.aliyuncs.com", "Code": code, "Message": message],
            status: .init(code: status))
        let handler: @Sendable (RecordedRequest) async -> FakeResponse = { _ in response }
        try await withFakeServer(handler) { url, _ in
            let home = try TempHome()
            let provider = RAMRoleARNCredentialProvider(
                base: StaticCredentialProvider(base), roleArn: Self.roleArn, sessionName: nil,
                environment: home.environment(stsEndpoint: url), httpClient: .shared)
            let error = await credentialError { try await provider.credential() }
            guard case .stsError("AssumeRole", _, status, code, let text, let requestId) = error else {
                Issue.record("expected stsError, got \(String(describing: error))")
                return
            }
            #expect(requestId == "REQ-\(status)")
            #expect(text.contains("You are not authorized"))
            #expect(text.contains("<redacted>"))
            let description = String(describing: error!)
            #expect(description.contains(code) && description.contains("REQ-\(status)"))
            #expect(!description.contains("\n"))
        }
    }

    @Test(
        "unusable STS answers are clear errors",
        arguments: [
            (500, "<html>oops</html>", "code HTTP500"),
            (200, "{}", "no 'Credentials' object"),
            (
                200, #"{"Credentials": {"AccessKeyId": "a", "AccessKeySecret": "b", "SecurityToken": "c"}}"#,
                "'Expiration' is missing"
            ),
            (
                200,
                #"{"Credentials": {"AccessKeyId": "a", "AccessKeySecret": "b", "SecurityToken": "c", "#
                    + #""Expiration": "tomorrow"}}"#,
                "'Expiration' is not of the form"
            ),
        ])
    func unusableAnswers(status: Int, body: String, expected: String) async throws {
        let handler: @Sendable (RecordedRequest) async -> FakeResponse = { _ in
            FakeResponse(status: .init(code: status), body: body)
        }
        try await withFakeServer(handler) { url, _ in
            let home = try TempHome()
            let provider = RAMRoleARNCredentialProvider(
                base: StaticCredentialProvider(Self.baseCredential), roleArn: Self.roleArn, sessionName: nil,
                environment: home.environment(stsEndpoint: url), httpClient: .shared)
            let error = await credentialError { try await provider.credential() }
            #expect(error.map { String(describing: $0) }?.contains(expected) == true, "\(String(describing: error))")
        }
    }

    @Test(
        "invalid AssumeRole parameters are refused before any request",
        arguments: [
            (Self.roleArn, 600, "ok-name", "'DurationSeconds' is invalid"),
            ("", 3600, "ok-name", "'RoleArn' is missing"),
            (Self.roleArn, 3600, "bad name!", "'RoleSessionName' is invalid"),
        ])
    func invalidParameters(role: String, duration: Int, session: String, expected: String) async throws {
        let handler: @Sendable (RecordedRequest) async -> FakeResponse = { _ in FakeResponse(body: "{}") }
        try await withFakeServer(handler) { url, log in
            let home = try TempHome()
            let provider = RAMRoleARNCredentialProvider(
                base: StaticCredentialProvider(Self.baseCredential), roleArn: role, sessionName: session,
                durationSeconds: duration, environment: home.environment(stsEndpoint: url), httpClient: .shared)
            let error = await credentialError { try await provider.credential() }
            #expect(error.map { String(describing: $0) }?.contains(expected) == true, "\(String(describing: error))")
            #expect(log.count() == 0)
        }
    }

    @Test("OIDC from the environment: unsigned AssumeRoleWithOIDC with the token file's current content")
    func oidcFromEnvironment() async throws {
        let oidcRole = "acs:ram::1234567890123456:role/rrsa-role"
        let home = try TempHome()
        let tokenFile = try home.write("var/run/secrets/tokens/oidc-token", TestSecrets.oidcToken + "\n")
        let rotated = TestSecrets.oidcToken + "-rotated"
        let expected = TokenBox(TestSecrets.oidcToken)
        let handler: @Sendable (RecordedRequest) async -> FakeResponse = { request in
            await FakeSTS(signers: [:], expectedOIDCToken: expected.value).respond(request)
        }
        try await withFakeServer(handler) { url, log in
            let clock = TestClock()
            let environment = home.environment(
                [
                    "ALIBABA_CLOUD_ROLE_ARN": oidcRole,
                    "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1234567890123456:oidc-provider/ack-rrsa",
                    "ALIBABA_CLOUD_OIDC_TOKEN_FILE": tokenFile,
                    "ALIBABA_CLOUD_ROLE_SESSION_NAME": "rrsa-session",
                    "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
                ], stsEndpoint: url, clock: clock)
            let chain = CredentialChain.default(environment: environment, httpClient: .shared)
            let credential = try await chain.credential()
            TestSecrets.expectAbsent(in: credential)
            #expect(credential.accessKeyId == "STS.rrsa-role")
            #expect(credential.providerName == "default/oidc_role_arn")
            let query = try #require(log.all.first).query
            #expect(query["RoleSessionName"] == "rrsa-session")
            #expect(query["Timestamp"] == "2030-01-01T00:00:00Z")
            #expect(query["SignatureNonce"] == nil)

            // The token rotates; the refresh (15 minutes before expiry) reads the file again.
            try home.write("var/run/secrets/tokens/oidc-token", rotated)
            expected.value = rotated
            clock.advance(by: 46 * 60)
            #expect(try await chain.credential().accessKeyId == "STS.rrsa-role")
            #expect(log.count() == 2)
            #expect(log.all.last?.query["OIDCToken"] == rotated)
        }
    }

    @Test("a missing OIDC token file is an error naming the file")
    func oidcMissingTokenFile() async throws {
        let home = try TempHome()
        let provider = OIDCRoleCredentialProvider(
            roleArn: Self.roleArn, oidcProviderArn: "acs:ram::1:oidc-provider/x", tokenFile: home.path + "/nope",
            stsEndpoint: URL(string: "http://127.0.0.1:1")!, environment: home.environment(), httpClient: .shared)
        let error = await credentialError { try await provider.credential() }
        guard case .unreadableFile(let path, _) = error else {
            Issue.record("expected unreadableFile, got \(String(describing: error))")
            return
        }
        #expect(path == home.path + "/nope")
    }

    @Test("ChainableRamRoleArn assumes each role with the credential of its source profile")
    func chainableProfiles() async throws {
        let middle = "acs:ram::1234567890123456:role/middle"
        let top = "acs:ram::1111222233334444:role/top"
        let sts = FakeSTS(signers: [
            middle: .init(accessKeyId: "cli-base-id", secret: TestSecrets.cliSecret),
            top: .init(
                accessKeyId: FakeSTS.issuedId(middle), secret: FakeSTS.issuedSecret(middle),
                securityToken: FakeSTS.issuedToken(middle)),
        ])
        try await withFakeServer(sts.respond) { url, log in
            let home = try TempHome()
            try home.write(
                ".aliyun/config.json",
                CredentialChainTests.cliConfig(
                    current: "top",
                    profiles: [
                        [
                            "name": "top", "mode": "ChainableRamRoleArn", "source_profile": "middle",
                            "ram_role_arn": top,
                            "ram_session_name": "top-session", "expired_seconds": 900,
                        ],
                        [
                            "name": "middle", "mode": "ChainableRamRoleArn", "source_profile": "base",
                            "ram_role_arn": middle,
                        ],
                        CredentialChainTests.akProfile("base", id: "cli-base-id"),
                    ]))
            let credential = try await CredentialChain.default(
                environment: home.environment(CredentialChainTests.noMetadata, stsEndpoint: url), httpClient: .shared
            ).credential()
            TestSecrets.expectAbsent(in: credential)
            #expect(credential.accessKeyId == "STS.top")
            #expect(credential.providerName == "default/cli_profile/ram_role_arn/ram_role_arn/static_ak")
            #expect(log.all.map { $0.query["RoleArn"] } == [middle, top])
            #expect(log.all.last?.query["RoleSessionName"] == "top-session")
            #expect(log.all.last?.query["DurationSeconds"] == "900")
        }
    }

    @Test("RamRoleArn profiles and ram_role_arn sections assume the role with their AccessKey")
    func roleProfiles() async throws {
        let sts = FakeSTS(signers: [
            Self.roleArn: .init(accessKeyId: "file-id", secret: TestSecrets.fileSecret)
        ])
        try await withFakeServer(sts.respond) { url, _ in
            let home = try TempHome()
            try home.write(
                ".alibabacloud/credentials",
                "[default]\ntype = ram_role_arn\naccess_key_id = file-id\n"
                    + "access_key_secret = \(TestSecrets.fileSecret)\n"
                    + "role_arn = \(Self.roleArn)\nrole_session_name = ini-session\n")
            let fromIni = try await CredentialChain.default(
                environment: home.environment(CredentialChainTests.noMetadata, stsEndpoint: url), httpClient: .shared
            ).credential()
            #expect(fromIni.accessKeyId == "STS.auditor")
            #expect(fromIni.providerName == "default/profile/ram_role_arn/static_ak")

            try home.write(
                ".aliyun/config.json",
                CredentialChainTests.cliConfig(
                    current: "role",
                    profiles: [
                        [
                            "name": "role", "mode": "RamRoleArn", "access_key_id": "file-id",
                            "access_key_secret": TestSecrets.fileSecret, "ram_role_arn": Self.roleArn,
                        ]
                    ]))
            let fromCLI = try await CredentialChain.default(
                environment: home.environment(CredentialChainTests.noMetadata, stsEndpoint: url), httpClient: .shared
            ).credential()
            #expect(fromCLI.providerName == "default/cli_profile/ram_role_arn/static_ak")
        }
    }

    @Test("source_profile cycles and dangling references are errors")
    func profileCycles() async throws {
        let home = try TempHome()
        let path = try home.write(
            ".aliyun/config.json",
            CredentialChainTests.cliConfig(
                current: "a",
                profiles: [
                    ["name": "a", "mode": "ChainableRamRoleArn", "source_profile": "b", "ram_role_arn": Self.roleArn],
                    ["name": "b", "mode": "ChainableRamRoleArn", "source_profile": "c", "ram_role_arn": Self.roleArn],
                    ["name": "c", "mode": "ChainableRamRoleArn", "source_profile": "a", "ram_role_arn": Self.roleArn],
                    ["name": "d", "mode": "ChainableRamRoleArn", "source_profile": "d", "ram_role_arn": Self.roleArn],
                    [
                        "name": "e", "mode": "ChainableRamRoleArn", "source_profile": "zzz",
                        "ram_role_arn": Self.roleArn,
                    ],
                ]))
        func resolve(_ profile: String) async -> CredentialError? {
            await credentialError {
                try await CredentialChain.default(
                    environment: home.environment(CredentialChainTests.noMetadata, profile: profile),
                    httpClient: .shared
                ).credential()
            }
        }
        let cycle = await resolve("a")
        guard case .profileCycle(["a", "b", "c", "a"], path) = cycle else {
            Issue.record("expected a cycle, got \(String(describing: cycle))")
            return
        }
        #expect(String(describing: cycle!) == "source_profile cycle in \(path): 'a' -> 'b' -> 'c' -> 'a'")
        guard case .profileCycle(["d", "d"], path) = await resolve("d") else {
            Issue.record("expected a self-cycle")
            return
        }
        let dangling = await resolve("e")
        #expect(String(describing: dangling!).contains("'source_profile' is invalid: profile 'zzz' does not exist"))
    }

    @Test("the STS endpoint follows --sts-endpoint, then the profile, then the environment")
    func stsEndpointChoice() {
        let plain = CredentialEnvironment(variables: [:], homeDirectory: "/h")
        #expect(plain.stsEndpoint().absoluteString == "https://sts.aliyuncs.com")
        let regional = CredentialEnvironment(
            variables: ["ALIBABA_CLOUD_STS_REGION": "cn-shanghai"], homeDirectory: "/h")
        #expect(regional.stsEndpoint().absoluteString == "https://sts.cn-shanghai.aliyuncs.com")
        let vpc = CredentialEnvironment(
            variables: ["ALIBABA_CLOUD_STS_REGION": "cn-shanghai", "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED": "true"],
            homeDirectory: "/h")
        #expect(vpc.stsEndpoint().absoluteString == "https://sts-vpc.cn-shanghai.aliyuncs.com")
        #expect(
            vpc.stsEndpoint(region: "ap-southeast-1", vpc: false).absoluteString
                == "https://sts.ap-southeast-1.aliyuncs.com")
        let overridden = CredentialEnvironment(
            variables: ["ALIBABA_CLOUD_STS_REGION": "cn-shanghai"], homeDirectory: "/h",
            stsEndpoint: URL(string: "http://127.0.0.1:9")!)
        #expect(overridden.stsEndpoint(region: "x", vpc: true).absoluteString == "http://127.0.0.1:9")
    }
}

/// A mutable string shared with a fake server handler.
final class TokenBox: Sendable {
    private let storage: Mutex<String>
    init(_ value: String) { storage = Mutex(value) }
    var value: String {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
