import Audit

/// Kubernetes `Status` objects for saved evidence, as the API server (and `kubectl -o json`) returns them for failures.
enum EvidenceStatus {
    /// A `Status` with `code`, `reason` and a message like the API server's for `resource` (and `name`).
    static func failure(code: Int, resource: String, name: String?) -> JSONValue {
        let reason: String
        let message: String
        let subject = name.map { "\(resource) \"\($0)\"" } ?? resource
        switch code {
        case 401:
            reason = "Unauthorized"
            message = "Unauthorized"
        case 403:
            reason = "Forbidden"
            message = "\(subject) is forbidden: User \"ackguard\" cannot get resource \"\(resource)\""
        case 404:
            reason = "NotFound"
            message = "\(subject) not found"
        default:
            reason = code >= 500 ? "InternalError" : "BadRequest"
            message = "Internal error occurred: injected failure for \(subject)"
        }
        var details: [String: JSONValue] = ["kind": .string(resource)]
        if let name { details["name"] = .string(name) }
        return [
            "apiVersion": "v1", "kind": "Status", "metadata": [:], "status": "Failure",
            "message": .string(message), "reason": .string(reason), "details": .object(details),
            "code": .number(Double(code)),
        ]
    }
}
