/// An error answer from an Alibaba Cloud API (HTTP 4xx/5xx), parsed from PascalCase (`Code`, `Message`,
/// `RequestId`: gateway errors) or camelCase (`code`, `message`, `requestId`: CS service errors) bodies.
///
/// A body that is not JSON, or JSON without a code, still gives an error: its code is `HTTP<status>` and the
/// message quotes the start of the body.
public struct ACSServiceError: Error, Sendable, CustomStringConvertible {
    public let code: String
    public let message: String
    public let requestId: String?
    public let httpStatus: Int
    /// The API action that failed, e.g. `DescribeClustersV1`.
    public let action: String

    public init(code: String, message: String, requestId: String?, httpStatus: Int, action: String = "") {
        self.code = code
        self.message = message
        self.requestId = requestId
        self.httpStatus = httpStatus
        self.action = action
    }

    /// `Throttling`, `Throttling.User`, `Throttling.Api`, `Rejected.Throttling`, … or HTTP 429.
    public var isThrottling: Bool { code.contains("Throttling") || httpStatus == 429 }

    /// Worth another attempt after a backoff: 5xx or `ServiceUnavailable`.
    public var isTransient: Bool { httpStatus >= 500 || code.contains("ServiceUnavailable") }

    public var description: String {
        let subject = action.isEmpty ? "Alibaba Cloud API" : "Alibaba Cloud API \(action)"
        let request = requestId.map { " (request id \($0))" } ?? ""
        return "\(subject) failed with HTTP \(httpStatus) \(code): \(message)\(request)"
    }
}
