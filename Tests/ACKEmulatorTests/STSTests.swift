import ACKEmulator
import AlibabaCloudSigning
import AsyncHTTPClient
import Audit
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

@Suite("STS AssumeRole")
struct STSTests {
    static let roleArn = "acs:ram::5000000000000001:role/ackguard-auditor"

    func assumeRole(
        _ emulator: Emulator,
        parameters extra: [String: String] = [:],
        path: String = "/",
        method: String = "GET",
        secret: String? = nil,
        date: Date = Date()
    ) async throws -> CSTestClient.Reply {
        var parameters = [
            "Action": "AssumeRole", "Format": "JSON", "Version": "2015-04-01", "RoleArn": Self.roleArn,
            "RoleSessionName": "ackguard-tests", "DurationSeconds": "3600",
        ]
        parameters.merge(extra) { _, new in new }
        let key = emulator.accessKeys[0]
        RPCSigner.sign(
            method: method, parameters: &parameters,
            credential: SigningCredential(accessKeyId: key.id, accessKeySecret: secret ?? key.secret), date: date,
            nonce: UUID().uuidString)
        let encoded = parameters.keys.sorted().map {
            "\(PercentEncoding.rfc3986($0))=\(PercentEncoding.rfc3986(parameters[$0] ?? ""))"
        }.joined(separator: "&")
        var request: HTTPClientRequest
        if method == "POST" {
            request = HTTPClientRequest(url: emulator.endpoint.absoluteString + path)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: encoded))
        } else {
            request = HTTPClientRequest(url: emulator.endpoint.absoluteString + path + "?" + encoded)
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))
        return CSTestClient.Reply(status: Int(response.status.code), json: json, headers: response.headers)
    }

    @Test("AssumeRole issues an STS key whose token is checked on later calls", arguments: ["GET", "POST"])
    func assumeRoleThenCall(method: String) async throws {
        try await withEmulatorServer { emulator in
            let reply = try await assumeRole(emulator, path: method == "POST" ? "/sts" : "/", method: method)
            #expect(reply.status == 200)
            let credentials = try #require(reply.json?["Credentials"])
            let id = try #require(credentials["AccessKeyId"]?.stringValue)
            let secret = try #require(credentials["AccessKeySecret"]?.stringValue)
            let token = try #require(credentials["SecurityToken"]?.stringValue)
            #expect(id.hasPrefix("STS."))
            #expect(credentials["Expiration"]?.stringValue?.hasSuffix("Z") == true)
            #expect(reply.json?["AssumedRoleUser"]?["Arn"] == .string(Self.roleArn + "/ackguard-tests"))
            #expect(reply.json?["RequestId"]?.stringValue != nil)

            for algorithm in [CSTestClient.Algorithm.v3, .roa] {
                let client = CSTestClient(
                    endpoint: emulator.endpoint,
                    credential: SigningCredential(accessKeyId: id, accessKeySecret: secret, securityToken: token),
                    algorithm: algorithm)
                let listing = try await client.call("GET", "/api/v1/clusters")
                #expect(listing.status == 200)

                var withoutToken = client.signed("GET", "/regions", action: "DescribeRegions")
                withoutToken.headers["x-acs-security-token"] = nil
                withoutToken.headers["x-acs-accesskey-id"] = nil
                let resignedCredential = SigningCredential(accessKeyId: id, accessKeySecret: secret)
                switch algorithm {
                case .v3:
                    ACS3Signer.sign(
                        &withoutToken, credential: resignedCredential, date: Date(), nonce: UUID().uuidString)
                case .roa:
                    ROASigner.sign(
                        &withoutToken, credential: resignedCredential, date: Date(), nonce: UUID().uuidString)
                }
                #expect(try await client.send(withoutToken).code == "InvalidSecurityToken.Malformed")

                let forged = CSTestClient(
                    endpoint: emulator.endpoint,
                    credential: SigningCredential(accessKeyId: id, accessKeySecret: secret, securityToken: token + "x"),
                    algorithm: algorithm)
                #expect(
                    try await forged.call("GET", "/regions", action: "DescribeRegions").code?.hasPrefix(
                        "InvalidSecurityToken") == true)
            }
        }
    }

    @Test("an STS token stops working once it expires")
    func expiry() async throws {
        let clock = TestClock(Date())
        var configuration = EmulatorConfiguration.demo()
        configuration.clock = clock.function
        try await withEmulatorServer(configuration) { emulator in
            let reply = try await assumeRole(emulator, parameters: ["DurationSeconds": "900"], date: clock.now)
            let credentials = try #require(reply.json?["Credentials"])
            var client = CSTestClient(
                endpoint: emulator.endpoint,
                credential: SigningCredential(
                    accessKeyId: try #require(credentials["AccessKeyId"]?.stringValue),
                    accessKeySecret: try #require(credentials["AccessKeySecret"]?.stringValue),
                    securityToken: try #require(credentials["SecurityToken"]?.stringValue)))
            client.clock = clock.function
            #expect(try await client.call("GET", "/regions", action: "DescribeRegions").status == 200)
            clock.advance(by: 901)
            let expired = try await client.call("GET", "/regions", action: "DescribeRegions")
            #expect(expired.status == 400)
            #expect(expired.code == "InvalidSecurityToken.Expired")
        }
    }

    @Test("AssumeRole checks its RPC signature, parameters, time stamp and nonce")
    func rejections() async throws {
        try await withEmulatorServer { (emulator: Emulator) async throws in
            #expect(try await assumeRole(emulator, secret: "wrong").code == "SignatureDoesNotMatch")
            #expect(
                try await assumeRole(emulator, parameters: ["RoleArn": "arn:aws:iam::1:role/x"]).code
                    == "InvalidParameter.RoleArn")
            #expect(
                try await assumeRole(emulator, parameters: ["DurationSeconds": "600"]).code
                    == "InvalidParameter.DurationSeconds")
            #expect(
                try await assumeRole(emulator, parameters: ["RoleSessionName": "bad name!"]).code
                    == "InvalidParameter.RoleSessionName")
            #expect(
                try await assumeRole(emulator, date: Date().addingTimeInterval(-3_600)).code
                    == "InvalidTimeStamp.Expired")
        }
    }
}
