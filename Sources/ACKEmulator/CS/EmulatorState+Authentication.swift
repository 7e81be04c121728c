import AlibabaCloudSigning
import Crypto
import Foundation

extension EmulatorState {
    /// Who signed a request.
    struct Principal: Sendable, Equatable {
        var accessKeyId: String
        var isTemporary: Bool
    }

    /// A temporary key issued by the emulator's STS.
    struct TemporaryCredential: Sendable {
        var secret: String
        var securityToken: String
        var expiration: Date
        var roleArn: String
        /// The member account the credential was issued into (nil: the management account).
        var memberAccountId: String? = nil
    }

    /// Common request headers that must be signed whenever they are present (V3 signature doc: every common
    /// header except Authorization).
    static let mustBeSigned = [
        "host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256",
        "x-acs-security-token",
    ]

    /// Checks the request's signature (V3 `ACS3-HMAC-SHA256` or ROA `acs AK:SIG`), key, STS token, date and nonce.
    func authenticate(_ request: CSRequest) -> Result<Principal, CSError> {
        guard let authorization = request.header("authorization") else { return .failure(.incompleteSignature) }
        if let parsed = ACS3Signer.parseAuthorization(authorization) {
            return authenticateV3(
                request, accessKeyId: parsed.accessKeyId, signedHeaders: parsed.signedHeaders,
                signature: parsed.signature)
        }
        if let parsed = ROASigner.parseAuthorization(authorization) {
            return authenticateROA(request, accessKeyId: parsed.accessKeyId, signature: parsed.signature)
        }
        return .failure(.incompleteSignature)
    }

    func authenticateV3(_ request: CSRequest, accessKeyId: String, signedHeaders: [String], signature: String)
        -> Result<Principal, CSError>
    {
        let secret: String
        switch secretAndToken(accessKeyId: accessKeyId, token: request.header("x-acs-security-token")) {
        case .success(let value): secret = value
        case .failure(let error): return .failure(error)
        }
        guard let dateText = request.header("x-acs-date") else { return .failure(.timeStampFormat) }
        guard let date = SigningDate.parseISO8601(dateText) else { return .failure(.timeStampFormat) }
        guard abs(date.timeIntervalSince(clock())) <= tolerance else { return .failure(.timeStampExpired) }
        guard let nonce = request.header("x-acs-signature-nonce"), !nonce.isEmpty else {
            return .failure(.missingNonce)
        }
        let signed = Set(signedHeaders.map { $0.lowercased() })
        for name in Self.mustBeSigned where request.header(name) != nil && !signed.contains(name) {
            return .failure(
                .gateway(
                    400, "IncompleteSignature",
                    "The request signature does not conform to Aliyun standards. (header \(name) is not signed)"))
        }
        let signingRequest = request.signingRequest
        if let declared = request.header("x-acs-content-sha256"),
            declared.lowercased() != ACS3Signer.hashedPayload(request.body)
        {
            return .failure(
                .signatureMismatch(
                    stringToSign: ACS3Signer.stringToSign(signingRequest, signedHeaders: signedHeaders),
                    detail: "x-acs-content-sha256 does not match the request body"))
        }
        let expected = ACS3Signer.signature(signingRequest, secret: secret, signedHeaders: signedHeaders)
        guard constantTimeEquals(expected, signature.lowercased()) else {
            return .failure(
                .signatureMismatch(stringToSign: ACS3Signer.stringToSign(signingRequest, signedHeaders: signedHeaders)))
        }
        if let error = useNonce(nonce, accessKeyId: accessKeyId) { return .failure(error) }
        return .success(Principal(accessKeyId: accessKeyId, isTemporary: temporaryCredentials[accessKeyId] != nil))
    }

    func authenticateROA(_ request: CSRequest, accessKeyId: String, signature: String) -> Result<Principal, CSError> {
        let secret: String
        switch secretAndToken(accessKeyId: accessKeyId, token: request.header("x-acs-security-token")) {
        case .success(let value): secret = value
        case .failure(let error): return .failure(error)
        }
        guard let dateText = request.header("date") else { return .failure(.timeStampFormat) }
        guard let date = SigningDate.parseRFC1123(dateText) else { return .failure(.timeStampFormat) }
        guard abs(date.timeIntervalSince(clock())) <= tolerance else { return .failure(.timeStampExpired) }
        // The nonce is as mandatory as on V3: without it a captured request could be replayed for as long as its
        // date is within the tolerance window.
        guard let nonce = request.header("x-acs-signature-nonce"), !nonce.isEmpty else {
            return .failure(.missingNonce)
        }
        let signingRequest = request.signingRequest
        if let declared = request.header("content-md5") {
            let actual = Data(Insecure.MD5.hash(data: request.body)).base64EncodedString()
            guard declared == actual else {
                return .failure(
                    .signatureMismatch(
                        stringToSign: ROASigner.stringToSign(signingRequest),
                        detail: "Content-MD5 does not match the request body"))
            }
        }
        let expected = ROASigner.signature(signingRequest, secret: secret)
        guard constantTimeEquals(expected, signature) else {
            return .failure(.signatureMismatch(stringToSign: ROASigner.stringToSign(signingRequest)))
        }
        if let error = useNonce(nonce, accessKeyId: accessKeyId) { return .failure(error) }
        return .success(Principal(accessKeyId: accessKeyId, isTemporary: temporaryCredentials[accessKeyId] != nil))
    }

    /// The secret for `accessKeyId`, checking the STS token for temporary keys.
    func secretAndToken(accessKeyId: String, token: String?) -> Result<String, CSError> {
        if let secret = accessKeys[accessKeyId] { return .success(secret) }
        guard let temporary = temporaryCredentials[accessKeyId] else { return .failure(.accessKeyNotFound) }
        guard let token, !token.isEmpty else { return .failure(.securityTokenMalformed) }
        guard constantTimeEquals(token, temporary.securityToken) else {
            let issued = temporaryCredentials.values.contains { constantTimeEquals($0.securityToken, token) }
            return .failure(issued ? .securityTokenMismatch : .securityTokenMalformed)
        }
        guard temporary.expiration > clock() else { return .failure(.securityTokenExpired) }
        return .success(temporary.secret)
    }

    /// Records a nonce; an error when it was used within the tolerance window.
    func useNonce(_ nonce: String, accessKeyId: String) -> CSError? {
        let now = clock()
        if nonces.count > 10_000 {
            nonces = nonces.filter { $0.value > now }
        }
        let key = "\(accessKeyId)\n\(nonce)"
        if let expiry = nonces[key], expiry > now { return .nonceUsed }
        nonces[key] = now.addingTimeInterval(tolerance)
        return nil
    }
}
