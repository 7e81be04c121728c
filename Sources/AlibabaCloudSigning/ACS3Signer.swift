import Crypto
public import Foundation

/// Alibaba Cloud V3 request signing, `ACS3-HMAC-SHA256` (ACK-API.md §4.2).
///
/// ```
/// CanonicalRequest = METHOD \n URI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n hex(SHA256(body))
/// StringToSign     = "ACS3-HMAC-SHA256" \n hex(SHA256(CanonicalRequest))
/// Signature        = hex(HMAC-SHA256(AccessKeySecret, StringToSign))
/// ```
/// Everything here is a pure function of its arguments: the date and nonce are parameters of `sign`.
public enum ACS3Signer {
    public static let algorithm = "ACS3-HMAC-SHA256"

    /// Keys sorted by their UTF-8 bytes, `key=value` with both RFC 3986-encoded, joined by `&`; an empty value
    /// gives `key=`.
    public static func canonicalQuery(_ query: [String: String]) -> String {
        query.keys.sorted(by: utf8Less).map { key in
            "\(PercentEncoding.rfc3986(key))=\(PercentEncoding.rfc3986(query[key] ?? ""))"
        }.joined(separator: "&")
    }

    /// The sorted, de-duplicated, lower-case form of a signed-header list, as it appears in `SignedHeaders`.
    public static func normalizedSignedHeaders(_ signedHeaders: [String]) -> [String] {
        Array(Set(signedHeaders.map { $0.lowercased() })).sorted(by: utf8Less)
    }

    /// `name:trimmed value\n` for every signed header, sorted by name; a signed header missing from the request
    /// contributes an empty value (so a verifier fails the comparison rather than crashing).
    public static func canonicalHeaders(_ request: SigningRequest, signedHeaders: [String]) -> String {
        normalizedSignedHeaders(signedHeaders).map { name in
            "\(name):\((request.header(name) ?? "").trimmingCharacters(in: .whitespacesAndNewlines))\n"
        }.joined()
    }

    /// Lower-case hex SHA-256 of the body bytes (also the value of `x-acs-content-sha256`).
    public static func hashedPayload(_ body: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: body))
    }

    public static func canonicalRequest(_ request: SigningRequest, signedHeaders: [String]) -> String {
        let uri = request.pathname.isEmpty ? "/" : request.pathname
        return [
            request.method,
            uri,
            canonicalQuery(request.query),
            canonicalHeaders(request, signedHeaders: signedHeaders),
            normalizedSignedHeaders(signedHeaders).joined(separator: ";"),
            hashedPayload(request.body),
        ].joined(separator: "\n")
    }

    public static func stringToSign(_ request: SigningRequest, signedHeaders: [String]) -> String {
        let canonical = canonicalRequest(request, signedHeaders: signedHeaders)
        return "\(algorithm)\n\(Hex.encode(SHA256.hash(data: Array(canonical.utf8))))"
    }

    /// Lower-case hex HMAC-SHA256 of the string to sign, keyed with the AccessKey secret.
    public static func signature(_ request: SigningRequest, secret: String, signedHeaders: [String]) -> String {
        let message = Array(stringToSign(request, signedHeaders: signedHeaders).utf8)
        let key = SymmetricKey(data: Array(secret.utf8))
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }

    /// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>`.
    public static func authorization(accessKeyId: String, signedHeaders: [String], signature: String) -> String {
        let names = normalizedSignedHeaders(signedHeaders).joined(separator: ";")
        return "\(algorithm) Credential=\(accessKeyId),SignedHeaders=\(names),Signature=\(signature)"
    }

    /// The "minimal" header selection: `host`, `content-type` (when present) and every `x-acs-*` header.
    public static func minimalSignedHeaders(_ headers: [String: String]) -> [String] {
        normalizedSignedHeaders(
            headers.keys.filter { name in
                let lowered = name.lowercased()
                return lowered == "host" || lowered == "content-type" || lowered.hasPrefix("x-acs-")
            }
        )
    }

    /// Sets x-acs-date (ISO8601 UTC), x-acs-signature-nonce, x-acs-content-sha256, and with an STS token
    /// x-acs-accesskey-id + x-acs-security-token, then `authorization`. Signs host, content-type (if present) and
    /// every x-acs-* header (the "minimal" header selection).
    public static func sign(_ request: inout SigningRequest, credential: SigningCredential, date: Date, nonce: String) {
        request.headers["authorization"] = nil
        request.headers["x-acs-date"] = SigningDate.iso8601(date)
        request.headers["x-acs-signature-nonce"] = nonce
        request.headers["x-acs-content-sha256"] = hashedPayload(request.body)
        if let token = credential.securityToken {
            request.headers["x-acs-accesskey-id"] = credential.accessKeyId
            request.headers["x-acs-security-token"] = token
        } else {
            request.headers["x-acs-accesskey-id"] = nil
            request.headers["x-acs-security-token"] = nil
        }
        let signed = minimalSignedHeaders(request.headers)
        let value = signature(request, secret: credential.accessKeySecret, signedHeaders: signed)
        request.headers["authorization"] = authorization(
            accessKeyId: credential.accessKeyId, signedHeaders: signed, signature: value)
    }

    /// Parses "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex".
    public static func parseAuthorization(
        _ value: String
    ) -> (accessKeyId: String, signedHeaders: [String], signature: String)? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix(algorithm + " ") else { return nil }
        var fields: [String: String] = [:]
        for part in text.dropFirst(algorithm.count + 1).split(separator: ",") {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard let equals = item.firstIndex(of: "=") else { return nil }
            let key = String(item[..<equals])
            guard fields[key] == nil else { return nil }
            fields[key] = String(item[item.index(after: equals)...])
        }
        guard let accessKeyId = fields["Credential"], !accessKeyId.isEmpty,
            let names = fields["SignedHeaders"], let signature = fields["Signature"], !signature.isEmpty
        else { return nil }
        let signedHeaders = names.split(separator: ";").map(String.init)
        guard !signedHeaders.isEmpty else { return nil }
        return (accessKeyId, signedHeaders, signature)
    }
}

/// Byte-wise (UTF-8) ordering, the order the Alibaba Cloud SDKs sort keys in.
func utf8Less(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}
