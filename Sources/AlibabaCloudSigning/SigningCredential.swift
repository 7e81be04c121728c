/// The key material a signer needs: an AccessKey pair and, for STS credentials, a security token.
///
/// `description` never shows the secret or the token, so a credential can be logged or interpolated into an
/// error without leaking them.
public struct SigningCredential: Sendable, CustomStringConvertible {
    public let accessKeyId: String
    public let accessKeySecret: String
    public let securityToken: String?

    public init(accessKeyId: String, accessKeySecret: String, securityToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.accessKeySecret = accessKeySecret
        self.securityToken = securityToken
    }

    public var description: String {
        let token = securityToken == nil ? "none" : "<redacted>"
        return "SigningCredential(accessKeyId: \(accessKeyId), accessKeySecret: <redacted>, securityToken: \(token))"
    }
}
