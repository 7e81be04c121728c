import Crypto
public import Foundation
import SwiftASN1
public import X509

/// The emulator's certificate authority: a P-256 CA created at start-up that issues the Kubernetes API server's
/// certificate and the per-cluster client certificates embedded in kubeconfigs, and checks client certificates.
///
/// A client certificate is bound to one cluster: its subject carries the cluster id as the organizational unit
/// (and a SAN URI `ackguard-emulator://clusters/<id>`), like an ACK kubeconfig only works for its own cluster.
public final class EmulatorCertificateAuthority: Sendable {
    /// The CA certificate.
    public let certificate: Certificate
    /// The CA certificate as PEM (what goes into `certificate-authority-data`).
    public let caCertificatePEM: String
    private let privateKey: Certificate.PrivateKey

    /// A fresh CA valid from an hour ago for ten years.
    public convenience init() throws {
        try self.init(commonName: "ackguard-emulator-ca", now: Date())
    }

    /// A fresh CA named `commonName`, valid from an hour before `now` for ten years.
    public init(commonName: String, now: Date) throws {
        let key = P256.Signing.PrivateKey()
        let privateKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName {
            OrganizationName("ackguard emulator")
            CommonName(commonName)
        }
        let publicKey = Certificate.PublicKey(key.publicKey)
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-3_600), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: privateKey)
        self.certificate = certificate
        self.privateKey = privateKey
        self.caCertificatePEM = try certificate.serializeAsPEM().pemString
    }

    /// A server certificate for the given names (defaults: `localhost`, `127.0.0.1`, `::1`).
    public func issueServerCertificate(
        commonName: String = "kube-apiserver", dnsNames: [String] = ["localhost"],
        ipAddresses: [[UInt8]] = [[127, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
        notValidBefore: Date, notValidAfter: Date
    ) throws -> IssuedCertificate {
        let names =
            dnsNames.map { GeneralName.dnsName($0) }
            + ipAddresses.map { GeneralName.ipAddress(ASN1OctetString(contentBytes: ArraySlice($0))) }
        let subject = try DistinguishedName { CommonName(commonName) }
        return try issue(
            subject: subject, notValidBefore: notValidBefore, notValidAfter: notValidAfter,
            usage: try ExtendedKeyUsage([.serverAuth]), alternativeNames: names)
    }

    /// A client certificate for `userName` that only the emulated cluster `clusterId` accepts.
    public func issueClientCertificate(
        clusterId: String, userName: String, groups: [String] = ["system:users"], notValidBefore: Date,
        notValidAfter: Date
    ) throws -> IssuedCertificate {
        let subject = try DistinguishedName {
            for group in groups { OrganizationName(group) }
            OrganizationalUnitName(clusterId)
            CommonName(userName)
        }
        return try issue(
            subject: subject, notValidBefore: notValidBefore, notValidAfter: notValidAfter,
            usage: try ExtendedKeyUsage([.clientAuth]),
            alternativeNames: [.uniformResourceIdentifier(Self.clusterURI(clusterId))])
    }

    /// Checks a client certificate (DER) presented for `clusterId` at `now`: issued by this CA, within its
    /// validity period, for client authentication, and bound to that cluster.
    public func authenticate(certificateDER: [UInt8], clusterId: String, now: Date) -> ClientAuthentication {
        let presented: Certificate
        do {
            presented = try Certificate(derEncoded: certificateDER)
        } catch {
            return .rejected("the client certificate cannot be parsed")
        }
        guard presented.issuer == certificate.subject,
            certificate.publicKey.isValidSignature(presented.signature, for: presented)
        else {
            return .rejected("the client certificate is not signed by the emulator CA")
        }
        guard presented.notValidBefore <= now else { return .rejected("the client certificate is not yet valid") }
        guard now <= presented.notValidAfter else { return .rejected("the client certificate has expired") }
        do {
            if let usage = try presented.extensions.extendedKeyUsage, !usage.contains(.clientAuth) {
                return .rejected("the certificate is not for client authentication")
            }
        } catch {
            return .rejected("the client certificate's extended key usage cannot be parsed")
        }
        var units: [String] = []
        var organizations: [String] = []
        var commonName: String?
        for relativeName in presented.subject {
            for attribute in relativeName {
                let text = String(describing: attribute.value)
                switch attribute.type {
                case .RDNAttributeType.organizationalUnitName: units.append(text)
                case .RDNAttributeType.organizationName: organizations.append(text)
                case .RDNAttributeType.commonName: commonName = text
                default: break
                }
            }
        }
        guard units.contains(clusterId) else {
            return .rejected("the client certificate is for another cluster")
        }
        guard let commonName, !commonName.isEmpty else { return .rejected("the client certificate has no user") }
        return .authenticated(user: commonName, groups: organizations)
    }

    /// The SAN URI that binds a client certificate to a cluster.
    public static func clusterURI(_ clusterId: String) -> String {
        "ackguard-emulator://clusters/" + clusterId
    }

    private func issue(
        subject: DistinguishedName, notValidBefore: Date, notValidAfter: Date, usage: ExtendedKeyUsage,
        alternativeNames: [GeneralName]
    ) throws -> IssuedCertificate {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let authorityKeyIdentifier = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        let issued = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: notValidBefore, notValidAfter: notValidAfter, issuer: certificate.subject,
            subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                usage
                SubjectKeyIdentifier(hash: publicKey)
                if let authorityKeyIdentifier {
                    AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier)
                }
                if !alternativeNames.isEmpty {
                    SubjectAlternativeNames(alternativeNames)
                }
            },
            issuerPrivateKey: privateKey)
        return IssuedCertificate(
            certificate: issued, certificatePEM: try issued.serializeAsPEM().pemString,
            privateKeyPEM: key.pemRepresentation)
    }
}
