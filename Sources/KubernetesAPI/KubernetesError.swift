/// A failed Kubernetes API call. Descriptions are one line, name the request, and never carry credentials.
public enum KubernetesError: Error, Sendable, CustomStringConvertible {
    /// The API server answered with an error `Status` (401, 403, 404, 409, 5xx...), kept whole.
    case status(KubernetesStatus)
    /// A non-2xx response whose body is not a `Status` (for example an HTML page from a proxy).
    case httpStatus(request: String, code: Int, contentType: String?)
    /// The connection could not be made or broke (refused, reset, closed, DNS...).
    case transport(String)
    /// TLS failed: the server certificate was not trusted or not for this host, or the client certificate was
    /// refused during the handshake.
    case tls(String)
    /// No complete answer within the client's timeout.
    case timeout(String)
    /// A 2xx response whose body is not the JSON expected.
    case invalidResponse(String)
    /// The response body is larger than the client accepts.
    case responseTooLarge(request: String, limit: Int)
    /// A list did not finish within the page budget, or the server repeated a continue token.
    case paging(String)
    /// The request could not be built (bad path, unencodable body).
    case invalidRequest(String)
    /// The endpoint's TLS material or credential cannot be used.
    case invalidEndpoint(String)

    public var description: String {
        switch self {
        case .status(let status): return "Kubernetes API error: \(status)"
        case .httpStatus(let request, let code, let contentType):
            return "Kubernetes API \(request): HTTP \(code) with a \(contentType ?? "untyped") body, not a Status"
        case .transport(let message): return "Kubernetes API connection failed: \(message)"
        case .tls(let message): return "Kubernetes API TLS failed: \(message)"
        case .timeout(let message): return "Kubernetes API timed out: \(message)"
        case .invalidResponse(let message): return "Kubernetes API sent an unexpected response: \(message)"
        case .responseTooLarge(let request, let limit):
            return "Kubernetes API \(request): response larger than \(limit) bytes"
        case .paging(let message): return "Kubernetes API paging failed: \(message)"
        case .invalidRequest(let message): return "Kubernetes API request is invalid: \(message)"
        case .invalidEndpoint(let message): return "Kubernetes endpoint cannot be used: \(message)"
        }
    }

    /// The `Status` when the server sent one.
    public var apiStatus: KubernetesStatus? {
        if case .status(let status) = self { return status }
        return nil
    }
}
