import AlibabaCloudSigning
import Foundation

/// The known-answer vectors of `signature-vectors.json` (produced by the official Python SDK's own code).
struct SignatureVectorFile: Decodable, Sendable {
    struct Fixed: Decodable, Sendable {
        let nonce: String
        let isoDate: String
        let rfc1123Date: String

        enum CodingKeys: String, CodingKey {
            case nonce
            case isoDate = "x-acs-date"
            case rfc1123Date = "date"
        }
    }

    let fixed: Fixed
    let vectors: [SignatureVector]

    /// The copy kept beside the tests (always present in a checkout).
    static let bundledPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Resources/signature-vectors.json").path

    static func load(_ path: String = bundledPath) throws -> SignatureVectorFile {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(SignatureVectorFile.self, from: data)
    }

    static func vector(named name: String) throws -> SignatureVector {
        guard let vector = try load().vectors.first(where: { $0.name == name }) else {
            throw VectorError.missing(name)
        }
        return vector
    }

    enum VectorError: Error, CustomStringConvertible {
        case missing(String)
        var description: String { "signature vector \(self) not found in \(SignatureVectorFile.bundledPath)" }
    }

    static let v3Names = [
        "v3_e2e_get_describe_clusters_v1_special_query", "v3_e2e_get_addon_instance_no_query",
        "v3_e2e_post_modify_cluster_addon_json", "v3_e2e_get_user_kubeconfig_sts",
        "v3_min_get_describe_clusters_v1_special_query", "v3_min_get_empty_value_param",
        "v3_min_post_modify_cluster_addon_json", "v3_min_get_task_sts",
    ]
    static let roaNames = [
        "roa_e2e_get_describe_clusters_v1_special_query", "roa_e2e_get_addon_instance_no_query",
        "roa_e2e_post_modify_cluster_addon_json", "roa_e2e_get_user_kubeconfig_sts",
        "roa_min_get_describe_clusters_v1_special_query", "roa_min_get_empty_value_param",
        "roa_min_post_with_content_md5", "roa_min_get_task_sts",
    ]
    static let rpcNames = ["rpc_sts_assume_role"]
}

struct SignatureVector: Decodable, Sendable {
    struct Input: Decodable, Sendable {
        let accessKeyId: String
        let accessKeySecret: String
        let securityToken: String?
        let method: String
        let pathname: String?
        let query: [String: String]?
        let headersBeforeSigning: [String: String]?
        let body: String?
        let queryWithoutSignature: [String: String]?

        enum CodingKeys: String, CodingKey {
            case accessKeyId = "access_key_id"
            case accessKeySecret = "access_key_secret"
            case securityToken = "security_token"
            case method, pathname, query, body
            case headersBeforeSigning = "headers_before_signing"
            case queryWithoutSignature = "query_without_signature"
        }
    }

    struct Output: Decodable, Sendable {
        let canonicalQueryString: String?
        let canonicalHeaders: String?
        let signedHeaders: String?
        let hashedPayload: String?
        let canonicalRequest: String?
        let hashedCanonicalRequest: String?
        let stringToSign: String
        let signature: String?
        let authorization: String?

        enum CodingKeys: String, CodingKey {
            case canonicalQueryString = "canonical_query_string"
            case canonicalHeaders = "canonical_headers"
            case signedHeaders = "signed_headers"
            case hashedPayload = "hashed_payload"
            case canonicalRequest = "canonical_request"
            case hashedCanonicalRequest = "hashed_canonical_request"
            case stringToSign = "string_to_sign"
            case signature, authorization
        }
    }

    let name: String
    let kind: String
    let algorithm: String
    let input: Input
    let output: Output

    var credential: SigningCredential {
        SigningCredential(
            accessKeyId: input.accessKeyId, accessKeySecret: input.accessKeySecret,
            securityToken: input.securityToken)
    }

    /// The request as the SDK had it just before computing the signature.
    var requestBeforeSigning: SigningRequest {
        SigningRequest(
            method: input.method, pathname: input.pathname ?? "/", query: input.query ?? [:],
            headers: input.headersBeforeSigning ?? [:], body: Array((input.body ?? "").utf8))
    }
}
