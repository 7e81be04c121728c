import AlibabaCloudSigning
public import AsyncHTTPClient
import Foundation

/// Assumes a RAM role with STS `AssumeRole` (an RPC-signed GET), using the credential of `base` to sign; the
/// temporary credential is cached and refreshed before it expires. Used for `--role-arn` and for the `RamRoleArn`
/// / `ChainableRamRoleArn` / `ram_role_arn` profiles.
public struct RAMRoleARNCredentialProvider: CredentialProvider {
    public var name: String { "ram_role_arn" }
    private let cache: CachingCredentialProvider

    /// - Parameters:
    ///   - sessionName: `RoleSessionName`; `nil` means `ALIBABA_CLOUD_ROLE_SESSION_NAME`, else
    ///     `ackguard-<unix time>`.
    ///   - durationSeconds: 900 up to the role's maximum session duration (at most 43200).
    ///   - environment: supplies the clock and the STS endpoint (`stsEndpoint`, else `ALIBABA_CLOUD_STS_REGION` /
    ///     `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED`, else `https://sts.aliyuncs.com`).
    public init(
        base: any CredentialProvider,
        roleArn: String,
        sessionName: String?,
        durationSeconds: Int = 3600,
        policy: String? = nil,
        externalId: String? = nil,
        environment: CredentialEnvironment,
        httpClient: HTTPClient
    ) {
        self.init(
            base: base, roleArn: roleArn, sessionName: sessionName, durationSeconds: durationSeconds,
            policy: policy, externalId: externalId, stsEndpoint: environment.stsEndpoint(),
            environment: environment, httpClient: httpClient)
    }

    init(
        base: any CredentialProvider,
        roleArn: String,
        sessionName: String?,
        durationSeconds: Int,
        policy: String?,
        externalId: String?,
        stsEndpoint: URL,
        environment: CredentialEnvironment,
        httpClient: HTTPClient
    ) {
        let assumeRole = AssumeRole(
            base: base, roleArn: roleArn,
            sessionName: sessionName.flatMap { $0.isEmpty ? nil : $0 }
                ?? environment.value(EnvironmentVariable.roleSessionName),
            durationSeconds: durationSeconds, policy: policy, externalId: externalId,
            sts: STSClient(http: CredentialHTTP(client: httpClient), endpoint: stsEndpoint), now: environment.now)
        self.cache = CachingCredentialProvider(base: assumeRole, now: environment.now)
    }

    public func credential() async throws -> ACSCredential {
        try await cache.credential()
    }
}

/// One uncached `AssumeRole` call.
private struct AssumeRole: CredentialProvider {
    var name: String { "ram_role_arn" }
    let base: any CredentialProvider
    let roleArn: String
    let sessionName: String?
    let durationSeconds: Int
    let policy: String?
    let externalId: String?
    let sts: STSClient
    let now: @Sendable () -> Date

    func credential() async throws -> ACSCredential {
        let source = "AssumeRole"
        try STSParameters.validate(
            roleArn: roleArn, durationSeconds: durationSeconds, sessionName: sessionName, source: source)
        let date = now()
        var parameters: [String: String] = [
            "Action": "AssumeRole",
            "Format": "JSON",
            "Version": STSClient.version,
            "DurationSeconds": String(durationSeconds),
            "RoleArn": roleArn,
            "RoleSessionName": sessionName ?? STSParameters.defaultSessionName(date),
        ]
        if let policy, !policy.isEmpty { parameters["Policy"] = policy }
        if let externalId, !externalId.isEmpty { parameters["ExternalId"] = externalId }
        let baseCredential = try await base.credential()
        RPCSigner.sign(
            method: "GET", parameters: &parameters, credential: baseCredential.signingCredential, date: date,
            nonce: UUID().uuidString)
        return try await sts.call(
            action: "AssumeRole", parameters: parameters,
            secrets: [baseCredential.accessKeySecret, baseCredential.securityToken ?? ""],
            providerName: "ram_role_arn/\(baseCredential.providerName)")
    }
}
