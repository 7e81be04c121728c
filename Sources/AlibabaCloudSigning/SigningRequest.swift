/// An HTTP request as the signers see it.
///
/// `pathname` is what goes on the wire (path parameters already percent-encoded), `query` holds decoded values
/// (the signers encode them as each algorithm requires) and `headers` uses lower-case names.
public struct SigningRequest: Sendable {
    public var method: String
    public var pathname: String
    public var query: [String: String]
    public var headers: [String: String]
    public var body: [UInt8]

    public init(
        method: String,
        pathname: String,
        query: [String: String] = [:],
        headers: [String: String] = [:],
        body: [UInt8] = []
    ) {
        self.method = method
        self.pathname = pathname
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The value of a header, looked up case-insensitively.
    public func header(_ name: String) -> String? {
        if let value = headers[name] { return value }
        let lowered = name.lowercased()
        return headers.first { $0.key.lowercased() == lowered }?.value
    }
}
