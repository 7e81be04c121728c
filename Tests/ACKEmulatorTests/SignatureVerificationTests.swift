import ACKEmulator
import AlibabaCloudSigning
import Audit
import Foundation
import TestSupport
import Testing

@Suite("Signature verification")
struct SignatureVerificationTests {
    @Test("correctly signed V3 and ROA requests are accepted", arguments: [CSTestClient.Algorithm.v3, .roa])
    func accepted(algorithm: CSTestClient.Algorithm) async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator, algorithm: algorithm)
            let reply = try await client.call(
                "GET", "/api/v1/clusters", query: ["name": "测试 集群*~/+", "page_size": "5"])
            #expect(reply.status == 200)
            #expect(reply.json?["page_info"]?["total_count"] == 0)
            let cluster = try #require(emulator.fleet.first(.configMapFalse))
            let post = try await client.call(
                "POST", "/clusters/\(cluster.id)/components/terway-eniip/config",
                body: ["config": #"{"NetworkPolicy":"true"}"#], action: "ModifyClusterAddon")
            #expect(post.status == 200)
        }
    }

    @Test(
        "a tampered request fails with SignatureDoesNotMatch",
        arguments: [CSTestClient.Algorithm.v3, .roa], ["query", "path", "header", "secret", "method"])
    func tampered(algorithm: CSTestClient.Algorithm, part: String) async throws {
        try await withEmulatorServer { emulator in
            var client = CSTestClient(emulator, algorithm: algorithm)
            if part == "secret" {
                client.credential = SigningCredential(
                    accessKeyId: client.credential.accessKeyId, accessKeySecret: "not-the-secret")
            }
            let path = part == "method" ? "/clusters" : "/api/v1/clusters"
            var request = client.signed("GET", path, query: ["page_size": "5"])
            switch part {
            case "query": request.query["page_size"] = "6"
            case "path": request.pathname = "/clusters"
            case "header": request.headers["x-acs-action"] = "DescribeClusters"
            case "method": request.method = "POST"
            default: break
            }
            let reply = try await client.send(request)
            #expect(reply.status == 400)
            #expect(reply.code == "SignatureDoesNotMatch")
            #expect(reply.json?["Message"]?.stringValue?.contains("server string to sign is:") == true)
            #expect(
                Set(reply.json?.objectValue?.keys ?? [:].keys) == [
                    "RequestId", "HostId", "Code", "Message", "Recommend",
                ])
        }
    }

    @Test("a tampered body fails: V3 through x-acs-content-sha256, ROA through Content-MD5")
    func tamperedBody() async throws {
        try await withEmulatorServer { emulator in
            let cluster = try #require(emulator.fleet.first(.configMapFalse))
            let path = "/clusters/\(cluster.id)/components/terway-eniip/config"
            let client = CSTestClient(emulator)
            var request = client.signed(
                "POST", path, body: ["config": #"{"NetworkPolicy":"true"}"#], action: "ModifyClusterAddon")
            request.body = Array(#"{"config":"{\"NetworkPolicy\":\"false\"}"}"#.utf8)
            let reply = try await client.send(request)
            #expect(reply.status == 400)
            #expect(reply.code == "SignatureDoesNotMatch")
            #expect(reply.json?["Message"]?.stringValue?.contains("x-acs-content-sha256") == true)

            let roa = CSTestClient(emulator, algorithm: .roa)
            var signedWithMD5 = SigningRequest(
                method: "POST", pathname: path,
                headers: [
                    "host": roa.host, "accept": "application/json", "content-type": "application/json",
                    "content-md5": "W/7qSrYDVcy3hhbiUVzIxg==", "x-acs-version": "2015-12-15",
                ],
                body: Array(#"{"config":"{}"}"#.utf8))
            ROASigner.sign(&signedWithMD5, credential: roa.credential, date: Date(), nonce: UUID().uuidString)
            let md5Reply = try await roa.send(signedWithMD5)
            #expect(md5Reply.code == "SignatureDoesNotMatch")
            #expect(md5Reply.json?["Message"]?.stringValue?.contains("Content-MD5") == true)
        }
    }

    @Test("a replayed nonce is rejected with SignatureNonceUsed", arguments: [CSTestClient.Algorithm.v3, .roa])
    func replay(algorithm: CSTestClient.Algorithm) async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator, algorithm: algorithm)
            let request = client.signed("GET", "/regions", action: "DescribeRegions")
            let first = try await client.send(request)
            #expect(first.status == 200)
            let second = try await client.send(request)
            #expect(second.status == 400)
            #expect(second.code == "SignatureNonceUsed")
        }
    }

    @Test("ROA: the same signed request three times is answered once, then SignatureNonceUsed (issue 14 item 8)")
    func roaReplayedThreeTimes() async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator, algorithm: .roa)
            let request = client.signed("GET", "/api/v1/clusters", query: ["page_size": "5"])
            #expect(request.headers["x-acs-signature-nonce"]?.isEmpty == false)
            var answers: [(Int, String?)] = []
            for _ in 0..<3 {
                let reply = try await client.send(request)
                answers.append((reply.status, reply.code))
            }
            #expect(answers.map(\.0) == [200, 400, 400])
            #expect(answers.dropFirst().allSatisfy { $0.1 == "SignatureNonceUsed" })
            // A fresh nonce (what the client sends on every attempt) is accepted again.
            #expect(
                try await client.send(client.signed("GET", "/api/v1/clusters", query: ["page_size": "5"])).status == 200
            )
        }
    }

    @Test("ROA: a correctly signed request without x-acs-signature-nonce is MissingSignatureNonce, as on V3")
    func roaMissingNonce() async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator, algorithm: .roa)
            var request = client.signed("GET", "/api/v1/clusters", query: ["page_size": "5"])
            request.headers["x-acs-signature-nonce"] = nil
            request.headers["authorization"] = nil
            // Signed again without the nonce, so the signature itself is valid and only the nonce is missing.
            let signature = ROASigner.signature(request, secret: client.credential.accessKeySecret)
            request.headers["authorization"] = "acs \(client.credential.accessKeyId):\(signature)"
            #expect(ROASigner.parseAuthorization(request.headers["authorization"] ?? "") != nil)
            for _ in 0..<2 {
                let reply = try await client.send(request)
                #expect(reply.status == 400)
                #expect(reply.code == "MissingSignatureNonce")
            }
            var empty = request
            empty.headers["x-acs-signature-nonce"] = ""
            #expect(try await client.send(empty).code == "MissingSignatureNonce")
        }
    }

    @Test("a date more than 15 minutes off is rejected", arguments: [CSTestClient.Algorithm.v3, .roa])
    func staleDate(algorithm: CSTestClient.Algorithm) async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator, algorithm: algorithm)
            for offset in [-16.0 * 60, 16.0 * 60] {
                let reply = try await client.send(
                    client.signed("GET", "/regions", action: "DescribeRegions", date: Date().addingTimeInterval(offset))
                )
                #expect(reply.status == 400)
                #expect(reply.code == "InvalidTimeStamp.Expired")
            }
            let recent = try await client.send(
                client.signed("GET", "/regions", action: "DescribeRegions", date: Date().addingTimeInterval(-10 * 60)))
            #expect(recent.status == 200)
        }
    }

    @Test("unknown keys, missing or foreign authorization, unsigned common headers")
    func otherRejections() async throws {
        try await withEmulatorServer { emulator in
            var client = CSTestClient(emulator)
            let none = try await client.unsigned("/api/v1/clusters")
            #expect(none.status == 400)
            #expect(none.code == "IncompleteSignature")
            var bearer = client.signed("GET", "/regions", action: "DescribeRegions")
            bearer.headers["authorization"] = "Bearer abc"
            #expect(try await client.send(bearer).code == "IncompleteSignature")

            var partial = client.signed("GET", "/regions", action: "DescribeRegions")
            let signature = try #require(ACS3Signer.parseAuthorization(partial.headers["authorization"] ?? ""))
            let fewer = signature.signedHeaders.filter { $0 != "x-acs-signature-nonce" }
            let resigned = ACS3Signer.signature(
                partial, secret: client.credential.accessKeySecret, signedHeaders: fewer)
            partial.headers["authorization"] = ACS3Signer.authorization(
                accessKeyId: client.credential.accessKeyId, signedHeaders: fewer, signature: resigned)
            let unsigned = try await client.send(partial)
            #expect(unsigned.code == "IncompleteSignature")
            #expect(unsigned.json?["Message"]?.stringValue?.contains("x-acs-signature-nonce") == true)

            var noNonce = client.signed("GET", "/regions", action: "DescribeRegions")
            noNonce.headers["x-acs-signature-nonce"] = nil
            #expect(try await client.send(noNonce).code == "MissingSignatureNonce")

            var badDate = client.signed("GET", "/regions", action: "DescribeRegions")
            badDate.headers["x-acs-date"] = "yesterday"
            #expect(try await client.send(badDate).code == "InvalidTimeStamp.Format")

            client.credential = SigningCredential(accessKeyId: "no-such-key", accessKeySecret: "whatever")
            let unknown = try await client.call("GET", "/regions", action: "DescribeRegions")
            #expect(unknown.status == 404)
            #expect(unknown.code == "InvalidAccessKeyId.NotFound")
        }
    }

    @Test("configured access keys replace the demo key")
    func configuredKeys() async throws {
        var configuration = EmulatorConfiguration.demo()
        configuration.accessKeys = [EmulatorAccessKey(id: "first-key", secret: "first-secret")]
        try await withEmulatorServer(configuration) { (emulator: Emulator) async throws in
            #expect(emulator.accessKeys.map(\.id) == ["first-key"])
            let client = CSTestClient(emulator)
            #expect(try await client.call("GET", "/regions", action: "DescribeRegions").status == 200)
            var demo = client
            demo.credential = SigningCredential(
                accessKeyId: EmulatorAccessKey.demo.id, accessKeySecret: EmulatorAccessKey.demo.secret)
            #expect(
                try await demo.call("GET", "/regions", action: "DescribeRegions").code == "InvalidAccessKeyId.NotFound")
        }
        #expect(EmulatorAccessKey(parsing: "id:se:cret") == EmulatorAccessKey(id: "id", secret: "se:cret"))
        #expect(EmulatorAccessKey(parsing: "nocolon") == nil)
        #expect(!"\(EmulatorAccessKey.demo)".contains(EmulatorAccessKey.demo.secret))
    }
}
