import Audit
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOSSL

/// Answers `/clusters/<cluster id>/…` requests like that cluster's Kubernetes API server.
///
/// Order of checks, as a real endpoint would apply them: the request is recorded; a cluster that does not exist
/// (any more) gets its connection closed; the `hang` fault never answers until the client gives up, `refuse`
/// closes the connection; then the client certificate must be issued by the emulator CA for this cluster and be
/// within its validity (else `401`, also the `unauthorized` fault); the `forbidden` fault answers `403`; an
/// injected status answers with that code; then the request is served from the cluster's object store.
struct KubernetesResponder<Backend: KubernetesBackend>: HTTPResponder {
    typealias Context = KubernetesRequestContext

    let backend: Backend
    let authority: EmulatorCertificateAuthority
    let now: @Sendable () -> Date

    /// Thrown after the connection was closed on purpose; the response Hummingbird then tries to write goes nowhere.
    struct ConnectionDropped: Error {}

    func respond(to request: Request, context: Context) async throws -> Response {
        let method = request.method.rawValue
        guard let route = KubernetesRoute(path: request.uri.path) else {
            await backend.recordRequest("k8s:\(method) \(request.uri.path)")
            return Self.response(error: .noSuchPath)
        }
        await backend.recordRequest("k8s:\(method) \(route.recordName)")
        guard await backend.clusterExists(route.clusterId) else {
            try await Self.drop(context)
        }
        let fault = await backend.kubernetesFault(clusterId: route.clusterId)
        switch fault {
        case .hang:
            while context.channel.isActive {
                try await Task.sleep(for: .milliseconds(20))
            }
            throw ConnectionDropped()
        case .refuse:
            try await Self.drop(context)
        case .unauthorized:
            return Self.response(error: .unauthorized)
        case .none, .forbidden:
            break
        }
        let user: String
        switch await authenticate(context: context, clusterId: route.clusterId) {
        case .authenticated(let name, _): user = name
        case .rejected(let reason):
            context.logger.debug("client certificate refused", metadata: ["reason": "\(reason)"])
            return Self.response(error: .unauthorized)
        }
        guard let target = route.target else { return Self.response(error: .noSuchPath) }
        if fault == .forbidden {
            return Self.response(error: Self.forbidden(user: user, method: method, target: target))
        }
        if case .collection(let type, _) = target, let code = await injected(route, method: method, type: type) {
            return Self.response(
                error: code == 403
                    ? Self.forbidden(user: user, method: method, target: target)
                    : .injected(code: code, resource: type.resource, group: type.group, name: nil, verb: method))
        }
        if case .object(let type, _, let name) = target, let code = await injected(route, method: method, type: type) {
            return Self.response(
                error: code == 403
                    ? Self.forbidden(user: user, method: method, target: target)
                    : .injected(code: code, resource: type.resource, group: type.group, name: name, verb: method))
        }
        do {
            return try await serve(request, target: target, clusterId: route.clusterId, context: context)
        } catch let error as KubernetesAPIError {
            return Self.response(error: error)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return Self.response(
                error: KubernetesAPIError(
                    code: 500, reason: "InternalError", message: "Internal error occurred: \(error)",
                    details: ["causes": [["message": .string("\(error)")]]]))
        }
    }

    private func injected(_ route: KubernetesRoute, method: String, type: KubernetesResourceType) async -> Int? {
        await backend.injectedKubernetesStatus(clusterId: route.clusterId, method: method, resource: type.resource)
    }

