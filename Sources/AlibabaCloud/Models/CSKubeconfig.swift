import AlibabaCloudSigning
public import Foundation
import JSON

/// `DescribeClusterUserKubeconfig`: `{"config": <kubeconfig YAML>, "expiration": <RFC 3339 UTC>}`.
///
/// The kubeconfig carries credentials: `description` never shows it.
public struct CSKubeconfig: Sendable, CustomStringConvertible {
    /// The kubeconfig YAML. Secret.
    public let config: String?
    public let expiration: String?

    public init(config: String?, expiration: String?) {
        self.config = config
        self.expiration = expiration
    }

    init(json: JSONValue) {
        self.init(config: json.text("config"), expiration: json.text("expiration"))
    }

    /// `expiration` parsed (`YYYY-MM-DDThh:mm:ssZ`).
    public var expirationDate: Date? { expiration.flatMap(SigningDate.parseISO8601) }

    public var description: String {
        let size = config.map { "<redacted \($0.utf8.count) bytes>" } ?? "none"
        return "CSKubeconfig(config: \(size), expiration: \(expiration ?? "none"))"
    }
}
