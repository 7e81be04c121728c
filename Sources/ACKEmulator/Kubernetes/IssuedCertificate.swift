public import X509

/// A certificate issued by ``EmulatorCertificateAuthority`` with its private key. The description never shows
/// the key.
public struct IssuedCertificate: Sendable, CustomStringConvertible {
    public let certificate: Certificate
    public let certificatePEM: String
    public let privateKeyPEM: String

    public var description: String {
        "certificate for \(certificate.subject) valid until \(certificate.notValidAfter) (key redacted)"
    }
}
