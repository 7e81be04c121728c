import Foundation
import JSON

/// A complete (bounded) HTTP answer.
struct ACSHTTPResponse: Sendable {
    let status: Int
    /// Lower-case names; the first value of each.
    let headers: [String: String]
    let body: [UInt8]

    /// `x-acs-request-id`, else the body's `RequestId`/`requestId`/`requestid`/`request_id`.
    var requestId: String? {
        if let header = headers["x-acs-request-id"], !header.isEmpty { return header }
        guard let json = JSONValue.parse(body) else { return nil }
        return ACSHTTPResponse.requestId(in: json)
    }

    static func requestId(in json: JSONValue) -> String? {
        for key in ["RequestId", "requestId", "requestid", "request_id"] {
            if let value = json.text(key), !value.isEmpty { return value }
        }
        return nil
    }

    /// The start of the body as printable text, for error messages about unexpected bodies.
    var snippet: String {
        let prefix = body.prefix(200)
        let text = String(decoding: prefix, as: UTF8.self)
        let printable = String(
            text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
        let trimmed = printable.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "<empty body>" }
        return body.count > prefix.count ? trimmed + "…" : trimmed
    }

    /// The service error this answer carries (call only for non-2xx statuses).
    func serviceError(action: String) -> ACSServiceError {
        if let json = JSONValue.parse(body), json.objectValue != nil {
            let code = json.text("Code") ?? json.text("code")
            let message = json.text("Message") ?? json.text("message") ?? json.text("msg")
            if let code, !code.isEmpty {
                return ACSServiceError(
                    code: code, message: message ?? "(no message)", requestId: requestId, httpStatus: status,
                    action: action)
            }
            return ACSServiceError(
                code: "HTTP\(status)", message: message ?? "JSON error body without a code: \(snippet)",
                requestId: requestId, httpStatus: status, action: action)
        }
        let contentType = headers["content-type"] ?? "none"
        return ACSServiceError(
            code: "HTTP\(status)", message: "non-JSON error body (content-type \(contentType)): \(snippet)",
            requestId: requestId, httpStatus: status, action: action)
    }
}
