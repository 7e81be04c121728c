import AlibabaCloudSigning
import Foundation
import NIOCore
import NIOHTTP1

/// Calls the STS RPC API (`GET https://sts.aliyuncs.com/?Action=...`) and turns its answer into a credential or
/// a `CredentialError` that carries the STS code and request id but no secret.
struct STSClient: Sendable {
    static let version = "2015-04-01"
    static let timeout = TimeAmount.seconds(10)

    let http: CredentialHTTP
    let endpoint: URL

    /// Sends `parameters` (already signed, or unsigned for AssumeRoleWithOIDC) and decodes `Credentials`.
    /// - Parameter secrets: strings that must not appear in an error (secret, tokens); they are redacted from the
    ///   STS error message, which may echo the string to sign.
    func call(
        action: String,
        parameters: [String: String],
        secrets: [String],
        providerName: String
    ) async throws -> ACSCredential {
        let (object, endpointText) = try await send(action: action, parameters: parameters, secrets: secrets)
        let source = "STS \(action)"
        guard let credentials = object["Credentials"] as? [String: Any] else {
            throw CredentialError.invalidResponse(
                source: source, endpoint: endpointText, reason: "no 'Credentials' object")
        }
        return try Self.credential(
            from: credentials, source: source, endpoint: endpointText, providerName: providerName)
    }

    /// Sends `parameters` and returns the answer's JSON object (and the endpoint as errors name it); an STS error
    /// answer is a `CredentialError` with its code and request id, `secrets` redacted from its message.
    func send(action: String, parameters: [String: String], secrets: [String]) async throws
        -> (object: [String: Any], endpoint: String)
    {
        let url = Self.url(endpoint: endpoint, parameters: parameters)
        let endpointText = CredentialHTTP.redacted(url)
        let response = try await http.send(.GET, url: url, timeout: Self.timeout, source: "STS \(action)")
        let object = Self.jsonObject(response.body)
        guard response.status == 200 else {
            let code = Self.string(object, "Code", "code") ?? "HTTP\(response.status)"
            let message = Redaction.clean(Self.string(object, "Message", "message") ?? "", secrets: secrets)
            throw CredentialError.stsError(
                action: action, endpoint: endpointText, httpStatus: response.status,
                code: Redaction.clean(code, secrets: secrets),
                message: message, requestId: Self.string(object, "RequestId", "requestId"))
        }
        guard let object else {
            throw CredentialError.invalidResponse(
                source: "STS \(action)", endpoint: endpointText, reason: "body is not a JSON object")
        }
        return (object, endpointText)
    }

    /// Decodes the `AccessKeyId`/`AccessKeySecret`/`SecurityToken`/`Expiration` quadruple shared by STS, the ECS
    /// metadata service and credentials URIs.
    static func credential(
        from object: [String: Any],
        source: String,
        endpoint: String,
        providerName: String
    ) throws -> ACSCredential {
        func field(_ name: String) throws -> String {
            guard let value = object[name] as? String, !value.isEmpty else {
                throw CredentialError.invalidResponse(
                    source: source, endpoint: endpoint, reason: "'\(name)' is missing")
            }
            return value
        }
        let expirationText = try field("Expiration")
        guard let expiration = SigningDate.parseISO8601(expirationText) else {
            throw CredentialError.invalidResponse(
                source: source, endpoint: endpoint,
                reason: "'Expiration' is not of the form YYYY-MM-DDThh:mm:ssZ: \(expirationText.prefix(40))")
        }
        return ACSCredential(
            accessKeyId: try field("AccessKeyId"), accessKeySecret: try field("AccessKeySecret"),
            securityToken: try field("SecurityToken"), expiration: expiration, providerName: providerName)
    }

    /// `<endpoint>/?k=v&...` with RFC 3986 encoding, keys sorted (the order does not matter to STS).
    static func url(endpoint: URL, parameters: [String: String]) -> String {
        var base = endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let query = parameters.keys.sorted().map {
            "\(PercentEncoding.rfc3986($0))=\(PercentEncoding.rfc3986(parameters[$0] ?? ""))"
        }.joined(separator: "&")
        return "\(base)/?\(query)"
    }

    /// The body as a JSON object, `nil` when it is not one (an error page, an empty body).
    static func jsonObject(_ body: String) -> [String: Any]? {
        do {
            return try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        } catch {
            return nil
        }
    }

    private static func string(_ object: [String: Any]?, _ names: String...) -> String? {
        for name in names {
            if let value = object?[name] as? String, !value.isEmpty { return value }
        }
        return nil
    }
}
