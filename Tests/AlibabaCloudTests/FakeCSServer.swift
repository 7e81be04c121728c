import AlibabaCloudSigning
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// What arrived at the fake server, decoded independently of the client code.
struct ReceivedRequest: Sendable {
    let method: String
    /// As on the wire (still percent-encoded).
    let path: String
    /// Decoded query values.
    let query: [String: String]
    /// Lower-case names.
    let headers: [String: String]
    let body: [UInt8]
    /// The signature recomputed from what arrived matched the one sent.
    let signatureValid: Bool

    var action: String? { headers["x-acs-action"] }
    var nonce: String? { headers["x-acs-signature-nonce"] }
}

/// The fake server's answer to one request.
struct FakeReply: Sendable {
    var status: Int = 200
    var body: String = "{}"
    var headers: [String: String] = ["content-type": "application/json"]
    /// Wait this long before answering.
    var delay: Duration?
    /// Send the body chunked, without content-length.
    var streamed = false

    static func json(_ body: String, status: Int = 200, headers: [String: String] = [:]) -> FakeReply {
        var reply = FakeReply(status: status, body: body)
        reply.headers.merge(headers) { _, new in new }
        return reply
    }

    static func error(status: Int, code: String, message: String = "failed", pascalCase: Bool = false) -> FakeReply {
        let body =
            pascalCase
            ? #"{"RequestId":"req-\#(code)","HostId":"cs.aliyuncs.com","Code":"\#(code)","Message":"\#(message)"}"#
            : #"{"code":"\#(code)","message":"\#(message)","requestId":"req-\#(code)","status":\#(status)}"#
        return .json(body, status: status)
    }
}

/// A CS (or ResourceManager/STS) stand-in on 127.0.0.1 (ephemeral port) that verifies every signature — ACS3 and
/// ROA from the headers, RPC 1.0 from the query — from what arrived on the wire (method, raw path, decoded query,
/// received headers, body) with the AccessKey secrets it knows, and answers with `handler`.
final class FakeCSServer: Sendable {
    typealias Handler = @Sendable (ReceivedRequest, Int) async -> FakeReply

    private let secrets: [String: String]
    private let handler: Handler
    private let log = Mutex<[ReceivedRequest]>([])

    init(secrets: [String: String] = ["AKID": "test-secret"], handler: @escaping Handler) {
        self.secrets = secrets
        self.handler = handler
    }

    var received: [ReceivedRequest] { log.withLock { $0 } }

    /// Serves on 127.0.0.1 (ephemeral port) while `body` runs with the base URL, then stops.
    func serve<T: Sendable>(_ body: (URL) async throws -> T) async throws -> T {
        let router = Router()
        let respond: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            try await self.respond(request)
        }
        // RPC-style calls (ResourceManager, STS) go to `/`, which `/**` does not match.
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("/", method: method, use: respond)
            router.on("/**", method: method, use: respond)
        }
        return try await withLoopbackServer(router.buildResponder(), label: "fake-cs", body)
    }

    private func respond(_ request: Request) async throws -> Response {
        var request = request
        let bodyBuffer = try await request.collectBody(upTo: 16 << 20)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
        }
        // HTTP/1 `Host` arrives as the request's authority, not among the header fields.
        if let authority = request.head.authority { headers["host"] = authority }
        let path = request.uri.path
        let query = Self.decodeQuery(request.uri.query)
        let body = Array(bodyBuffer.readableBytesView)
        let method = request.method.rawValue
        let valid = verify(method: method, path: path, query: query, headers: headers, body: body)
        let received = ReceivedRequest(
            method: method, path: path, query: query, headers: headers, body: body, signatureValid: valid)
        let index = log.withLock { entries in
            entries.append(received)
            return entries.count - 1
        }
        let reply =
            valid
            ? await handler(received, index)
            : FakeReply.error(status: 400, code: "SignatureDoesNotMatch", pascalCase: true)
        if let delay = reply.delay { try await Task.sleep(for: delay) }
        var fields = HTTPFields()
        for (name, value) in reply.headers {
            if let fieldName = HTTPFields.Element.Name(name) { fields[fieldName] = value }
        }
        let bytes = ByteBuffer(string: reply.body)
        let responseBody =
            reply.streamed
            ? ResponseBody { writer in
                var remaining = bytes
                while let chunk = remaining.readSlice(length: min(512, remaining.readableBytes)),
                    chunk.readableBytes > 0
                {
                    try await writer.write(chunk)
                }
                try await writer.finish(nil)
            }
            : ResponseBody(byteBuffer: bytes)
        return Response(status: .init(code: reply.status), headers: fields, body: responseBody)
    }

    /// Recomputes the signature with the signers' public functions from what arrived, never from client state.
    private func verify(
        method: String, path: String, query: [String: String], headers: [String: String], body: [UInt8]
    ) -> Bool {
        guard let authorization = headers["authorization"] else {
            // RPC signature 1.0 (ResourceManager, STS): the signature and the key id travel in the query.
            guard let keyId = query["AccessKeyId"], let secret = secrets[keyId], let signature = query["Signature"]
            else { return false }
            return constantTimeEquals(RPCSigner.signature(method: method, parameters: query, secret: secret), signature)
        }
        let request = SigningRequest(method: method, pathname: path, query: query, headers: headers, body: body)
        if let parsed = ACS3Signer.parseAuthorization(authorization) {
            guard let secret = secrets[parsed.accessKeyId], parsed.signedHeaders.contains("host"),
                parsed.signedHeaders.contains("x-acs-signature-nonce"), parsed.signedHeaders.contains("x-acs-date"),
                headers["x-acs-content-sha256"] == ACS3Signer.hashedPayload(body)
            else { return false }
            let expected = ACS3Signer.signature(request, secret: secret, signedHeaders: parsed.signedHeaders)
            return constantTimeEquals(expected, parsed.signature)
        }
        if let parsed = ROASigner.parseAuthorization(authorization) {
            guard let secret = secrets[parsed.accessKeyId] else { return false }
            return constantTimeEquals(ROASigner.signature(request, secret: secret), parsed.signature)
        }
        return false
    }

    /// Splits and percent-decodes a raw query string (`+` stays `+`: the client encodes spaces as `%20`).
    static func decodeQuery(_ raw: String?) -> [String: String] {
        guard let raw, !raw.isEmpty else { return [:] }
        var query: [String: String] = [:]
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            query[key] = value
        }
        return query
    }
}
