import AsyncHTTPClient
import Foundation

/// The aliyun CLI's `~/.aliyun/config.json`: the profile chosen by `--profile` / `ALIBABA_CLOUD_PROFILE`, else the
/// file's `current` profile. Modes AK, StsToken, RamRoleArn, EcsRamRole, OIDC and ChainableRamRoleArn (with
/// `source_profile` followed recursively and cycles reported).
struct CLIProfileSource: Sendable {
    let config: AliyunCLIConfig
    let path: String
    let environment: CredentialEnvironment
    let httpClient: HTTPClient

    static func resolve(environment: CredentialEnvironment, httpClient: HTTPClient) throws -> SourceResolution {
        guard !environment.flag(EnvironmentVariable.cliProfileDisabled) else {
            return .skipped("disabled by \(EnvironmentVariable.cliProfileDisabled)=true")
        }
        let path = environment.cliConfigPath
        let chosen = environment.chosenProfile
        guard let text = try FileReading.textIfPresent(path) else {
            return chosen == nil ? .skipped("\(path) not found") : .profileMissing(file: path)
        }
        let config = try AliyunCLIConfig.decode(Data(text.utf8), path: path)
        let name: String
        if let chosen {
            name = chosen
        } else if let current = config.current, !current.isEmpty {
            name = current
        } else {
            return .skipped("\(path) has no current profile")
        }
        guard let profile = config.profiles.first(where: { $0.name == name }) else {
            if chosen != nil { return .profileMissing(file: path) }
            throw CredentialError.profileNotFound(profile: name, files: [path])
        }
        // `aliyun configure` leaves an empty AK profile behind; an implicit choice of it means "not configured".
        if chosen == nil, profile.mode == nil || profile.mode == "AK", profile.accessKeyId == nil,
            profile.accessKeySecret == nil
        {
            return .skipped("profile '\(name)' in \(path) has no AccessKey")
        }
        let source = CLIProfileSource(config: config, path: path, environment: environment, httpClient: httpClient)
        return .provider(try source.provider(for: name, visited: []))
    }

    /// The provider for profile `name`; `visited` holds the profiles whose `source_profile` led here.
    func provider(for name: String, visited: [String]) throws -> any CredentialProvider {
        guard !visited.contains(name) else {
            throw CredentialError.profileCycle(path: visited + [name], file: path)
        }
        guard let profile = config.profiles.first(where: { $0.name == name }) else {
            guard let referrer = visited.last else {
                throw CredentialError.profileNotFound(profile: name, files: [path])
            }
            throw CredentialError.invalidField(
                source: "profile '\(referrer)' in \(path)", field: "source_profile",
                reason: "profile '\(name)' does not exist")
        }
        let source = "profile '\(name)' in \(path)"
        func required(_ value: String?, _ field: String) throws -> String {
            guard let value, !value.isEmpty else {
                throw CredentialError.missingField(source: source, field: field)
            }
            return value
        }
        guard let mode = profile.mode else {
            throw CredentialError.missingField(source: source, field: "mode")
        }
        let stsEndpoint = environment.stsEndpoint(region: profile.stsRegion, vpc: profile.enableVpc)
        let duration = (profile.expiredSeconds ?? 0) == 0 ? 3600 : profile.expiredSeconds ?? 3600
        switch mode {
        case "AK":
            return StaticCredentialProvider(
                ACSCredential(
                    accessKeyId: try required(profile.accessKeyId, "access_key_id"),
                    accessKeySecret: try required(profile.accessKeySecret, "access_key_secret"),
                    providerName: "static_ak"))
        case "StsToken":
            return StaticCredentialProvider(
                ACSCredential(
                    accessKeyId: try required(profile.accessKeyId, "access_key_id"),
                    accessKeySecret: try required(profile.accessKeySecret, "access_key_secret"),
                    securityToken: try required(profile.stsToken, "sts_token"), providerName: "static_sts"))
        case "RamRoleArn", "ChainableRamRoleArn":
            let base: any CredentialProvider
            if mode == "RamRoleArn" {
                base = StaticCredentialProvider(
                    ACSCredential(
                        accessKeyId: try required(profile.accessKeyId, "access_key_id"),
                        accessKeySecret: try required(profile.accessKeySecret, "access_key_secret"),
                        providerName: "static_ak"))
            } else {
                base = try provider(
                    for: try required(profile.sourceProfile, "source_profile"), visited: visited + [name])
            }
            return RAMRoleARNCredentialProvider(
                base: base, roleArn: try required(profile.ramRoleArn, "ram_role_arn"),
                sessionName: profile.ramSessionName, durationSeconds: duration, policy: profile.policy,
                externalId: profile.externalId, stsEndpoint: stsEndpoint, environment: environment,
                httpClient: httpClient)
        case "EcsRamRole":
            return ECSMetadataCredentialProvider(
                roleName: profile.ramRoleName, environment: environment, httpClient: httpClient)
        case "OIDC":
            return OIDCRoleCredentialProvider(
                roleArn: try required(profile.ramRoleArn, "ram_role_arn"),
                oidcProviderArn: try required(profile.oidcProviderArn, "oidc_provider_arn"),
                tokenFile: try required(profile.oidcTokenFile, "oidc_token_file"),
                sessionName: profile.ramSessionName ?? profile.roleSessionName, durationSeconds: duration,
                policy: profile.policy, stsEndpoint: stsEndpoint, environment: environment, httpClient: httpClient)
        default:
            throw CredentialError.unsupportedMode(source: source, mode: mode)
        }
    }
}
