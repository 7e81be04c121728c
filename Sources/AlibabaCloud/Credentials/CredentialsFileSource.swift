import AsyncHTTPClient
import Foundation

/// The credentials ini file: `ALIBABA_CLOUD_CREDENTIALS_FILE`, else `~/.alibabacloud/credentials` (Go SDK name),
/// else `~/.alibabacloud/credentials.ini` (Python SDK name). Section = the chosen profile, else `default`.
/// Types access_key, ram_role_arn, oidc_role_arn and ecs_ram_role; rsa_key_pair is refused.
enum CredentialsFileSource {
    static func resolve(environment: CredentialEnvironment, httpClient: HTTPClient) throws -> SourceResolution {
        let chosen = environment.chosenProfile
        let path: String
        let text: String
        if let explicit = environment.value(EnvironmentVariable.credentialsFile) {
            guard let content = try FileReading.textIfPresent(explicit) else {
                throw CredentialError.unreadableFile(
                    path: explicit, reason: "no such file (named by \(EnvironmentVariable.credentialsFile))")
            }
            path = explicit
            text = content
        } else {
            let candidates = [
                FileReading.join(environment.homeDirectory, ".alibabacloud/credentials"),
                FileReading.join(environment.homeDirectory, ".alibabacloud/credentials.ini"),
            ]
            var found: (String, String)?
            for candidate in candidates {
                if let content = try FileReading.textIfPresent(candidate) {
                    found = (candidate, content)
                    break
                }
            }
            guard let found else {
                let names = candidates.joined(separator: " or ")
                return chosen == nil ? .skipped("\(names) not found") : .profileMissing(file: candidates[0])
            }
            (path, text) = found
        }
        let ini = try INIFile.parse(text, path: path)
        let sectionName = chosen ?? "default"
        guard let section = ini.sections[sectionName] else {
            return chosen == nil ? .skipped("no [default] section in \(path)") : .profileMissing(file: path)
        }
        return .provider(
            try provider(section: section, source: "section [\(sectionName)] in \(path)", environment, httpClient))
    }

    private static func provider(
        section: [String: String],
        source: String,
        _ environment: CredentialEnvironment,
        _ httpClient: HTTPClient
    ) throws -> any CredentialProvider {
        func required(_ key: String) throws -> String {
            guard let value = section[key], !value.isEmpty else {
                throw CredentialError.missingField(source: source, field: key)
            }
            return value
        }
        func optional(_ key: String) -> String? {
            section[key].flatMap { $0.isEmpty ? nil : $0 }
        }
        let type = try required("type")
        switch type {
        case "access_key":
            return StaticCredentialProvider(
                ACSCredential(
                    accessKeyId: try required("access_key_id"), accessKeySecret: try required("access_key_secret"),
                    providerName: "static_ak"))
        case "ram_role_arn":
            let base = StaticCredentialProvider(
                ACSCredential(
                    accessKeyId: try required("access_key_id"), accessKeySecret: try required("access_key_secret"),
                    providerName: "static_ak"))
            return RAMRoleARNCredentialProvider(
                base: base, roleArn: try required("role_arn"), sessionName: optional("role_session_name"),
                policy: optional("policy"), externalId: optional("external_id"), environment: environment,
                httpClient: httpClient)
        case "oidc_role_arn":
            return OIDCRoleCredentialProvider(
                roleArn: try required("role_arn"), oidcProviderArn: try required("oidc_provider_arn"),
                tokenFile: try required("oidc_token_file_path"), sessionName: optional("role_session_name"),
                policy: optional("policy"), environment: environment, httpClient: httpClient)
        case "ecs_ram_role":
            return ECSMetadataCredentialProvider(
                roleName: optional("role_name"), environment: environment, httpClient: httpClient)
        case "rsa_key_pair":
            throw CredentialError.unsupportedMode(
                source: source, mode: "rsa_key_pair (deprecated; use access_key or ram_role_arn)")
        default:
            throw CredentialError.unsupportedMode(source: source, mode: type)
        }
    }
}
