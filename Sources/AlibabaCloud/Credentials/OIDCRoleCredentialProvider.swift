import AlibabaCloudSigning
public import AsyncHTTPClient
public import Foundation

/// RRSA / OIDC: exchanges the OIDC token in `tokenFile` for a temporary credential with STS
/// `AssumeRoleWithOIDC` (an unsigned GET). The token file is read again on every refresh (projected service
/// account tokens rotate); the credential is cached and refreshed before it expires.
public struct OIDCRoleCredentialProvider: CredentialProvider {
    public var name: String { "oidc_role_arn" }
    private let cache: CachingCredentialProvider

    /// - Parameters:
    ///   - sessionName: `RoleSessionName`; `nil` means `ALIBABA_CLOUD_ROLE_SESSION_NAME`, else
    ///     `ackguard-<unix time>`.
    ///   - stsEndpoint: `nil` means the environment's choice (see `CredentialEnvironment.stsEndpoint`).
    public init(
        roleArn: String,
        oidcProviderArn: String,
        tokenFile: String,
        sessionName: String? = nil,
        durationSeconds: Int = 3600,
        policy: String? = nil,
        stsEndpoint: URL? = nil,
        environment: CredentialEnvironment,
        httpClient: HTTPClient
    ) {
        let exchange = AssumeRoleWithOIDC(
            roleArn: roleArn, oidcProviderArn: oidcProviderArn, tokenFile: tokenFile,
            sessionName: sessionName.flatMap { $0.isEmpty ? nil : $0 }
                ?? environment.value(EnvironmentVariable.roleSessionName),
            durationSeconds: durationSeconds, policy: policy,
            sts: STSClient(
                http: CredentialHTTP(client: httpClient), endpoint: stsEndpoint ?? environment.stsEndpoint()),
            now: environment.now)
        self.cache = CachingCredentialProvider(base: exchange, now: environment.now)
    }

    public func credential() async throws -> ACSCredential {
        try await cache.credential()
    }
}

/// One uncached `AssumeRoleWithOIDC` call.
private struct AssumeRoleWithOIDC: CredentialProvider {
    var name: String { "oidc_role_arn" }
    let roleArn: String
    let oidcProviderArn: String
    let tokenFile: String
    let sessionName: String?
    let durationSeconds: Int
    let policy: String?
    let sts: STSClient
    let now: @Sendable () -> Date

    func credential() async throws -> ACSCredential {
        let source = "AssumeRoleWithOIDC"
        try STSParameters.validate(
            roleArn: roleArn, durationSeconds: durationSeconds, sessionName: sessionName, source: source)
        guard !oidcProviderArn.isEmpty else {
            throw CredentialError.missingField(source: source, field: "OIDCProviderArn")
        }
        let token = try Self.readToken(tokenFile)
        let date = now()
        var parameters: [String: String] = [
            "Action": "AssumeRoleWithOIDC",
            "Format": "JSON",
            "Version": STSClient.version,
            "DurationSeconds": String(durationSeconds),
            "RoleArn": roleArn,
            "OIDCProviderArn": oidcProviderArn,
            "OIDCToken": token,
            "RoleSessionName": sessionName ?? STSParameters.defaultSessionName(date),
            "Timestamp": SigningDate.iso8601(date),
        ]
        if let policy, !policy.isEmpty { parameters["Policy"] = policy }
        return try await sts.call(
            action: "AssumeRoleWithOIDC", parameters: parameters, secrets: [token], providerName: "oidc_role_arn")
    }

    static func readToken(_ path: String) throws -> String {
        guard !path.isEmpty else {
            throw CredentialError.missingField(source: "AssumeRoleWithOIDC", field: "OIDC token file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CredentialError.unreadableFile(path: path, reason: FileReading.reason(error))
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw CredentialError.malformedFile(path: path, reason: "the OIDC token file is empty")
        }
        return token
    }
}
