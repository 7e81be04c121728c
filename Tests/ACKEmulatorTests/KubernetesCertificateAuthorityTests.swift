import Foundation
import SwiftASN1
import Testing
import X509

@testable import ACKEmulator

@Suite("Emulator certificate authority and kubeconfigs")
struct KubernetesCertificateAuthorityTests {
    let now = Date(timeIntervalSince1970: 1_750_000_000)

    func der(_ issued: IssuedCertificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(issued.certificate)
        return serializer.serializedBytes
    }

    @Test("a client certificate authenticates for its own cluster only, and only while valid")
    func clientCertificates() throws {
        let authority = try EmulatorCertificateAuthority(commonName: "test-ca", now: now)
        let issued = try authority.issueClientCertificate(
            clusterId: "c1", userName: "272848211234", notValidBefore: now - 60, notValidAfter: now + 3_600)
        let bytes = try der(issued)
        #expect(
            authority.authenticate(certificateDER: bytes, clusterId: "c1", now: now)
                == .authenticated(user: "272848211234", groups: ["system:users"]))
        #expect(
            authority.authenticate(certificateDER: bytes, clusterId: "c2", now: now)
                == .rejected("the client certificate is for another cluster"))
        #expect(
            authority.authenticate(certificateDER: bytes, clusterId: "c1", now: now + 7_200)
                == .rejected("the client certificate has expired"))
        #expect(
            authority.authenticate(certificateDER: bytes, clusterId: "c1", now: now - 3_600)
                == .rejected("the client certificate is not yet valid"))
        let stranger = try EmulatorCertificateAuthority(commonName: "test-ca", now: now)
        #expect(
            stranger.authenticate(certificateDER: bytes, clusterId: "c1", now: now)
                == .rejected("the client certificate is not signed by the emulator CA"))
        #expect(!issued.description.contains("PRIVATE KEY"))
    }

    @Test("a server certificate is not a client certificate")
    func serverCertificateRefusedAsClient() throws {
        let authority = try EmulatorCertificateAuthority(commonName: "test-ca", now: now)
        let server = try authority.issueServerCertificate(notValidBefore: now - 60, notValidAfter: now + 60)
        let result = authority.authenticate(certificateDER: try der(server), clusterId: "c1", now: now)
        #expect(result == .rejected("the certificate is not for client authentication"))
        let names = try #require(try server.certificate.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("localhost")))
        #expect(names.contains(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))))
    }

    @Test("the kubeconfig carries the server, the CA and a client certificate bound to the cluster")
    func kubeconfig() throws {
        let authority = try EmulatorCertificateAuthority(commonName: "test-ca", now: now)
        let yaml = try EmulatorKubeconfig.make(
            clusterId: "c42", clusterName: "prod", server: "https://127.0.0.1:8443/clusters/c42",
            authority: authority, userName: "272848211234", notValidBefore: now - 60, expiration: now + 3_600)
        #expect(yaml.contains("server: \"https://127.0.0.1:8443/clusters/c42\""))
        #expect(yaml.contains("current-context: \"272848211234-c42\""))
        #expect(
            yaml.contains("certificate-authority-data: \(Data(authority.caCertificatePEM.utf8).base64EncodedString())"))
        let line = try #require(yaml.split(separator: "\n").first { $0.contains("client-certificate-data:") })
        let encoded = try #require(line.split(separator: ":").last).trimmingCharacters(in: .whitespaces)
        let pem = try #require(Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) })
        let certificate = try Certificate(pemEncoded: pem)
        #expect(certificate.notValidAfter == now + 3_600)
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        #expect(
            authority.authenticate(certificateDER: serializer.serializedBytes, clusterId: "c42", now: now)
                == .authenticated(user: "272848211234", groups: ["system:users"]))
    }

    @Test("YAML quoting escapes what would break the document")
    func quoting() {
        #expect(EmulatorKubeconfig.quoted("a\"b\\c\nd") == #""a\"b\\c\nd""#)
    }
}
