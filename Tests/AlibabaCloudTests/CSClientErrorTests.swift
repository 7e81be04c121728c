import AlibabaCloud
import Foundation
import Testing

@Suite("CS error parsing")
struct CSClientErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let reply: FakeReply
        let code: String
        let messageContains: String
        let requestId: String?
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(
            label: "camelCase CS error",
            reply: .json(
                #"{"code":"ErrorClusterNotFound","message":"cluster c1 not found","requestId":"r-1","status":404}"#,
                status: 404),
            code: "ErrorClusterNotFound", messageContains: "cluster c1 not found", requestId: "r-1"),
        Case(
            label: "PascalCase gateway error",
            reply: .json(
                #"{"RequestId":"R-2","HostId":"cs.aliyuncs.com","Code":"Forbidden.RAM","Message":"no permission"}"#,
                status: 403),
            code: "Forbidden.RAM", messageContains: "no permission", requestId: "R-2"),
        Case(
            label: "request id from header",
            reply: .json(
                #"{"code":"InvalidParameter","message":"bad"}"#, status: 400, headers: ["x-acs-request-id": "H-3"]),
            code: "InvalidParameter", messageContains: "bad", requestId: "H-3"),
        Case(
            label: "non-JSON body",
            reply: FakeReply(
                status: 502, body: "<html><body>Bad Gateway</body></html>", headers: ["content-type": "text/html"]),
            code: "HTTP502", messageContains: "non-JSON error body (content-type text/html): <html><body>Bad Gateway",
            requestId: nil),
        Case(
            label: "JSON without a code",
            reply: .json(#"{"message":"something odd"}"#, status: 409),
            code: "HTTP409", messageContains: "something odd", requestId: nil),
        Case(
            label: "empty body",
            reply: FakeReply(status: 401, body: "", headers: [:]),
            code: "HTTP401", messageContains: "<empty body>", requestId: nil),
    ]

    @Test(arguments: cases)
    func errorBodiesBecomeServiceErrors(testCase: Case) async throws {
        let server = FakeCSServer { _, _ in testCase.reply }
        try await server.serve { url in
            let error = await #expect(throws: ACSServiceError.self) {
                try await withCSClient(endpoint: url, changes: [.retry(.none)]) {
                    try await $0.describeClusterDetail(clusterId: "c1", region: "cn-hangzhou")
                }
            }
            #expect(error?.code == testCase.code)
            #expect(error?.message.contains(testCase.messageContains) == true, "\(String(describing: error))")
            #expect(error?.requestId == testCase.requestId)
            #expect(error?.httpStatus == testCase.reply.status)
            #expect(error?.action == "DescribeClusterDetail")
            #expect(
                error?.description.contains("DescribeClusterDetail failed with HTTP \(testCase.reply.status)") == true)
        }
    }

    @Test func successfulAnswerThatIsNotJSONIsAnInvalidResponse() async throws {
        let server = FakeCSServer { _, _ in FakeReply(status: 200, body: "OK", headers: [:]) }
        try await server.serve { url in
            let error = await #expect(throws: CSClientError.self) {
                try await withCSClient(endpoint: url) { try await $0.describeRegions() }
            }
            guard case .invalidResponse(let action, let status, let detail)? = error else {
                Issue.record("expected invalidResponse, got \(String(describing: error))")
                return
            }
            #expect(action == "DescribeRegions" && status == 200 && detail.contains("OK"))
        }
    }

    @Test func throttlingAndTransientClassification() {
        let throttled = ["Throttling", "Throttling.User", "Throttling.Api", "Rejected.Throttling"]
        for code in throttled {
            #expect(ACSServiceError(code: code, message: "", requestId: nil, httpStatus: 400).isThrottling)
        }
        #expect(ACSServiceError(code: "HTTP429", message: "", requestId: nil, httpStatus: 429).isThrottling)
        #expect(!ACSServiceError(code: "InvalidParameter", message: "", requestId: nil, httpStatus: 400).isThrottling)
        #expect(ACSServiceError(code: "ServiceUnavailable", message: "", requestId: nil, httpStatus: 400).isTransient)
        #expect(ACSServiceError(code: "InternalError", message: "", requestId: nil, httpStatus: 500).isTransient)
        #expect(!ACSServiceError(code: "AddonNotFound", message: "", requestId: nil, httpStatus: 404).isTransient)
    }

    @Test func endpointAndRegionValidation() async throws {
        for bad in ["ftp://example.com", "http://", "/just/a/path", "http://h?x=1"] {
            let url = try #require(URL(string: bad))
            await #expect(throws: CSClientError.self, "\(bad)") {
                try await withCSClient(endpoint: url) { try await $0.describeRegions() }
            }
        }
        var options = CSClientOptions()
        options.endpoint = nil
        #expect(options.signatureVersion == .v3)
        #expect(options.maxBodyBytes == 32 << 20)
        #expect(options.maxPages == 1000)
        #expect(options.connectTimeout == .seconds(5) && options.readTimeout == .seconds(10))
    }

    @Test func invalidRegionIsRejectedBeforeAnyRequest() async throws {
        try await withCSClient(endpoint: URL(string: "http://127.0.0.1:9")!, changes: [.defaultEndpoint]) {
            client in
            for region in ["", "cn-hangzhou.evil.com", "CN", "cn/hangzhou", "a b"] {
                let error = await #expect(throws: CSClientError.self) {
                    try await client.describeClusterDetail(clusterId: "c", region: region)
                }
                guard case .invalidRegion? = error else {
                    Issue.record("expected invalidRegion for \(region), got \(String(describing: error))")
                    continue
                }
            }
            #expect(await client.callCounts.values.reduce(0, +) == 0)
        }
    }

    @Test func endpointBasePathIsSentAndSigned() async throws {
        let server = FakeCSServer { _, _ in .json(#"{"regions":[]}"#) }
        try await server.serve { url in
            let prefixed = url.appendingPathComponent("proxy/cs")
            _ = try await withCSClient(endpoint: prefixed) { try await $0.describeRegions() }
            #expect(server.received.first?.path == "/proxy/cs/regions")
            #expect(server.received.first?.signatureValid == true)
        }
    }

    @Test func descriptionsNeverShowSecrets() {
        let credential = ACSCredential(
            accessKeyId: "LTAI-id", accessKeySecret: "TOP-SECRET", securityToken: "STS-TOKEN", providerName: "env")
        #expect("\(credential)".contains("LTAI-id"))
        #expect(!"\(credential)".contains("TOP-SECRET"))
        #expect(!"\(credential)".contains("STS-TOKEN"))
        #expect(!"\(credential.signingCredential)".contains("TOP-SECRET"))
    }
}
