import Foundation

/// Failures of the CS client that are not an error answer from the service (those are `ACSServiceError`).
public enum CSClientError: Error, Sendable, CustomStringConvertible {
    /// The endpoint URL cannot be used (no scheme/host, or a scheme other than http/https).
    case invalidEndpoint(String)
    /// A region id with characters other than `a-z`, `0-9` and `-` (it becomes part of a host name).
    case invalidRegion(String)
    /// An argument outside what the API accepts.
    case invalidArgument(action: String, detail: String)
    /// Connection or transfer failure after the retries allowed for the call.
    case network(action: String, url: String, detail: String, attempts: Int)
    /// No complete response within the per-attempt deadline (connect + read timeout).
    case timeout(action: String, url: String, seconds: Double, attempts: Int)
    /// The response body exceeded `maxBodyBytes`.
    case bodyTooLarge(action: String, limit: Int)
    /// A successful status with a body that is not the JSON the operation expects.
    case invalidResponse(action: String, status: Int, detail: String)
    /// Throttled on every attempt up to the hard cap of attempts.
    case throttled(action: String, attempts: Int, lastError: ACSServiceError)
    /// The call's time budget (``RetryPolicy/maxElapsed``) ran out: retries, backoff and rate-limiter waits included.
    case budgetExhausted(action: String, seconds: Double, attempts: Int, lastError: String?)
    /// Pagination did not finish within `maxPages` pages.
    case tooManyPages(action: String, pages: Int)
    /// A page repeated clusters already seen (the server ignores `page_number`).
    case paginationNotAdvancing(action: String, page: Int)

    public var description: String {
        switch self {
        case .invalidEndpoint(let endpoint):
            return "invalid CS endpoint \"\(endpoint)\": expected an http:// or https:// URL with a host"
        case .invalidRegion(let region):
            return "invalid region id \"\(region)\": expected lower-case letters, digits and '-'"
        case .invalidArgument(let action, let detail):
            return "\(action): invalid argument: \(detail)"
        case .network(let action, let url, let detail, let attempts):
            return "\(action) to \(url) failed after \(attempts) attempt(s): \(detail)"
        case .timeout(let action, let url, let seconds, let attempts):
            return "\(action) to \(url) timed out after \(seconds)s (\(attempts) attempt(s))"
        case .bodyTooLarge(let action, let limit):
            return "\(action): response body larger than the limit of \(limit) bytes"
        case .invalidResponse(let action, let status, let detail):
            return "\(action): unexpected response (HTTP \(status)): \(detail)"
        case .throttled(let action, let attempts, let lastError):
            return "\(action): still throttled after \(attempts) attempts: \(lastError.code)"
        case .budgetExhausted(let action, let seconds, let attempts, let lastError):
            let last = lastError.map { "; last error: \($0)" } ?? ""
            return "\(action): no answer within the call's budget of \(String(format: "%g", seconds)) s "
                + "(\(attempts) attempt(s), retries and rate limiting included)\(last)"
        case .tooManyPages(let action, let pages):
            return "\(action): pagination did not end within \(pages) pages"
        case .paginationNotAdvancing(let action, let page):
            return "\(action): page \(page) repeated clusters of earlier pages; the server ignores page_number"
        }
    }
}
