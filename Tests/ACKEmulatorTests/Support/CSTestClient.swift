import ACKEmulator
import AlibabaCloudSigning
import AsyncHTTPClient
import Audit
import Foundation
import NIOCore
import NIOHTTP1

/// Signs requests with the shared AlibabaCloudSigning code and sends them to an emulator's CS endpoint.
struct CSTestClient: Sendable {
    enum Algorithm: Sendable {
        case v3
        case roa
    }

    struct Reply: Sendable {
        var status: Int
        var json: JSONValue?
        var headers: HTTPHeaders

        /// `Code`/`code` of an error body.
        var code: String? { json?["Code"]?.stringValue ?? json?["code"]?.stringValue }
    }

    let endpoint: URL
    var credential: SigningCredential
    var algorithm: Algorithm = .v3
    var clock: @Sendable () -> Date = { Date() }

    init(endpoint: URL, credential: SigningCredential, algorithm: Algorithm = .v3) {
        self.endpoint = endpoint
        self.credential = credential
        self.algorithm = algorithm
    }

    init(_ emulator: ACKEmulatorTestHandle, algorithm: Algorithm = .v3) {
        self.init(
            endpoint: emulator.endpoint,
            credential: SigningCredential(
                accessKeyId: emulator.accessKeys[0].id, accessKeySecret: emulator.accessKeys[0].secret),
            algorithm: algorithm)
    }

    var host: String { "\(endpoint.host ?? "127.0.0.1"):\(endpoint.port ?? 80)" }

    /// Builds and signs a request; `tamper` may change it after signing.
    func signed(
        _ method: String,
        _ path: String,
        query: [String: String] = [:],
        body: JSONValue? = nil,
        action: String = "DescribeClustersV1",
        extraHeaders: [String: String] = [:],
        date: Date? = nil,
        nonce: String = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    ) -> SigningRequest {
        var headers = [
            "host": host,
            "accept": "application/json",
            "x-acs-version": "2015-12-15",
            "x-acs-action": action,
            "user-agent": "ackguard-emulator-tests",
        ]
        headers.merge(extraHeaders) { _, extra in extra }
        var bytes: [UInt8] = []
        if let body {
            bytes = Array(String(decoding: try! JSONEncoder().encode(body), as: UTF8.self).utf8)
            headers["content-type"] = "application/json; charset=utf-8"
        }
        var request = SigningRequest(method: method, pathname: path, query: query, headers: headers, body: bytes)
        switch algorithm {
        case .v3: ACS3Signer.sign(&request, credential: credential, date: date ?? clock(), nonce: nonce)
        case .roa: ROASigner.sign(&request, credential: credential, date: date ?? clock(), nonce: nonce)
        }
        return request
    }

    func send(_ request: SigningRequest) async throws -> Reply {
        var url = endpoint.absoluteString + request.pathname
        if !request.query.isEmpty {
            url +=
                "?"
                + request.query.keys.sorted().map {
                    "\(PercentEncoding.rfc3986($0))=\(PercentEncoding.rfc3986(request.query[$0] ?? ""))"
                }.joined(separator: "&")
        }
        var http = HTTPClientRequest(url: url)
        http.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers {
            http.headers.add(name: name, value: value)
        }
        if !request.body.isEmpty {
            http.body = .bytes(ByteBuffer(bytes: request.body))
        }
        let response = try await HTTPClient.shared.execute(http, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        let bytes = Array(buffer.readableBytesView)
        let json = bytes.isEmpty ? nil : try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        return Reply(status: Int(response.status.code), json: json, headers: response.headers)
    }

    func call(
        _ method: String,
        _ path: String,
        query: [String: String] = [:],
        body: JSONValue? = nil,
        action: String = "DescribeClustersV1"
    ) async throws -> Reply {
        try await send(signed(method, path, query: query, body: body, action: action))
    }

    /// `GET` without any signature.
    func unsigned(_ path: String, method: HTTPMethod = .GET) async throws -> Reply {
        var http = HTTPClientRequest(url: endpoint.absoluteString + path)
        http.method = method
        let response = try await HTTPClient.shared.execute(http, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        let json = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        return Reply(status: Int(response.status.code), json: json, headers: response.headers)
    }
}
