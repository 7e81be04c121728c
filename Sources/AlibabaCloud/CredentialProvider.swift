public import AlibabaCloudSigning
public import Foundation

/// Credentials as the transport uses them: an AccessKey pair, an optional STS token and where they came from.
///
/// `description` names the provider and the AccessKey id only; the secret and the token never appear.
public struct ACSCredential: Sendable, CustomStringConvertible {
    public var accessKeyId: String
    public var accessKeySecret: String
    public var securityToken: String?
    /// When temporary credentials stop working; `nil` for long-lived AccessKeys.
    public var expiration: Date?
    /// The source, e.g. "static_ak", "env", "ecs_ram_role".
    public var providerName: String

    public init(
        accessKeyId: String,
        accessKeySecret: String,
        securityToken: String? = nil,
        expiration: Date? = nil,
        providerName: String
    ) {
        self.accessKeyId = accessKeyId
        self.accessKeySecret = accessKeySecret
        self.securityToken = securityToken
        self.expiration = expiration
        self.providerName = providerName
    }

    public var signingCredential: SigningCredential {
        SigningCredential(accessKeyId: accessKeyId, accessKeySecret: accessKeySecret, securityToken: securityToken)
    }

    public var description: String {
        var text = "ACSCredential(provider: \(providerName), accessKeyId: \(accessKeyId), accessKeySecret: <redacted>"
        text += securityToken == nil ? "" : ", securityToken: <redacted>"
        if let expiration { text += ", expiration: \(expiration)" }
        return text + ")"
    }
}

/// A source of credentials. The transport asks before every attempt, so providers that rotate credentials are
/// expected to cache and refresh them themselves.
public protocol CredentialProvider: Sendable {
    var name: String { get }
    func credential() async throws -> ACSCredential
}
