import AlibabaCloudSigning
public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The RAM role attached to an ECS instance, from the instance metadata service (IMDS): an IMDSv2 session token
/// (`PUT /latest/api/token`), falling back to IMDSv1 unless `ALIBABA_CLOUD_IMDSV1_DISABLED=true`; the role name
/// given, or `ALIBABA_CLOUD_ECS_METADATA`, or discovered from `/latest/meta-data/ram/security-credentials/`.
/// Every request has a 1 second deadline. The credential is cached and refreshed before it expires.
public struct ECSMetadataCredentialProvider: CredentialProvider {
    public var name: String { "ecs_ram_role" }
    private let cache: CachingCredentialProvider

    /// - Parameter roleName: `nil` or empty means `ALIBABA_CLOUD_ECS_METADATA`, else the role is discovered.
    public init(roleName: String? = nil, environment: CredentialEnvironment, httpClient: HTTPClient) {
        let metadata = InstanceMetadata(
            http: CredentialHTTP(client: httpClient), endpoint: environment.metadataEndpoint,
            roleName: roleName.flatMap { $0.isEmpty ? nil : $0 } ?? environment.value(EnvironmentVariable.ecsMetadata),
            imdsV1Disabled: environment.flag(EnvironmentVariable.imdsV1Disabled),
            sandboxed: environment.isSandboxed,
            timeout: .nanoseconds(
                environment.metadataTimeout.components.seconds * 1_000_000_000
                    + environment.metadataTimeout.components.attoseconds / 1_000_000_000))
        self.cache = CachingCredentialProvider(base: metadata, now: environment.now)
    }

    public func credential() async throws -> ACSCredential {
        try await cache.credential()
    }
}

/// One uncached read of the instance's role credential.
private struct InstanceMetadata: CredentialProvider {
    static let source = "ECS metadata"
    static let tokenPath = "/latest/api/token"
    static let credentialsPath = "/latest/meta-data/ram/security-credentials/"
    static let tokenTTLHeader = "X-aliyun-ecs-metadata-token-ttl-seconds"
    static let tokenHeader = "X-aliyun-ecs-metadata-token"

    var name: String { "ecs_ram_role" }
    let http: CredentialHTTP
    let endpoint: URL
    let roleName: String?
    let imdsV1Disabled: Bool
    /// Tests and scripts (`ACKGUARD_NO_METADATA_PROBE`): only a loopback metadata endpoint may be contacted.
    let sandboxed: Bool
    let timeout: TimeAmount

    private var base: String {
        var text = endpoint.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    func credential() async throws -> ACSCredential {
        if sandboxed, !Self.isLoopback(endpoint) {
            throw CredentialError.unreachable(
                source: Self.source, endpoint: base,
                reason: "not contacted: \(EnvironmentVariable.noMetadataProbe) is set (tests never leave this machine)")
        }
        let token = try await sessionToken()
        let role: String
        if let roleName {
            role = roleName
        } else {
            let body: String
            do {
                body = try await get(Self.credentialsPath, token: token)
            } catch CredentialError.httpStatus(_, let endpoint, 404) {
                throw CredentialError.noInstanceRole(endpoint: endpoint)
            }
            guard let first = body.split(whereSeparator: \.isNewline).first.map(String.init),
                !first.trimmingCharacters(in: .whitespaces).isEmpty
            else {
                throw CredentialError.noInstanceRole(endpoint: base + Self.credentialsPath)
            }
            role = first.trimmingCharacters(in: .whitespaces)
        }
        let path = Self.credentialsPath + PercentEncoding.rfc3986(role)
        let body = try await get(path, token: token)
        guard let object = STSClient.jsonObject(body) else {
            throw CredentialError.invalidResponse(
                source: Self.source, endpoint: base + path, reason: "body is not a JSON object")
        }
        guard object["Code"] as? String == "Success" else {
            let code = (object["Code"] as? String).map { Redaction.clean($0, secrets: []) } ?? "none"
            throw CredentialError.invalidResponse(
                source: Self.source, endpoint: base + path, reason: "'Code' is \(code), not Success")
        }
        return try STSClient.credential(
            from: object, source: Self.source, endpoint: base + path, providerName: "ecs_ram_role")
    }

    static func isLoopback(_ url: URL) -> Bool {
        guard let host = url.host?.lowercased() else { return false }
        return host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }

    /// The IMDSv2 token, or `nil` to use IMDSv1. A service that cannot be reached at all is reported as
    /// unreachable at once (IMDSv1 on the same host would not answer either); one that refuses the token request
    /// falls back to IMDSv1 unless that is disabled.
    private func sessionToken() async throws -> String? {
        let url = base + Self.tokenPath
        let response = try await http.send(
            .PUT, url: url, headers: [(Self.tokenTTLHeader, "21600")], timeout: timeout, source: Self.source)
        let token = response.body.trimmingCharacters(in: .whitespacesAndNewlines)
        if response.status == 200, !token.isEmpty {
            return token
        }
        guard !imdsV1Disabled else {
            let reason = response.status == 200 ? "empty token" : "HTTP \(response.status)"
            throw CredentialError.metadataTokenUnavailable(endpoint: url, reason: reason)
        }
        return nil
    }

    /// GETs a metadata path, with the token when there is one; a failure with a token is retried without it
    /// unless IMDSv1 is disabled (as the official SDK does).
    private func get(_ path: String, token: String?) async throws -> String {
        let url = base + path
        let headers = token.map { [(Self.tokenHeader, $0)] } ?? []
        let response = try await http.send(.GET, url: url, headers: headers, timeout: timeout, source: Self.source)
        if response.status == 200 {
            return response.body
        }
        if token != nil, !imdsV1Disabled {
            return try await get(path, token: nil)
        }
        throw CredentialError.httpStatus(source: Self.source, endpoint: url, status: response.status)
    }
}
