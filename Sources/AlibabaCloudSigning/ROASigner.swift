import Crypto
public import Foundation

/// The legacy ROA signature, `Authorization: acs <AccessKeyId>:<base64(HMAC-SHA1)>` (ACK-API.md §4.3).
///
/// ```
/// StringToSign = METHOD \n Accept \n Content-MD5 \n Content-Type \n Date \n CanonicalizedHeaders CanonicalizedResource
/// ```
/// `CanonicalizedHeaders` is `name:value\n` for each `x-acs-*` header, sorted and untrimmed;
/// `CanonicalizedResource` is the path plus `?k=v&k2` over the sorted query with raw (decoded) values.
public enum ROASigner {
    public static let signatureMethod = "HMAC-SHA1"
    public static let signatureVersion = "1.0"

    public static func stringToSign(_ request: SigningRequest) -> String {
        var text = "\(request.method)\n"
        for name in ["accept", "content-md5", "content-type", "date"] {
            text += (request.header(name) ?? "") + "\n"
        }
        var acsHeaders: [String: String] = [:]
        for (name, value) in request.headers where name.lowercased().hasPrefix("x-acs-") {
            acsHeaders[name.lowercased()] = value
        }
        for name in acsHeaders.keys.sorted(by: utf8Less) {
            text += "\(name):\(acsHeaders[name] ?? "")\n"
        }
        text += canonicalizedResource(pathname: request.pathname, query: request.query)
        return text
    }

    /// The path, and for a non-empty query `?` plus the sorted `k=v` pairs (raw values; an empty value gives a bare
    /// `k`) joined by `&`.
    public static func canonicalizedResource(pathname: String, query: [String: String]) -> String {
        guard !query.isEmpty else { return pathname }
        let pairs = query.keys.sorted(by: utf8Less).map { key -> String in
            let value = query[key] ?? ""
            return value.isEmpty ? key : "\(key)=\(value)"
        }
        return pathname + "?" + pairs.joined(separator: "&")
    }

    /// base64(HMAC-SHA1(AccessKeySecret, StringToSign)).
    public static func signature(_ request: SigningRequest, secret: String) -> String {
        let key = SymmetricKey(data: Array(secret.utf8))
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Array(stringToSign(request).utf8), using: key)
        return Data(code).base64EncodedString()
    }

    /// Sets date (RFC 1123 GMT), x-acs-signature-nonce, x-acs-signature-method, x-acs-signature-version, STS headers,
    /// authorization.
    public static func sign(_ request: inout SigningRequest, credential: SigningCredential, date: Date, nonce: String) {
        request.headers["authorization"] = nil
        request.headers["date"] = SigningDate.rfc1123(date)
        request.headers["x-acs-signature-nonce"] = nonce
        request.headers["x-acs-signature-method"] = signatureMethod
        request.headers["x-acs-signature-version"] = signatureVersion
        if let token = credential.securityToken {
            request.headers["x-acs-accesskey-id"] = credential.accessKeyId
            request.headers["x-acs-security-token"] = token
        } else {
            request.headers["x-acs-accesskey-id"] = nil
            request.headers["x-acs-security-token"] = nil
        }
        let value = signature(request, secret: credential.accessKeySecret)
        request.headers["authorization"] = "acs \(credential.accessKeyId):\(value)"
    }

    /// Parses "acs AK:SIG".
    public static func parseAuthorization(_ value: String) -> (accessKeyId: String, signature: String)? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("acs ") else { return nil }
        let rest = text.dropFirst(4)
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        let accessKeyId = String(rest[..<colon])
        let signature = String(rest[rest.index(after: colon)...])
        guard !accessKeyId.isEmpty, !signature.isEmpty else { return nil }
        return (accessKeyId, signature)
    }
}
