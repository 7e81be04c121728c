import Audit
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The CS endpoint: admin paths, then routing, request log, network faults, authentication, gateway faults and
/// the handlers in `EmulatorState`.
struct CSResponder: HTTPResponder {
    typealias Context = CSRequestContext

    let state: EmulatorState
    let authority: EmulatorCertificateAuthority
    let maximumBodySize: Int

    /// Thrown after closing a connection on purpose (a connection-reset fault).
    struct ConnectionReset: Error {}

    func respond(to request: Request, context: CSRequestContext) async throws -> Response {
        var request = request
        let host = request.head.authority ?? "127.0.0.1"
        let body: [UInt8]
        do {
            let buffer = try await request.collectBody(upTo: maximumBodySize)
            body = Array(buffer.readableBytesView)
        } catch {
            return await errorResponse(
                .invalidParameter("the request body is larger than \(maximumBodySize) bytes"), host: host)
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName.lowercased()
            headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
        }
        if let authority = request.head.authority { headers["host"] = authority }
        let csRequest = CSRequest(
            method: request.method.rawValue, target: request.head.path ?? "/", headers: headers, body: body)

        if csRequest.segments.first == "_emulator" {
            return await admin(csRequest, host: host)
        }
        if let action = ResourceManagerAPI.action(of: csRequest) {
            return await resourceManager(action, csRequest, host: host)
        }
        guard let route = CSRoute.match(method: csRequest.method, segments: csRequest.segments, query: csRequest.query)
        else {
            await state.recordRequest("Unknown")
            return await errorResponse(.apiNotFound, host: host)
        }
        await state.recordRequest(route.action)

        let network = await state.networkFaults(for: route.action)
        if network.delay > .zero {
            try await Task.sleep(for: network.delay)
        }
        if network.reset {
            await reset(context.channel)
            throw ConnectionReset()
        }

        let principal: EmulatorState.Principal
        if route.isSTS {
            principal = EmulatorState.Principal(accessKeyId: "", isTemporary: false)
        } else {
            switch await state.authenticate(csRequest) {
            case .success(let value): principal = value
            case .failure(let error): return await errorResponse(error, host: host)
            }
        }
        if let version = csRequest.header("x-acs-version"), !route.isSTS, version != "2015-12-15" {
            return await errorResponse(
                .gateway(400, "InvalidVersion", "Specified parameter Version is not valid."), host: host)
        }
        // With an organisation, a member's key or an STS key issued into a member is served that member's fleet.
        let serving = await state.servingState(for: principal)
        if let fault = await serving.gatewayFault(for: route.action) {
            return await errorResponse(fault, host: host)
        }
        switch await serving.handle(route, csRequest, principal: principal) {
        case .failure(let error):
            return await errorResponse(error, host: host)
        case .success(.json(let value)):
            return await jsonResponse(value)
        case .success(.empty):
            return await jsonResponse(nil)
        case .success(.kubeconfig(let order)):
            do {
                let config = try EmulatorKubeconfig.make(
                    clusterId: order.clusterId, clusterName: order.clusterName, server: order.server,
                    authority: authority, userName: order.userName, notValidBefore: order.notValidBefore,
                    expiration: order.expiration)
                return await jsonResponse(
                    ["config": .string(config), "expiration": .string(EmulatorDates.utc(order.expiration))])
            } catch {
                return await errorResponse(.internalError, host: host)
            }
        }
    }

    /// `GET /_emulator/requests` (request counts, and throttled answers among them) and `POST /_emulator/reset-log`; unauthenticated.
    func admin(_ request: CSRequest, host: String) async -> Response {
        switch (request.method, Array(request.segments.dropFirst())) {
        case ("GET", ["requests"]):
            let counts = await state.requestCounts()
            let throttled = await state.throttledCountsOfEveryAccount()
            let total = counts.values.reduce(0, +)
            return await jsonResponse([
                "counts": .object(counts.mapValues { .number(Double($0)) }), "total": .number(Double(total)),
                "throttled": .object(throttled.mapValues { .number(Double($0)) }),
            ])
        case ("POST", ["reset-log"]):
            await state.resetRequestLogOfEveryAccount()
            return await jsonResponse(["reset": true])
        default:
            return await errorResponse(.apiNotFound, host: host)
        }
    }

    func jsonResponse(_ value: JSONValue?, status: HTTPResponse.Status = .ok) async -> Response {
        let requestId = await state.newRequestId()
        var fields = HTTPFields()
        fields[.contentType] = "application/json;charset=utf-8"
        if let name = HTTPField.Name("x-acs-request-id") { fields[name] = requestId }
        let data = value.map { JSONText.data($0) } ?? Data()
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func errorResponse(_ error: CSError, host: String) async -> Response {
        let requestId = await state.newRequestId()
        var fields = HTTPFields()
        fields[.contentType] = "application/json;charset=utf-8"
        if let name = HTTPField.Name("x-acs-request-id") { fields[name] = requestId }
        let data = JSONText.data(error.body(requestId: requestId, host: host))
        return Response(
            status: HTTPResponse.Status(code: error.status), headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Closes the connection with a TCP reset (SO_LINGER 0), without writing a response.
    func reset(_ channel: any Channel) async {
        if let provider = channel as? any SocketOptionProvider {
            do {
                try await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            } catch {
                // Not a socket that supports SO_LINGER: a plain close still ends the exchange without a response.
            }
        }
        do {
            try await channel.close()
        } catch {
            // Already closed.
        }
    }
}
