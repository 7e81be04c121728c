import AlibabaCloud
import Audit
import KubernetesAPI

/// Errors as documents, so that an error met live is saved by `collect` and read back by `--from` as the same
/// evidence: CS errors as the service's error body, Kubernetes errors as `Status` objects.
enum ErrorDocuments {
    static func service(code: String, message: String, requestId: String?, status: Int) -> JSONValue {
        var body: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let requestId { body["requestId"] = .string(requestId) }
        if status > 0 { body["status"] = .number(Double(status)) }
        return .object(body)
    }

    static func kubernetesStatus(code: Int, reason: String, message: String) -> JSONValue {
        [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": .string(message),
            "reason": .string(reason), "code": .number(Double(code)),
        ]
    }

    /// A Kubernetes `Status` for any error met while reading a cluster. Only the API server's own 404 means "not
    /// found"; errors before the API server answered never do.
    static func status(for error: any Error, doing what: String) -> JSONValue {
        switch error {
        case KubernetesError.status(let status):
            return status.raw
        case KubernetesError.timeout(let message):
            return kubernetesStatus(code: 504, reason: "Timeout", message: "could not \(what): timed out: \(message)")
        case let error as ACSServiceError where error.code == "ErrorClusterNotFound":
            // The cluster was deleted during the audit: 410 Gone, which the rule reads as a vanished cluster.
            return kubernetesStatus(code: 410, reason: "Gone", message: "could not \(what): \(error)")
        case let error as ACSServiceError:
            let code = error.httpStatus == 404 || error.httpStatus < 400 ? 503 : error.httpStatus
            let reason = code == 403 ? "Forbidden" : code == 401 ? "Unauthorized" : "ServiceUnavailable"
            return kubernetesStatus(code: code, reason: reason, message: "could not \(what): \(error)")
        default:
            return kubernetesStatus(code: 503, reason: "ServiceUnavailable", message: "could not \(what): \(error)")
        }
    }

    /// Errors that concern one resource (an API answer), as opposed to the API server being unreachable.
    static func isPerResource(_ error: any Error) -> Bool {
        if case KubernetesError.status = error { return true }
        return false
    }
}
