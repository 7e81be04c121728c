import AlibabaCloudSigning

/// One CS API call before signing: what the operation methods hand to the transport.
struct ACSOperation: Sendable {
    var action: String
    var method: String
    /// The API path with path parameters already percent-encoded (RFC 3986).
    var pathname: String
    /// Decoded query values.
    var query: [String: String] = [:]
    /// A JSON body (sent with `content-type: application/json; charset=utf-8`).
    var body: [UInt8]?
    /// `nil` for account-wide calls served by `cs.aliyuncs.com`.
    var region: String?
    /// Whether repeating the call is harmless; only such calls are retried after network errors and 5xx.
    /// Throttling and `ServiceUnavailable` answers are retried for every call (the server did not act on them).
    var idempotent: Bool
    /// Set for an RPC-style call (ResourceManager): the API version, sent as `Version` with `Action` and `Format`
    /// among the query parameters, which carry the RPC signature 1.0 (HMAC-SHA1) instead of an `authorization`
    /// header. `pathname` is then `/`.
    var rpcVersion: String?

    static let apiVersion = "2015-12-15"

    /// RFC 3986-encodes one path parameter (`/` included), as the SDK's `percent_encode` does.
    static func pathParameter(_ value: String) -> String {
        PercentEncoding.rfc3986(value)
    }
}
