import Foundation
public import JSON

/// A Kubernetes `Status` object as the API server sent it with an error (401, 403, 404, 409, 5xx...).
///
/// The decoded fields are for decisions; `raw` is the object exactly as received, kept as evidence.
public struct KubernetesStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The HTTP status code (the body's `code`, else the response's).
    public var code: Int
    /// `reason`, for example `NotFound`, `Forbidden`, `Conflict`, `Unauthorized`, `Expired`.
    public var reason: String?
    /// `message`, the server's human-readable explanation.
    public var message: String?
    /// The whole `Status` object as received.
    public var raw: JSONValue
    /// The request that produced it, for example `GET /api/v1/namespaces/kube-system/configmaps/eni-config`
    /// (not part of the encoded form).
    public var request: String?

    public init(code: Int, reason: String?, message: String?, raw: JSONValue, request: String? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.raw = raw
        self.request = request
    }

    /// Decodes a `Status` body; `nil` when `body` is not an object of kind `Status`.
    public init?(body: JSONValue, httpStatus: Int, request: String? = nil) {
        guard body["kind"]?.stringValue == "Status" else { return nil }
        self.init(
            code: body["code"]?.intValue ?? httpStatus,
            reason: body["reason"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
            message: body["message"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
            raw: body, request: request)
    }

    public init(from decoder: any Decoder) throws {
        let raw = try JSONValue(from: decoder)
        guard case .object = raw else {
            throw DecodingError.typeMismatch(
                JSONValue.self, .init(codingPath: decoder.codingPath, debugDescription: "a Status is a JSON object"))
        }
        self.init(
            code: raw["code"]?.intValue ?? 0, reason: raw["reason"]?.stringValue,
            message: raw["message"]?.stringValue, raw: raw)
    }

    public func encode(to encoder: any Encoder) throws {
        try raw.encode(to: encoder)
    }

    /// `NotFound` (404).
    public var isNotFound: Bool { code == 404 }
    /// `Conflict` (409), for example a stale `resourceVersion`.
    public var isConflict: Bool { code == 409 }

    public var description: String {
        var text = "\(code)"
        if let reason { text += " \(reason)" }
        if let message { text += ": " + message.replacingOccurrences(of: "\n", with: " ") }
        if let request { text = request + ": " + text }
        return text
    }
}