    private func serve(_ request: Request, target: KubernetesRoute.Target, clusterId: String, context: Context)
        async throws -> Response
    {
        let method = request.method
        switch target {
        case .version:
            guard method == .get else { return Self.response(error: .methodNotAllowed(method.rawValue)) }
            return Self.response(json: Self.version)
        case .collection(let type, let namespace):
            guard method == .get else { return Self.response(error: .methodNotAllowed(method.rawValue)) }
            var limit: Int?
            if let text = request.uri.queryParameters.get("limit"), !text.isEmpty {
                guard let value = Int(text), value >= 0 else {
                    throw KubernetesAPIError.badRequest("limit: Invalid value: \"\(text)\": must be an integer")
                }
                limit = value
            }
            let token = request.uri.queryParameters.get("continue")
            let pageLimit = limit
            let page = try await backend.withKubernetesStore(clusterId: clusterId) { store in
                try store.list(type, namespace: namespace, limit: pageLimit, continueToken: token)
            }
            return Self.response(json: page)
        case .object(let type, let namespace, let name):
            switch method {
            case .get:
                let object = try await backend.withKubernetesStore(clusterId: clusterId) { store in
                    try store.get(type, namespace: namespace, name: name)
                }
                return Self.response(json: object)
            case .patch:
                let contentType = request.headers[.contentType].map {
                    $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased()
                }
                let strategic: Bool
                switch contentType {
                case "application/merge-patch+json": strategic = false
                case "application/strategic-merge-patch+json": strategic = true
                default: throw KubernetesAPIError.unsupportedPatch
                }
                let patch = try await Self.body(request, context: context, what: "patch")
                let updated = try await backend.withKubernetesStore(clusterId: clusterId) { store in
                    try store.patch(type, namespace: namespace, name: name, patch: patch, strategic: strategic)
                }
                return Self.response(json: updated)
            case .put:
                let object = try await Self.body(request, context: context, what: "object")
                let updated = try await backend.withKubernetesStore(clusterId: clusterId) { store in
                    try store.replace(type, namespace: namespace, name: name, object: object)
                }
                return Self.response(json: updated)
            default:
                return Self.response(error: .methodNotAllowed(method.rawValue))
            }
        }
    }

    private func authenticate(context: Context, clusterId: String) async -> ClientAuthentication {
        let peer: NIOSSLCertificate?
        do {
            peer = try await context.channel.nioSSL_peerCertificate().get()
        } catch {
            return .rejected("no TLS handler on the connection")
        }
        guard let peer else { return .rejected("no client certificate") }
        let der: [UInt8]
        do {
            der = try peer.toDERBytes()
        } catch {
            return .rejected("the client certificate cannot be encoded")
        }
        return authority.authenticate(certificateDER: der, clusterId: clusterId, now: now())
    }

    private static func body(_ request: Request, context: Context, what: String) async throws -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw KubernetesAPIError(
                code: 413, reason: "RequestEntityTooLarge",
                message: "Request entity too large: limit is \(context.maxUploadSize)")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw KubernetesAPIError.badRequest("error decoding \(what): the body is not JSON")
        }
    }

    private static func forbidden(user: String, method: String, target: KubernetesRoute.Target) -> KubernetesAPIError {
        switch target {
        case .version:
            return KubernetesAPIError(
                code: 403, reason: "Forbidden",
                message: "forbidden: User \"\(user)\" cannot get path \"/version\"", details: [:])
        case .collection(let type, let namespace):
            return .forbidden(
                user: user, verb: "list", resource: type.resource, group: type.group, name: nil, namespace: namespace)
        case .object(let type, let namespace, let name):
            let verb = ["GET": "get", "PATCH": "patch", "PUT": "update", "DELETE": "delete"][method] ?? "get"
            return .forbidden(
                user: user, verb: verb, resource: type.resource, group: type.group, name: name, namespace: namespace)
        }
    }

    /// Closes the connection without an answer. The close is not awaited: TLS waits for the peer's close_notify
    /// before the channel's close completes, and the peer only has to see the connection go.
    private static func drop(_ context: Context) async throws -> Never {
        context.channel.close(promise: nil)
        throw ConnectionDropped()
    }

    static func response(json: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(json)
        } catch {
            data = Data(#"{"kind":"Status","apiVersion":"v1","status":"Failure","code":500}"#.utf8)
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-cache, private"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func response(error: KubernetesAPIError) -> Response {
        response(json: error.status, status: HTTPResponse.Status(code: error.code))
    }

    static var version: JSONValue {
        [
            "major": "1", "minor": "31", "gitVersion": "v1.31.1-aliyun.1", "gitCommit": "ackguard-emulator",
            "gitTreeState": "clean", "buildDate": "2024-10-01T00:00:00Z", "goVersion": "go1.22.6",
            "compiler": "gc", "platform": "linux/amd64",
        ]
    }
}
