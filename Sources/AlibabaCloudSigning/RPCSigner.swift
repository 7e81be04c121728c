import Crypto
public import Foundation

/// The RPC-style signature used by STS `AssumeRole` (ACK-API.md §4.4).
///
/// `StringToSign = METHOD & %2F & enc(sorted "enc(k)=enc(v)" joined by "&")` with RFC 3986 encoding;
/// `Signature = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))`.
public enum RPCSigner {
    public static let signatureMethod = "HMAC-SHA1"
    public static let signatureVersion = "1.0"

    /// The string to sign over `parameters`; a `Signature` entry, if present, is left out (so a verifier can pass
    /// the received query as it is).
    public static func stringToSign(method: String, parameters: [String: String]) -> String {
        let canonical = parameters.keys.filter { $0 != "Signature" }.sorted(by: utf8Less).map { key in
            "\(PercentEncoding.rfc3986(key))=\(PercentEncoding.rfc3986(parameters[key] ?? ""))"
        }.joined(separator: "&")
        return "\(method)&\(PercentEncoding.rfc3986("/"))&\(PercentEncoding.rfc3986(canonical))"
    }

    public static func signature(method: String, parameters: [String: String], secret: String) -> String {
        let key = SymmetricKey(data: Array((secret + "&").utf8))
        let message = Array(stringToSign(method: method, parameters: parameters).utf8)
        return Data(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key)).base64EncodedString()
    }

    /// Adds AccessKeyId, SignatureMethod, SignatureVersion, SignatureNonce, Timestamp, [SecurityToken], then Signature.
    public static func sign(
        method: String,
        parameters: inout [String: String],
        credential: SigningCredential,
        date: Date,
        nonce: String
    ) {
        parameters["Signature"] = nil
        parameters["AccessKeyId"] = credential.accessKeyId
        parameters["SignatureMethod"] = signatureMethod
        parameters["SignatureVersion"] = signatureVersion
        parameters["SignatureNonce"] = nonce
        parameters["Timestamp"] = SigningDate.iso8601(date)
        parameters["SecurityToken"] = credential.securityToken
        parameters["Signature"] = signature(
            method: method, parameters: parameters, secret: credential.accessKeySecret)
    }
}
