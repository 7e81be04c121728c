public import JSON

/// A decoded CS answer together with the exact JSON it came from (saved as evidence) and its request id.
public struct CSResponse<Value: Sendable>: Sendable {
    public let value: Value
    /// The whole response body as JSON; nothing is dropped.
    public let raw: JSONValue
    /// From the `x-acs-request-id` header, else the body's `requestId`/`RequestId`/`request_id`.
    public let requestId: String?

    public init(value: Value, raw: JSONValue, requestId: String?) {
        self.value = value
        self.raw = raw
        self.requestId = requestId
    }
}
