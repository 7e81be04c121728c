import AsyncHTTPClient
import BoundedConcurrency
import Foundation
public import JSON
public import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// A small Kubernetes API client for one endpoint: raw JSON reads, paged lists, merge patches and updates.
///
/// Each client owns an `HTTPClient` whose TLS configuration is the endpoint's (its CA only, its client
/// certificate, hostname verification on unless the kubeconfig says `insecure-skip-tls-verify: true`).
/// Call ``shutdown()`` when done, or use ``withKubernetesClient(endpoint:timeout:logger:_:)``.
/// Every answer is bounded: a whole request (including its body) must finish within `timeout`, and a body may not
/// exceed `maximumResponseBytes`.
public struct KubernetesClient: Sendable {
    public let endpoint: KubernetesEndpoint
    public let timeout: Duration
    public let maximumResponseBytes: Int
    let httpClient: HTTPClient
    let logger: Logger

    /// The largest token file read for a `tokenFile` credential.
    static let maximumTokenFileSize = 64 << 10

    /// A logger that discards everything (the default).
    public static let disabledLogger = Logger(label: "ackguard.kubernetes", factory: { _ in SwiftLogNoOpLogHandler() })

    public init(
        endpoint: KubernetesEndpoint, timeout: Duration = .seconds(10), maximumResponseBytes: Int = 64 << 20,
        logger: Logger = KubernetesClient.disabledLogger
    ) throws {
        guard timeout > .zero else { throw KubernetesError.invalidRequest("timeout must be positive") }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        // How long a closing connection waits for the server's close_notify: a hung server never sends it, and
        // shutdown() would otherwise wait NIOSSL's default of 5 seconds per such connection.
        tls.shutdownTimeout = .seconds(1)
        switch endpoint.trust {
        case .systemRoots:
            tls.trustRoots = .default
            tls.certificateVerification = .fullVerification
        case .certificateAuthority(let pem):
            let roots: [NIOSSLCertificate]
            do {
                roots = try NIOSSLCertificate.fromPEMBytes(pem)
            } catch {
                throw KubernetesError.invalidEndpoint("\(endpoint.server.absoluteString): CA is not a PEM certificate")
            }
            guard !roots.isEmpty else {
                throw KubernetesError.invalidEndpoint("\(endpoint.server.absoluteString): CA holds no certificate")
            }
            tls.trustRoots = .certificates(roots)
            tls.certificateVerification = .fullVerification
        case .insecureSkipVerify:
            tls.certificateVerification = .none
        }
        if let client = endpoint.clientCertificate {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(client.certificatePEM).map {
                    .certificate($0)
                }
            } catch {
                throw KubernetesError.invalidEndpoint(
                    "\(endpoint.server.absoluteString): client certificate is not a PEM certificate")
            }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: client.privateKeyPEM, format: .pem))
            } catch {
                throw KubernetesError.invalidEndpoint(
                    "\(endpoint.server.absoluteString): client key is not a PEM private key")
            }
        }
        let amount = Self.timeAmount(timeout)
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: amount, read: amount), decompression: .disabled)
        // A TLS or connection failure is reported at once instead of being retried until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        // An idle connection's timer keeps the whole pool (TLS context, certificates) alive until it fires, even after
        // shutdown(): with the default of 60 s a fleet audit would hold a minute's worth of clusters' clients. The
        // reads of one cluster follow each other at once, so one second still reuses the connection.
        configuration.connectionPool.idleTimeout = .seconds(1)
        self.endpoint = endpoint
        self.timeout = timeout
        self.maximumResponseBytes = maximumResponseBytes
        self.logger = logger
        self.httpClient = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration,
            backgroundActivityLogger: logger)
    }

    /// Closes the connections. The client cannot be used afterwards.
    public func shutdown() async throws {
        try await httpClient.shutdown()
    }

    /// GETs one object. API errors (404 included) throw ``KubernetesError/status(_:)`` with the `Status` kept.
    public func get(_ path: String) async throws -> JSONValue {
        try await send(.GET, path)
    }

    /// GETs a list, following `limit`/`continue` for at most `maxPages` pages, and returns one merged list object
    /// (`kind` and `apiVersion` of the first page, every page's `items`, no `continue`).
    public func list(_ path: String, pageSize: Int = 500, maxPages: Int = 1000) async throws -> JSONValue {
        guard pageSize > 0, maxPages > 0 else {
            throw KubernetesError.invalidRequest("\(path): pageSize and maxPages must be positive")
        }
        let separator = path.contains("?") ? "&" : "?"
        var first: JSONValue?
        var items: [JSONValue] = []
        var token: String?
        var tokens = Set<String>()
        for _ in 0..<maxPages {
            var query = "limit=\(pageSize)"
            if let token { query += "&continue=" + Self.percentEncodeQueryValue(token) }
            let page = try await get(path + separator + query)
            guard case .object(var members) = page else {
                throw KubernetesError.invalidResponse("GET \(path): a list is not a JSON object")
            }
            switch members["items"] {
            case .array(let pageItems): items += pageItems
            case .null, nil: break
            default: throw KubernetesError.invalidResponse("GET \(path): items is not an array")
            }
            if first == nil { first = page }
            let next = page["metadata"]?["continue"]?.stringValue ?? ""
            if next.isEmpty {
                guard case .object(let firstMembers)? = first else { return page }
                members = firstMembers
                members["items"] = .array(items)
                if case .object(var metadata)? = members["metadata"] {
                    metadata["continue"] = nil
                    metadata["remainingItemCount"] = nil
                    members["metadata"] = .object(metadata)
                }
                return .object(members)
            }
            guard tokens.insert(next).inserted else {
                throw KubernetesError.paging("GET \(path): the server repeated a continue token")
            }
            token = next
        }
        throw KubernetesError.paging("GET \(path): more than \(maxPages) pages of \(pageSize) items")
    }

    /// PATCH with `application/merge-patch+json` (RFC 7386: objects merge, `null` deletes, other values replace).
    public func mergePatch(_ path: String, _ patch: JSONValue) async throws -> JSONValue {
        try await send(.PATCH, path, body: patch, contentType: "application/merge-patch+json")
    }

    /// PATCH with `application/strategic-merge-patch+json` (built-in kinds only).
    public func strategicMergePatch(_ path: String, _ patch: JSONValue) async throws -> JSONValue {
        try await send(.PATCH, path, body: patch, contentType: "application/strategic-merge-patch+json")
    }

    /// PUT (replace) an object; a `metadata.resourceVersion` in `object` makes it conditional (409 when stale).
    public func put(_ path: String, _ object: JSONValue) async throws -> JSONValue {
        try await send(.PUT, path, body: object, contentType: "application/json")
    }

    // MARK: - Plumbing

    private func send(
        _ method: HTTPMethod, _ path: String, body: JSONValue? = nil, contentType: String? = nil
    ) async throws -> JSONValue {
        let label = "\(method.rawValue) \(path)"
        let url = try makeURL(path)
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "ackguard")
        if let authorization = try authorizationHeader() {
            request.headers.add(name: "Authorization", value: authorization)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType ?? "application/json")
            request.body = .bytes(ByteBuffer(string: body.serialized()))
        }
        logger.debug("kubernetes request", metadata: ["k8s-request": "\(label)", "k8s-server": "\(endpoint.server)"])
        let client = httpClient
        let limit = maximumResponseBytes
        let timeout = timeout
        let logger = logger
        let host = endpoint.server.host ?? "?"
        let prepared = request
        return try await withTimeLimit(
            timeout, orThrow: KubernetesError.timeout("\(label): no complete answer within \(timeout)")
        ) {
            do {
                let response = try await client.execute(
                    prepared, deadline: .now() + Self.timeAmount(timeout), logger: logger)
                let bytes = try await response.body.collect(upTo: limit)
                return try Self.interpret(
                    status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                    body: bytes, label: label)
            } catch {
                throw Self.classify(error, label: label, host: host, limit: limit, timeout: timeout)
            }
        }
    }

    func makeURL(_ path: String) throws -> String {
        guard path.hasPrefix("/"), !path.hasPrefix("//") else {
            throw KubernetesError.invalidRequest("\(path): a path must start with a single /")
        }
        guard !path.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "#" }) else {
            throw KubernetesError.invalidRequest("\(path): a path must not contain spaces, control characters or #")
        }
        var base = endpoint.server.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }

    private func authorizationHeader() throws -> String? {
        switch endpoint.credential {
        case nil: return nil
        case .bearerToken(let token): return "Bearer " + token
        case .tokenFile(let path):
            let token = try Self.readToken(path: path) { reason in
                KubernetesError.invalidEndpoint("tokenFile \(path): \(reason)")
            }
            return "Bearer " + token
        case .basic(let username, let password):
            return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        }
    }

    /// Reads a bearer token file: trimmed, non-empty, one line.
    static func readToken(path: String, makeError: (String) -> any Error) throws -> String {
        let text = try readTextFile(path: path, limit: maximumTokenFileSize, makeError: makeError)
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw makeError("empty") }
        guard isValidToken(token) else { throw makeError("contains a line break or control character") }
        return token
    }

    /// A token that can go into a header: printable ASCII or Unicode, no control characters.
    static func isValidToken(_ token: String) -> Bool {
        !token.isEmpty && !token.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    private static func interpret(status: Int, contentType: String?, body: ByteBuffer, label: String) throws
        -> JSONValue
    {
        let bytes = Array(body.readableBytesView)
        let json = bytes.isEmpty ? nil : try? JSONValue.parse(bytes)
        if (200..<300).contains(status) {
            guard let json else {
                throw KubernetesError.invalidResponse(
                    "\(label): HTTP \(status) body is not JSON (\(contentType ?? "no content type"), \(bytes.count) bytes)"
                )
            }
            guard case .object = json else {
                throw KubernetesError.invalidResponse("\(label): HTTP \(status) body is not a JSON object")
            }
            return json
        }
        if let json, let decoded = KubernetesStatus(body: json, httpStatus: status, request: label) {
            throw KubernetesError.status(decoded)
        }
        throw KubernetesError.httpStatus(request: label, code: status, contentType: contentType)
    }

    private static func classify(_ error: any Error, label: String, host: String, limit: Int, timeout: Duration)
        -> any Error
    {
        switch error {
        case let error as KubernetesError: return error
        case is CancellationError: return error
        case is NIOTooManyBytesError: return KubernetesError.responseTooLarge(request: label, limit: limit)
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout:
                return KubernetesError.timeout("\(label) on \(host): no answer within \(timeout)")
            case .cancelled: return CancellationError()
            case .remoteConnectionClosed:
                return KubernetesError.transport("\(label) on \(host): the server closed the connection")
            default:
                return KubernetesError.transport("\(label) on \(host): \(error)")
            }
        case NIOSSLError.uncleanShutdown:
            return KubernetesError.transport("\(label) on \(host): the server closed the connection")
        case let error as NIOSSLError:
            return KubernetesError.tls("\(label) on \(host): \(error)")
        case let error as NIOSSLExtraError:
            return KubernetesError.tls("\(label) on \(host): \(error)")
        case let error as BoringSSLError:
            return KubernetesError.tls("\(label) on \(host): \(error)")
        default:
            return KubernetesError.transport("\(label) on \(host): \(error)")
        }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    static func percentEncodeQueryValue(_ value: String) -> String {
        let unreserved = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }
}
