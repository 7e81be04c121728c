import AlibabaCloudSigning
import Foundation
import Testing

@Suite("Signature vectors from the official SDK")
struct SigningVectorTests {
    static let fixedDate = Date(timeIntervalSince1970: 1_716_193_800)  // 2024-05-20T08:30:00Z

    @Test func fileHoldsAllSeventeenVectorsAndEveryOneIsCovered() throws {
        let file = try SignatureVectorFile.load()
        #expect(file.vectors.count == 17)
        let covered = Set(SignatureVectorFile.v3Names + SignatureVectorFile.roaNames + SignatureVectorFile.rpcNames)
        #expect(Set(file.vectors.map(\.name)) == covered)
        #expect(file.fixed.isoDate == SigningDate.iso8601(Self.fixedDate))
        #expect(file.fixed.rfc1123Date == SigningDate.rfc1123(Self.fixedDate))
    }

    /// The vectors were computed by the official SDK (the specification's `make_vectors.py`) and copied here, so the
    /// tests carry their own data; the digest pins the copy, so an edit of the file cannot pass unnoticed.
    @Test func bundledCopyIsTheOneTheSDKComputed() throws {
        let bundled = try Data(contentsOf: URL(fileURLWithPath: SignatureVectorFile.bundledPath))
        #expect(
            ACS3Signer.hashedPayload(Array(bundled))
                == "88c4ed3b653b3f57c2cea024e925525ab10472c359a29b2522619c0744ef170b",
            "Tests/AlibabaCloudSigningTests/Resources/signature-vectors.json differs from the SDK's vectors")
    }

    @Test(arguments: SignatureVectorFile.v3Names)
    func v3CanonicalRequestStringToSignAndAuthorization(name: String) throws {
        let vector = try SignatureVectorFile.vector(named: name)
        let request = vector.requestBeforeSigning
        let expectedNames = try #require(vector.output.signedHeaders)
        let signed = expectedNames.split(separator: ";").map(String.init)

        #expect(ACS3Signer.canonicalQuery(request.query) == vector.output.canonicalQueryString)
        #expect(ACS3Signer.canonicalHeaders(request, signedHeaders: signed) == vector.output.canonicalHeaders)
        #expect(ACS3Signer.hashedPayload(request.body) == vector.output.hashedPayload)
        #expect(ACS3Signer.canonicalRequest(request, signedHeaders: signed) == vector.output.canonicalRequest)
        #expect(ACS3Signer.stringToSign(request, signedHeaders: signed) == vector.output.stringToSign)

        let signature = ACS3Signer.signature(request, secret: vector.input.accessKeySecret, signedHeaders: signed)
        let authorization = ACS3Signer.authorization(
            accessKeyId: vector.input.accessKeyId, signedHeaders: signed, signature: signature)
        #expect(authorization == vector.output.authorization)

        let parsedText = try #require(vector.output.authorization)
        let parsed = try #require(ACS3Signer.parseAuthorization(parsedText))
        #expect(parsed.accessKeyId == vector.input.accessKeyId)
        #expect(parsed.signedHeaders == signed)
        #expect(parsed.signature == signature)
    }

    /// `sign` starting from only the headers a client chooses reproduces the "minimal" vectors exactly.
    @Test(arguments: SignatureVectorFile.v3Names.filter { $0.hasPrefix("v3_min_") })
    func v3SignProducesTheMinimalVector(name: String) throws {
        let vector = try SignatureVectorFile.vector(named: name)
        let before = try #require(vector.input.headersBeforeSigning)
        var request = SigningRequest(
            method: vector.input.method, pathname: try #require(vector.input.pathname),
            query: vector.input.query ?? [:],
            headers: before.filter {
                ![
                    "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256",
                    "x-acs-accesskey-id", "x-acs-security-token",
                ].contains($0.key)
            },
            body: Array((vector.input.body ?? "").utf8))
        let nonce = try SignatureVectorFile.load().fixed.nonce
        ACS3Signer.sign(&request, credential: vector.credential, date: Self.fixedDate, nonce: nonce)
        #expect(request.headers["authorization"] == vector.output.authorization)
        var expectedHeaders = before
        expectedHeaders["authorization"] = vector.output.authorization
        #expect(request.headers == expectedHeaders)
    }

    @Test(arguments: SignatureVectorFile.roaNames)
    func roaStringToSignSignatureAndAuthorization(name: String) throws {
        let vector = try SignatureVectorFile.vector(named: name)
        let request = vector.requestBeforeSigning
        #expect(ROASigner.stringToSign(request) == vector.output.stringToSign)
        let signature = ROASigner.signature(request, secret: vector.input.accessKeySecret)
        #expect(signature == vector.output.signature)
        #expect("acs \(vector.input.accessKeyId):\(signature)" == vector.output.authorization)

        let parsedText = try #require(vector.output.authorization)
        let parsed = try #require(ROASigner.parseAuthorization(parsedText))
        #expect(parsed.accessKeyId == vector.input.accessKeyId)
        #expect(parsed.signature == vector.output.signature)
    }

    /// `sign` sets date, nonce, method, version and STS headers itself and lands on the same Authorization.
    @Test(arguments: SignatureVectorFile.roaNames)
    func roaSignProducesTheVector(name: String) throws {
        let vector = try SignatureVectorFile.vector(named: name)
        let before = try #require(vector.input.headersBeforeSigning)
        let setBySign: Set<String> = [
            "date", "x-acs-signature-nonce", "x-acs-signature-method", "x-acs-signature-version",
            "x-acs-accesskey-id", "x-acs-security-token",
        ]
        var request = vector.requestBeforeSigning
        request.headers = before.filter { !setBySign.contains($0.key) }
        let nonce = try SignatureVectorFile.load().fixed.nonce
        ROASigner.sign(&request, credential: vector.credential, date: Self.fixedDate, nonce: nonce)
        #expect(request.headers["authorization"] == vector.output.authorization)
        var expectedHeaders = before
        expectedHeaders["authorization"] = vector.output.authorization
        #expect(request.headers == expectedHeaders)
    }

    @Test func rpcAssumeRoleStringToSignAndSignature() throws {
        let vector = try SignatureVectorFile.vector(named: "rpc_sts_assume_role")
        let parameters = try #require(vector.input.queryWithoutSignature)
        #expect(
            RPCSigner.stringToSign(method: vector.input.method, parameters: parameters) == vector.output.stringToSign)
        let signature = RPCSigner.signature(
            method: vector.input.method, parameters: parameters, secret: vector.input.accessKeySecret)
        #expect(signature == vector.output.signature)

        // A verifier may pass the received query including `Signature`: it is left out of the string to sign.
        var received = parameters
        received["Signature"] = signature
        #expect(RPCSigner.stringToSign(method: "GET", parameters: received) == vector.output.stringToSign)

        // `sign` adds the signature parameters itself and reproduces the vector.
        var request = parameters.filter {
            !["AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp"].contains($0.key)
        }
        let timestampText = try #require(parameters["Timestamp"])
        let timestamp = try #require(SigningDate.parseISO8601(timestampText))
        RPCSigner.sign(
            method: "GET", parameters: &request, credential: vector.credential, date: timestamp,
            nonce: try #require(parameters["SignatureNonce"]))
        #expect(request["Signature"] == vector.output.signature)
        #expect(request.filter { $0.key != "Signature" } == parameters)
    }
}
