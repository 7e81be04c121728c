import Audit
import Hummingbird

/// The ResourceManager `2020-03-31` RPC actions the emulator answers on the CS endpoint.
enum ResourceManagerAPI {
    static let version = "2020-03-31"
    static let actions: Set<String> = ["ListAccounts", "ListAccountsForParent", "ListFoldersForParent"]

    /// The ResourceManager action a request on `/` names (`Action` in the query or form, or `x-acs-action`), nil
    /// for anything else.
    static func action(of request: CSRequest) -> String? {
        guard request.segments.isEmpty else { return nil }
        let action = parameters(of: request)["Action"] ?? request.header("x-acs-action")
        return action.flatMap { actions.contains($0) ? $0 : nil }
    }

    /// Query parameters, with the form body's merged in for a form POST.
    static func parameters(of request: CSRequest) -> [String: String] {
        var parameters = request.query
        let contentType = request.header("content-type") ?? ""
        if request.method == "POST", contentType.hasPrefix("application/x-www-form-urlencoded") {
            parameters.merge(CSRequest.parseForm(String(decoding: request.body, as: UTF8.self))) { _, form in form }
        }
        return parameters
    }
}

extension CSResponder {
    /// A ResourceManager call: signature (V3 `ACS3-HMAC-SHA256` with `x-acs-action`, or RPC signature 1.0 in the
    /// parameters), then the caller account's throttling, then the listing.
    func resourceManager(_ action: String, _ request: CSRequest, host: String) async -> Response {
        await state.recordRequest(action)
        let parameters = ResourceManagerAPI.parameters(of: request)
        let principal: EmulatorState.Principal
        let authentication =
            request.header("authorization") != nil
            ? await state.authenticate(request) : await state.authenticateRPC(request, parameters: parameters)
        switch authentication {
        case .success(let value): principal = value
        case .failure(let error): return await errorResponse(error, host: host)
        }
        let version = request.header("x-acs-version") ?? parameters["Version"]
        if let version, version != ResourceManagerAPI.version {
            return await errorResponse(
                .gateway(400, "InvalidVersion", "Specified parameter Version is not valid."), host: host)
        }
        if let fault = await state.servingState(for: principal).gatewayFault(for: action) {
            return await errorResponse(fault, host: host)
        }
        switch await state.resourceManager(action, parameters: parameters, principal: principal) {
        case .success(let value): return await jsonResponse(value)
        case .failure(let error): return await errorResponse(error, host: host)
        }
    }
}
