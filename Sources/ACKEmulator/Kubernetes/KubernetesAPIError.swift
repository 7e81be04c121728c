public import Audit

/// An error the emulated API server answers with a Kubernetes `Status` body, shaped exactly like the real one:
/// `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":…,"reason":…,"details":{…},
/// "code":…}`.
public struct KubernetesAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var reason: String
    public var message: String
    public var details: JSONValue?

    public init(code: Int, reason: String, message: String, details: JSONValue? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    /// The `Status` object.
    public var status: JSONValue {
        var fields: [String: JSONValue] = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .number(Double(code)),
        ]
        if let details { fields["details"] = details }
        return .object(fields)
    }

    public var description: String { "\(code) \(reason): \(message)" }

    /// The `reason` the API server uses for an HTTP status code (`StatusReason` in apimachinery).
    public static func reason(for code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 406: return "NotAcceptable"
        case 409: return "Conflict"
        case 410: return "Expired"
        case 413: return "RequestEntityTooLarge"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return code >= 500 ? "InternalError" : "BadRequest"
        }
    }

    private static func details(resource: String, name: String?, group: String) -> JSONValue {
        var fields: [String: JSONValue] = ["kind": .string(resource)]
        if let name { fields["name"] = .string(name) }
        if !group.isEmpty { fields["group"] = .string(group) }
        return .object(fields)
    }

    private static func qualified(_ resource: String, _ group: String) -> String {
        group.isEmpty ? resource : "\(resource).\(group)"
    }

    static func notFound(resource: String, group: String, name: String) -> KubernetesAPIError {
        KubernetesAPIError(
            code: 404, reason: "NotFound", message: "\(qualified(resource, group)) \"\(name)\" not found",
            details: details(resource: resource, name: name, group: group))
    }

    /// The answer for a path no resource serves.
    static let noSuchPath = KubernetesAPIError(
        code: 404, reason: "NotFound", message: "the server could not find the requested resource", details: [:])

    static func conflict(resource: String, group: String, name: String) -> KubernetesAPIError {
        KubernetesAPIError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(qualified(resource, group)) \"\(name)\": the object has been "
                + "modified; please apply your changes to the latest version and try again",
            details: details(resource: resource, name: name, group: group))
    }

    static let unauthorized = KubernetesAPIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    static func forbidden(
        user: String, verb: String, resource: String, group: String, name: String?, namespace: String?
    )
        -> KubernetesAPIError
    {
        var subject = qualified(resource, group)
        if let name { subject += " \"\(name)\"" }
        var message =
            "\(subject) is forbidden: User \"\(user)\" cannot \(verb) resource \"\(resource)\" in API group "
            + "\"\(group)\""
        message += namespace.map { " in the namespace \"\($0)\"" } ?? " at the cluster scope"
        return KubernetesAPIError(
            code: 403, reason: "Forbidden", message: message,
            details: details(resource: resource, name: name, group: group))
    }

    static func badRequest(_ message: String) -> KubernetesAPIError {
        KubernetesAPIError(code: 400, reason: "BadRequest", message: message)
    }

    static func methodNotAllowed(_ method: String) -> KubernetesAPIError {
        KubernetesAPIError(
            code: 405, reason: "MethodNotAllowed",
            message: "the server does not allow this method on the requested "
                + "resource", details: [:])
    }

    static let unsupportedPatch = KubernetesAPIError(
        code: 415, reason: "UnsupportedMediaType",
        message: "the body of the request was in an unknown format - accepted media types include: "
            + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
            + "application/strategic-merge-patch+json")

    /// An injected status (fault injection) for `code`, with the message the API server would use.
    static func injected(code: Int, resource: String, group: String, name: String?, verb: String) -> KubernetesAPIError
    {
        switch code {
        case 401: return unauthorized
        case 404 where name != nil: return notFound(resource: resource, group: group, name: name ?? "")
        case 409 where name != nil: return conflict(resource: resource, group: group, name: name ?? "")
        case 429:
            return KubernetesAPIError(
                code: 429, reason: "TooManyRequests",
                message: "the server has received too many requests and has "
                    + "asked us to try again later", details: ["retryAfterSeconds": 1])
        case 500..<600:
            let reason = reason(for: code)
            let message =
                code == 503
                ? "the server is currently unable to handle the request"
                : "Internal error occurred: injected fault (\(verb) \(resource))"
            return KubernetesAPIError(
                code: code, reason: reason, message: message,
                details: ["causes": [["message": .string("injected fault")]]])
        default:
            return KubernetesAPIError(
                code: code, reason: reason(for: code), message: "injected \(code) for \(verb) \(resource)",
                details: details(resource: resource, name: name, group: group))
        }
    }
}
