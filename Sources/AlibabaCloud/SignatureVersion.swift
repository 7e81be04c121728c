/// Which request signature the CS client sends.
public enum SignatureVersion: String, Sendable, CaseIterable {
    /// `ACS3-HMAC-SHA256` (what current SDKs send).
    case v3
    /// The legacy ROA `acs AK:SIG` HMAC-SHA1 signature.
    case roa
}
