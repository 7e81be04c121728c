import AsyncHTTPClient
import Foundation
import Testing

@testable import AlibabaCloud

/// The default chain's order, profile selection and error reporting, with files in a unique temporary home.
@Suite struct CredentialChainTests {
    /// Keeps the metadata service out of tests that are not about it.
    static let noMetadata = ["ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"]

    static func cliConfig(current: String, profiles: [[String: Any]]) -> String {
        let object: [String: Any] = ["current": current, "profiles": profiles, "meta_path": ""]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func akProfile(_ name: String, id: String, secret: String = TestSecrets.cliSecret) -> [String: Any] {
        ["name": name, "mode": "AK", "access_key_id": id, "access_key_secret": secret, "region_id": "cn-hangzhou"]
    }

    static let iniFile = """
        # ackguard test credentials
        [default]
        type = access_key                # the default section
        access_key_id = ini-default-id
        access_key_secret = \(TestSecrets.fileSecret)

        [prod]
        Type: access_key
        ACCESS_KEY_ID = ini-prod-id
        access_key_secret = \(TestSecrets.fileSecret)
        """

    func resolve(_ environment: CredentialEnvironment) async throws -> ACSCredential {
        let credential = try await CredentialChain.default(environment: environment, httpClient: .shared).credential()
        TestSecrets.expectAbsent(in: credential)
        return credential
    }

    @Test("environment variables come first")
    func environmentFirst() async throws {
        let home = try TempHome()
        try home.write(
            ".aliyun/config.json",
            Self.cliConfig(current: "default", profiles: [Self.akProfile("default", id: "cli-id")]))
        try home.write(".alibabacloud/credentials", Self.iniFile)
        var variables = Self.noMetadata
        variables["ALIBABA_CLOUD_ACCESS_KEY_ID"] = "env-id"
        variables["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = TestSecrets.envSecret
        variables["ALIBABA_CLOUD_SECURITY_TOKEN"] = TestSecrets.envToken
        let credential = try await resolve(home.environment(variables))
        #expect(credential.accessKeyId == "env-id")
        #expect(credential.accessKeySecret == TestSecrets.envSecret)
        #expect(credential.securityToken == TestSecrets.envToken)
        #expect(credential.providerName == "default/env")
    }

    @Test("the aliyun CLI's current profile beats the credentials file")
    func cliBeatsIni() async throws {
        let home = try TempHome()
        try home.write(
            ".aliyun/config.json",
            Self.cliConfig(
                current: "work",
                profiles: [Self.akProfile("default", id: "cli-default"), Self.akProfile("work", id: "cli-work")]))
        try home.write(".alibabacloud/credentials", Self.iniFile)
        let credential = try await resolve(home.environment(Self.noMetadata))
        #expect(credential.accessKeyId == "cli-work")
        #expect(credential.accessKeySecret == TestSecrets.cliSecret)
        #expect(credential.securityToken == nil)
        #expect(credential.providerName == "default/cli_profile/static_ak")
    }

    @Test("the credentials file's [default] section is used when nothing else is configured")
    func iniDefault() async throws {
        let home = try TempHome()
        try home.write(".alibabacloud/credentials", Self.iniFile)
        let credential = try await resolve(home.environment(Self.noMetadata))
        #expect(credential.accessKeyId == "ini-default-id")
        #expect(credential.accessKeySecret == TestSecrets.fileSecret)
        #expect(credential.providerName == "default/profile/static_ak")
    }

    @Test("the Python SDK's credentials.ini name is read too")
    func iniExtension() async throws {
        let home = try TempHome()
        try home.write(".alibabacloud/credentials.ini", Self.iniFile)
        #expect(try await resolve(home.environment(Self.noMetadata)).accessKeyId == "ini-default-id")
    }

    @Test("ALIBABA_CLOUD_CREDENTIALS_FILE names the ini file")
    func iniFromVariable() async throws {
        let home = try TempHome()
        let path = try home.write("elsewhere/creds", Self.iniFile)
        var variables = Self.noMetadata
        variables["ALIBABA_CLOUD_CREDENTIALS_FILE"] = path
        #expect(try await resolve(home.environment(variables)).accessKeyId == "ini-default-id")

        variables["ALIBABA_CLOUD_CREDENTIALS_FILE"] = path + ".missing"
        let error = await credentialError { try await resolve(home.environment(variables)) }
        guard case .unreadableFile(let reported, _) = error else {
            Issue.record("expected unreadableFile, got \(String(describing: error))")
            return
        }
        #expect(reported == path + ".missing")
    }

    @Test("an empty AK profile left by `aliyun configure` does not hide the credentials file")
    func emptyCLIProfile() async throws {
        let home = try TempHome()
        try home.write(
            ".aliyun/config.json",
            Self.cliConfig(
                current: "default",
                profiles: [["name": "default", "mode": "AK", "access_key_id": "", "access_key_secret": ""]]))
        try home.write(".alibabacloud/credentials", Self.iniFile)
        #expect(try await resolve(home.environment(Self.noMetadata)).accessKeyId == "ini-default-id")
    }

    @Test("ALIBABA_CLOUD_CLI_PROFILE_DISABLED skips the aliyun CLI config")
    func cliDisabled() async throws {
        let home = try TempHome()
        try home.write(
            ".aliyun/config.json",
            Self.cliConfig(current: "default", profiles: [Self.akProfile("default", id: "cli-id")]))
        try home.write(".alibabacloud/credentials", Self.iniFile)
        var variables = Self.noMetadata
        variables["ALIBABA_CLOUD_CLI_PROFILE_DISABLED"] = "TRUE"
        #expect(try await resolve(home.environment(variables)).accessKeyId == "ini-default-id")
    }

    @Test("ALIBABA_CLOUD_PROFILE chooses the CLI profile, and the ini section when the CLI lacks it")
    func profileFromVariable() async throws {
        let home = try TempHome()
        try home.write(
            ".aliyun/config.json",
            Self.cliConfig(
                current: "default",
                profiles: [Self.akProfile("default", id: "cli-default"), Self.akProfile("staging", id: "cli-staging")]))
        try home.write(".alibabacloud/credentials", Self.iniFile)
        var variables = Self.noMetadata
        variables["ALIBABA_CLOUD_PROFILE"] = "staging"
        #expect(try await resolve(home.environment(variables)).accessKeyId == "cli-staging")
        variables["ALIBABA_CLOUD_PROFILE"] = "prod"
        let prod = try await resolve(home.environment(variables))
        #expect(prod.accessKeyId == "ini-prod-id")
        #expect(prod.providerName == "default/profile/static_ak")
    }

    @Test("ALIBABA_CLOUD_PROFILE keeps the SDK order: environment variables still come first")
    func profileVariableKeepsOrder() async throws {
        let home = try TempHome()
        try home.write(".alibabacloud/credentials", Self.iniFile)
        var variables = Self.noMetadata
        variables["ALIBABA_CLOUD_PROFILE"] = "prod"
        variables["ALIBABA_CLOUD_ACCESS_KEY_ID"] = "env-id"
        variables["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = TestSecrets.envSecret
        #expect(try await resolve(home.environment(variables)).accessKeyId == "env-id")
    }

    @Test("--profile beats ALIBABA_CLOUD_PROFILE and the environment's AccessKey")
    func explicitProfile() async throws {
        let home = try TempHome()
        try home.write(
            ".aliyun/config.json",
            Self.cliConfig(
                current: "default",
                profiles: [Self.akProfile("default", id: "cli-default"), Self.akProfile("staging", id: "cli-staging")]))
        try home.write(".alibabacloud/credentials", Self.iniFile)
        var variables = Self.noMetadata
        variables["ALIBABA_CLOUD_PROFILE"] = "staging"
        variables["ALIBABA_CLOUD_ACCESS_KEY_ID"] = "env-id"
        variables["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = TestSecrets.envSecret
        #expect(try await resolve(home.environment(variables, profile: "prod")).accessKeyId == "ini-prod-id")
        #expect(try await resolve(home.environment(variables, profile: "default")).accessKeyId == "cli-default")
    }

    @Test("a chosen profile that exists nowhere is an error naming the profile and the files")
    func missingProfile() async throws {
        let home = try TempHome()
        let cliPath = try home.write(
            ".aliyun/config.json",
            Self.cliConfig(current: "default", profiles: [Self.akProfile("default", id: "cli-default")]))
        let iniPath = try home.write(".alibabacloud/credentials", Self.iniFile)
        var variables = Self.noMetadata
        variables["ALIBABA_CLOUD_PROFILE"] = "nope"
        let error = await credentialError { try await resolve(home.environment(variables)) }
        guard case .profileNotFound(let profile, let files) = error else {
            Issue.record("expected profileNotFound, got \(String(describing: error))")
            return
        }
        #expect(profile == "nope")
        #expect(files == [cliPath, iniPath])
        let text = String(describing: error!)
        #expect(text.contains("'nope'") && text.contains(cliPath) && text.contains(iniPath))

        // Also with no files at all, and with the command-line flag.
        let empty = try TempHome()
        let flagged = await credentialError { try await resolve(empty.environment(Self.noMetadata, profile: "ghost")) }
        guard case .profileNotFound("ghost", let emptyFiles) = flagged else {
            Issue.record("expected profileNotFound, got \(String(describing: flagged))")
            return
        }
        #expect(emptyFiles.count == 2)
    }

    @Test("the CLI's current profile pointing nowhere is an error, not a fall-through")
    func danglingCurrent() async throws {
        let home = try TempHome()
        let path = try home.write(
            ".aliyun/config.json", Self.cliConfig(current: "gone", profiles: [Self.akProfile("default", id: "x")]))
        try home.write(".alibabacloud/credentials", Self.iniFile)
        let error = await credentialError { try await resolve(home.environment(Self.noMetadata)) }
        guard case .profileNotFound("gone", [path]) = error else {
            Issue.record("expected profileNotFound, got \(String(describing: error))")
            return
        }
    }

    @Test("noCredentials lists every source tried and why it was skipped")
    func noCredentials() async throws {
        let home = try TempHome()
        var variables = Self.noMetadata
        variables["ALIBABA_CLOUD_ROLE_ARN"] = "acs:ram::1234567890123456:role/x"
        let error = await credentialError { try await resolve(home.environment(variables)) }
        guard case .noCredentials(let tried) = error else {
            Issue.record("expected noCredentials, got \(String(describing: error))")
            return
        }
        #expect(tried.count == 6)
        #expect(tried[0].hasPrefix("environment (ALIBABA_CLOUD_ACCESS_KEY_ID"))
        #expect(tried[1] == "OIDC (RRSA) (ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE not set)")
        #expect(tried[2].hasPrefix("aliyun CLI profile (") && tried[2].contains(".aliyun/config.json not found"))
        #expect(tried[3].hasPrefix("credentials file (") && tried[3].contains("credentials.ini not found"))
        #expect(tried[4] == "ECS metadata (disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)")
        #expect(tried[5] == "credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI not set)")
        #expect(String(describing: error!).hasPrefix("no Alibaba Cloud credentials found; tried: environment ("))
    }

    @Test("an unreachable metadata service is reported as tried, not as a failure")
    func metadataUnreachable() async throws {
        let home = try TempHome()
        // Port 1 on the loopback address refuses connections.
        let error = await credentialError {
            try await resolve(home.environment([:], metadataEndpoint: URL(string: "http://127.0.0.1:1")!))
        }
        guard case .noCredentials(let tried) = error else {
            Issue.record("expected noCredentials, got \(String(describing: error))")
            return
        }
        #expect(tried.contains { $0.hasPrefix("ECS metadata (unreachable at http://127.0.0.1:1/") })
    }

    @Test("half-configured environment AccessKey is an error naming the missing variable")
    func partialEnvironment() async throws {
        let home = try TempHome()
        var variables = Self.noMetadata
        variables["ALIBABA_CLOUD_ACCESS_KEY_ID"] = "env-id"
        let error = await credentialError { try await resolve(home.environment(variables)) }
        guard case .missingField("environment", "ALIBABA_CLOUD_ACCESS_KEY_SECRET") = error else {
            Issue.record("expected missingField, got \(String(describing: error))")
            return
        }
    }

    @Test("the CLI's StsToken mode carries the token")
    func stsTokenMode() async throws {
        let home = try TempHome()
        try home.write(
            ".aliyun/config.json",
            Self.cliConfig(
                current: "sts",
                profiles: [
                    [
                        "name": "sts", "mode": "StsToken", "access_key_id": "STS.cli",
                        "access_key_secret": TestSecrets.cliSecret,
                        "sts_token": TestSecrets.envToken,
                    ]
                ]))
        let credential = try await resolve(home.environment(Self.noMetadata))
        #expect(credential.accessKeyId == "STS.cli")
        #expect(credential.securityToken == TestSecrets.envToken)
        #expect(credential.providerName == "default/cli_profile/static_sts")
    }

    @Test(
        "configuration errors name the file, the profile and the field",
        arguments: [
            (
                "cli", #"{"current": "p", "profiles": [{"name": "p", "mode": "CloudSSO"}]}"#,
                "credential mode 'CloudSSO' is not supported"
            ),
            (
                "cli",
                #"{"current": "p", "profiles": [{"name": "p", "mode": "RamRoleArn", "access_key_id": "a", "#
                    + #""access_key_secret": "b"}]}"#,
                "profile 'p' in "
            ),
            ("cli", #"{"current": "p", "profiles": [{"name": "p", "access_key_id": "a"}]}"#, "'mode' is missing"),
            (
                "cli", #"{"current": "p", "profiles": [{"name": "p", "mode": "AK", "expired_seconds": "soon"}]}"#,
                "cannot parse "
            ),
            ("cli", #"{"current": "p", "profiles": "#, "cannot parse "),
            (
                "ini", "[default]\ntype = rsa_key_pair\npublic_key_id = x\nprivate_key_file = /k.pem\n",
                "'rsa_key_pair (deprecated"
            ),
            ("ini", "[default]\ntype = magic\n", "credential mode 'magic' is not supported"),
            ("ini", "[default]\naccess_key_id = x\n", "'type' is missing"),
            ("ini", "[default]\ntype = access_key\naccess_key_id = x\n", "section [default] in "),
            ("ini", "type = access_key\n", "line 1: key outside of any [section]"),
        ])
    func configurationErrors(kind: String, content: String, expected: String) async throws {
        let home = try TempHome()
        let path = try home.write(kind == "cli" ? ".aliyun/config.json" : ".alibabacloud/credentials", content)
        let error = await credentialError { try await resolve(home.environment(Self.noMetadata)) }
        let text = error.map { String(describing: $0) } ?? ""
        #expect(text.contains(expected), "\(text)")
        #expect(text.contains(path), "\(text)")
        #expect(!text.contains("\n"))
    }

    @Test("the chain resolves once and reuses the provider that yielded")
    func reusesProvider() async throws {
        let home = try TempHome()
        let path = try home.write(".alibabacloud/credentials", Self.iniFile)
        let chain = CredentialChain.default(environment: home.environment(Self.noMetadata), httpClient: .shared)
        #expect(try await chain.credential().accessKeyId == "ini-default-id")
        try FileManager.default.removeItem(atPath: path)
        #expect(try await chain.credential().accessKeyId == "ini-default-id")
    }

    @Test("role ARNs yield their account id")
    func roleArnAccount() {
        #expect(accountId(fromRoleArn: "acs:ram::1234567890123456:role/ack-auditor") == "1234567890123456")
        #expect(accountId(fromRoleArn: "acs:ram::1234567890123456:role/path/name") == "1234567890123456")
        #expect(accountId(fromRoleArn: "acs:ram::12345:user/alice") == nil)
        #expect(accountId(fromRoleArn: "acs:ram::abc:role/x") == nil)
        #expect(accountId(fromRoleArn: "acs:ram:cn:123:role/x") == nil)
        #expect(accountId(fromRoleArn: "acs:ram::123:role/") == nil)
        #expect(accountId(fromRoleArn: "") == nil)
    }
}

@Suite struct INIFileTests {
    @Test("comments, inline comments, case-insensitive keys and both separators")
    func parses() throws {
        let ini = try INIFile.parse(
            "; comment\n# another\n[a]\nKey = value # trailing\nother: x = y\r\n\n[b c]\nempty =\n", path: "/f")
        #expect(ini.sections["a"] == ["key": "value", "other": "x = y"])
        #expect(ini.sections["b c"] == ["empty": ""])
    }

    @Test(
        "malformed input names the line",
        arguments: [
            ("[a]\nno separator\n", "line 2: expected 'key = value'"),
            ("[a]\n[a]\n", "line 2: section [a] appears twice"),
            ("[a]\nk = 1\nK = 2\n", "line 3: key 'k' appears twice in [a]"),
            ("[a\n", "line 1: bad section header"),
            ("[a]\n = 1\n", "line 2: empty key"),
        ])
    func rejects(text: String, expected: String) {
        #expect {
            try INIFile.parse(text, path: "/f")
        } throws: { error in
            String(describing: error) == "cannot parse /f: \(expected)"
        }
    }
}
