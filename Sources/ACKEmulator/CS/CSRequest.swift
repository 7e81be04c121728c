import AlibabaCloudSigning
import Audit
import Foundation

/// One HTTP request to the CS endpoint, as the handlers and the signature check see it.
struct CSRequest: Sendable {
    var method: String
    /// The path as sent (still percent-encoded), without the query.
    var rawPath: String
    /// Path segments, percent-decoded.
    var segments: [String]
    /// Query parameters, decoded (`+` is a space); the last of repeated keys wins.
    var query: [String: String]
    /// Header values by lower-case name (repeated headers joined with `,`), including `host`.
    var headers: [String: String]
    var body: [UInt8]

    init(method: String, target: String, headers: [String: String], body: [UInt8]) {
        self.method = method
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts.first.map(String.init) ?? "/"
        self.rawPath = path.isEmpty ? "/" : path
        self.segments = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        self.query = parts.count > 1 ? Self.parseForm(String(parts[1])) : [:]
        self.headers = headers
        self.body = body
    }

    /// Parses `application/x-www-form-urlencoded` text (also the query string).
    static func parseForm(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(String(pieces[0]))
            let value = pieces.count > 1 ? decode(String(pieces[1])) : ""
            result[key] = value
        }
        return result
    }

    static func decode(_ text: String) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    var signingRequest: SigningRequest {
        SigningRequest(method: method, pathname: rawPath, query: query, headers: headers, body: body)
    }

    func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// The body as JSON, when it is JSON.
    var jsonBody: Audit.JSONValue? {
        body.isEmpty ? nil : JSONText.parse(Data(body))
    }
}
