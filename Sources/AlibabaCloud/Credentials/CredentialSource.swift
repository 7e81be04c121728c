import AsyncHTTPClient
import Foundation

/// The sources of the default chain, in the official SDKs' order (ACK-API.md §5.1).
enum CredentialSource: Sendable {
    case environment
    case oidc
    case cliProfile
    case credentialsFile
    case ecsMetadata
    case credentialsURI

    /// How the source is named in `CredentialError.noCredentials` and in provider names.
    var label: String {
        switch self {
        case .environment: return "environment"
        case .oidc: return "OIDC (RRSA)"
        case .cliProfile: return "aliyun CLI profile"
        case .credentialsFile: return "credentials file"
        case .ecsMetadata: return "ECS metadata"
        case .credentialsURI: return "credentials URI"
        }
    }

    /// The `providerName` prefix of credentials from this source (the official SDKs' names).
    var providerPrefix: String? {
        switch self {
        case .cliProfile: return "cli_profile"
        case .credentialsFile: return "profile"
        default: return nil
        }
    }

    /// Reads the configuration of the source; network sources are only built here, not contacted.
    func resolve(environment: CredentialEnvironment, httpClient: HTTPClient) throws -> SourceResolution {
        switch self {
        case .environment: return try Self.resolveEnvironment(environment)
        case .oidc: return Self.resolveOIDC(environment, httpClient)
        case .cliProfile: return try CLIProfileSource.resolve(environment: environment, httpClient: httpClient)
        case .credentialsFile:
            return try CredentialsFileSource.resolve(environment: environment, httpClient: httpClient)
        case .ecsMetadata:
            guard !environment.flag(EnvironmentVariable.ecsMetadataDisabled) else {
                return .skipped("disabled by \(EnvironmentVariable.ecsMetadataDisabled)=true")
            }
            return .provider(ECSMetadataCredentialProvider(environment: environment, httpClient: httpClient))
        case .credentialsURI:
            guard let uri = environment.value(EnvironmentVariable.credentialsURI) else {
                return .skipped("\(EnvironmentVariable.credentialsURI) not set")
            }
            return .provider(URICredentialProvider(uri: uri, environment: environment, httpClient: httpClient))
        }
    }

    /// For a source whose availability is only known by asking (ECS metadata), the reason to move on to the next
    /// source after `error`; `nil` means the error ends the chain.
    func skipReason(after error: CredentialError) -> String? {
        guard self == .ecsMetadata else { return nil }
        switch error {
        case .unreachable(_, let endpoint, let reason):
            return reason.contains(EnvironmentVariable.noMetadataProbe)
                ? "\(endpoint) \(reason)" : "unreachable at \(endpoint)"
        case .noInstanceRole: return "no RAM role attached to this instance"
        default: return nil
        }
    }

    private static func resolveEnvironment(_ environment: CredentialEnvironment) throws -> SourceResolution {
        let id = environment.value(EnvironmentVariable.accessKeyId)
        let secret = environment.value(EnvironmentVariable.accessKeySecret)
        switch (id, secret) {
        case (nil, nil):
            return .skipped("\(EnvironmentVariable.accessKeyId) and \(EnvironmentVariable.accessKeySecret) not set")
        case (nil, _):
            throw CredentialError.missingField(source: "environment", field: EnvironmentVariable.accessKeyId)
        case (_, nil):
            throw CredentialError.missingField(source: "environment", field: EnvironmentVariable.accessKeySecret)
        case (let id?, let secret?):
            let token = environment.value(EnvironmentVariable.securityToken)
            return .provider(
                StaticCredentialProvider(
                    ACSCredential(
                        accessKeyId: id, accessKeySecret: secret, securityToken: token, providerName: "env")))
        }
    }

    private static func resolveOIDC(_ environment: CredentialEnvironment, _ httpClient: HTTPClient) -> SourceResolution
    {
        let names = [
            EnvironmentVariable.roleArn, EnvironmentVariable.oidcProviderArn, EnvironmentVariable.oidcTokenFile,
        ]
        let missing = names.filter { environment.value($0) == nil }
        guard missing.isEmpty else {
            return .skipped("\(missing.joined(separator: ", ")) not set")
        }
        return .provider(
            OIDCRoleCredentialProvider(
                roleArn: environment.value(EnvironmentVariable.roleArn) ?? "",
                oidcProviderArn: environment.value(EnvironmentVariable.oidcProviderArn) ?? "",
                tokenFile: environment.value(EnvironmentVariable.oidcTokenFile) ?? "",
                environment: environment, httpClient: httpClient))
    }
}

/// What a source found in its configuration.
enum SourceResolution: Sendable {
    /// The source is configured; the provider has not been asked yet.
    case provider(any CredentialProvider)
    /// The source is not configured (the reason goes into `CredentialError.noCredentials`).
    case skipped(String)
    /// A profile was chosen explicitly and this file (or file set) does not define it.
    case profileMissing(file: String)
}
