import AlibabaCloud
import AlibabaCloudSigning
import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import Synchronization
import TestSupport
import Testing

/// Secret values used across the credential tests; none may ever show up in a description or an error.
enum TestSecrets {
    static let envSecret = "env-secret-Zq8vW2"
    static let envToken = "env-token-CAIS+/=9x"
    static let fileSecret = "file-secret-Kp3mT7"
    static let cliSecret = "cli-secret-Hr5nB1"
    static let baseSecret = "base-secret-Ux4cL6"
    static let stsSecretPrefix = "sts-secret-Wd9eJ0"
    static let stsTokenPrefix = "sts-token-CAIS+/=Yg2"
    static let oidcToken = "eyJhbGciOiJSUzI1NiJ9.oidc-token-payload.Qa7sig"
    static let metadataSecret = "imds-secret-Fn2vX8"
    static let metadataToken = "imds-sts-token-Rt6yP3"
    static let uriSecret = "uri-secret-Mb1kS5"
    static let uriToken = "uri-sts-token-Gc4wN7"

    static let all = [
        envSecret, envToken, fileSecret, cliSecret, baseSecret, stsSecretPrefix, stsTokenPrefix, oidcToken,
        metadataSecret, metadataToken, uriSecret, uriToken,
    ]

    /// Records an issue for every secret (raw or percent-encoded) found in `text`.
    static func expectAbsent(
        in text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for secret in all {
            for form in [secret, PercentEncoding.rfc3986(secret)] {
                #expect(!text.contains(form), "secret leaked: \(text)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Checks both renderings of an error or a credential.
    static func expectAbsent(
        in value: Any,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        expectAbsent(in: String(describing: value), sourceLocation: sourceLocation)
        expectAbsent(in: String(reflecting: value), sourceLocation: sourceLocation)
    }
}

/// A temporary home directory (removed with the value) with helpers to write the chain's files.
final class TempHome: Sendable {
    let folder: TemporaryFolder

    var path: String { folder.path }

    init() throws {
        folder = try TemporaryFolder(prefix: "ackguard-credential-tests")
    }

    deinit {
        folder.remove()
    }

    /// Writes `text` to `relative` (creating folders) and returns the absolute path.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        try folder.write(relative, text)
    }

    func environment(
        _ variables: [String: String] = [:],
        profile: String? = nil,
        stsEndpoint: URL? = nil,
        metadataEndpoint: URL = URL(string: "http://127.0.0.1:1")!,
        clock: TestClock = TestClock()
    ) -> CredentialEnvironment {
        var environment = CredentialEnvironment(
            variables: variables, homeDirectory: path, profile: profile, stsEndpoint: stsEndpoint,
            metadataEndpoint: metadataEndpoint, now: { clock.now })
        // A fake metadata server on a loaded 2-core machine may take longer than the production 1 s; the
        // unreachable default keeps the short deadline so that chain tests stay quick.
        if metadataEndpoint.port != 1 { environment.metadataTimeout = .seconds(15) }
        return environment
    }
}

/// What a fake server saw of one request.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    var rawQuery: String
    /// Lower-cased header names.
    var headers: [String: String]

    /// The query decoded independently of the client (split on `&` and the first `=`, percent-decoded).
    var query: [String: String] {
        var result: [String: String] = [:]
        for pair in rawQuery.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            result[key] = value
        }
        return result
    }
}

struct FakeResponse: Sendable {
    var status: HTTPResponse.Status = .ok
    var body: String

    static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> FakeResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return FakeResponse(status: status, body: String(decoding: data, as: UTF8.self))
    }
}

/// Every request a fake server received.
final class RequestLog: Sendable {
    private let requests = Mutex<[RecordedRequest]>([])

    func append(_ request: RecordedRequest) {
        requests.withLock { $0.append(request) }
    }

    var all: [RecordedRequest] { requests.withLock { $0 } }

    func count(where predicate: (RecordedRequest) -> Bool = { _ in true }) -> Int {
        requests.withLock { $0.filter(predicate).count }
    }

    /// Waits (bounded) until at least `count` requests arrived.
    func waitFor(count: Int) async throws {
        for _ in 0..<500 where self.count() < count {
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// A gate that holds requests until the test opens it.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }

    func close() {
        isOpen = false
    }
}

/// Runs a Hummingbird server on 127.0.0.1 with an ephemeral port answering every request with `handler`, runs
/// `body` with its base URL and the request log, then stops the server.
func withFakeServer<T: Sendable>(
    _ handler: @escaping @Sendable (RecordedRequest) async -> FakeResponse,
    _ body: @Sendable (URL, RequestLog) async throws -> T
) async throws -> T {
    let log = RequestLog()
    let responder = CallbackResponder<BasicRequestContext> { request, _ in
        var headers: [String: String] = [:]
        for field in request.headers {
            headers[field.name.canonicalName] = field.value
        }
        let recorded = RecordedRequest(
            method: request.method.rawValue, path: request.uri.path, rawQuery: request.uri.query ?? "",
            headers: headers)
        log.append(recorded)
        let answer = await handler(recorded)
        return Response(
            status: answer.status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
    }
    return try await withLoopbackServer(responder, label: "fake-credential-server") { url in
        try await body(url, log)
    }
}

/// The RPC signature computed without `AlibabaCloudSigning`: Foundation's percent-encoding and swift-crypto's
/// HMAC-SHA1, so that a fake server does not verify the client with the client's own code.
enum IndependentRPCSignature {
    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static func compute(method: String, query: [String: String], secret: String) -> String {
        let canonical = query.filter { $0.key != "Signature" }
            .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map { "\(encode($0.key))=\(encode($0.value))" }
            .joined(separator: "&")
        let stringToSign = "\(method)&\(encode("/"))&\(encode(canonical))"
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(stringToSign.utf8), using: SymmetricKey(data: Data((secret + "&").utf8)))
        return Data(mac).base64EncodedString()
    }
}

/// An STS-shaped success body.
func stsSuccess(id: String, secret: String, token: String, expiration: Date, requestId: String = "REQ-OK")
    -> FakeResponse
{
    .json([
        "RequestId": requestId,
        "AssumedRoleUser": ["Arn": "acs:ram::1234567890123456:role/test", "AssumedRoleId": "3000:session"],
        "Credentials": [
            "AccessKeyId": id, "AccessKeySecret": secret, "SecurityToken": token,
            "Expiration": SigningDate.iso8601(expiration),
        ],
    ])
}

/// Awaits an error of type `CredentialError` and returns it (recording an issue when there is none).
func credentialError(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: () async throws -> ACSCredential
) async -> CredentialError? {
    do {
        let credential = try await operation()
        Issue.record("expected an error, got \(credential)", sourceLocation: sourceLocation)
        return nil
    } catch let error as CredentialError {
        TestSecrets.expectAbsent(in: error, sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a CredentialError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
