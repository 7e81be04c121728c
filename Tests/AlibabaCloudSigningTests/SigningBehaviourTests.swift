import AlibabaCloudSigning
import Foundation
import Testing

@Suite("Signer behaviour beyond the vectors")
struct SigningBehaviourTests {
    static let date = Date(timeIntervalSince1970: 1_716_193_800)
    static let credential = SigningCredential(accessKeyId: "AKID", accessKeySecret: "s3cr3t")

    static func request() -> SigningRequest {
        SigningRequest(
            method: "GET", pathname: "/api/v1/clusters", query: ["page_number": "1"],
            headers: [
                "host": "cs.cn-hangzhou.aliyuncs.com", "x-acs-action": "DescribeClustersV1",
                "x-acs-version": "2015-12-15", "accept": "application/json", "user-agent": "ackguard-test",
            ])
    }

    @Test func v3FreshNonceGivesAFreshSignatureAndSameInputsAreDeterministic() throws {
        var first = Self.request()
        var again = Self.request()
        var second = Self.request()
        ACS3Signer.sign(&first, credential: Self.credential, date: Self.date, nonce: "nonce-1")
        ACS3Signer.sign(&again, credential: Self.credential, date: Self.date, nonce: "nonce-1")
        ACS3Signer.sign(&second, credential: Self.credential, date: Self.date, nonce: "nonce-2")
        #expect(first.headers == again.headers)
        #expect(first.headers["x-acs-signature-nonce"] == "nonce-1")
        #expect(second.headers["x-acs-signature-nonce"] == "nonce-2")
        #expect(first.headers["authorization"] != second.headers["authorization"])
    }

    @Test func v3ResigningReplacesDateNonceAndAuthorization() throws {
        var request = Self.request()
        ACS3Signer.sign(&request, credential: Self.credential, date: Self.date, nonce: "one")
        let firstAuthorization = request.headers["authorization"]
        ACS3Signer.sign(&request, credential: Self.credential, date: Self.date.addingTimeInterval(1), nonce: "two")
        #expect(request.headers["x-acs-date"] == "2024-05-20T08:30:01Z")
        #expect(request.headers["x-acs-signature-nonce"] == "two")
        #expect(request.headers["authorization"] != firstAuthorization)
        #expect(try verifyV3(request, secret: "s3cr3t"))
    }

    @Test func v3SignsOnlyHostContentTypeAndAcsHeaders() throws {
        var request = Self.request()
        request.method = "POST"
        request.body = Array(#"{"config":"{}"}"#.utf8)
        request.headers["content-type"] = "application/json; charset=utf-8"
        ACS3Signer.sign(&request, credential: Self.credential, date: Self.date, nonce: "n")
        let parsedText = try #require(request.headers["authorization"])
        let parsed = try #require(ACS3Signer.parseAuthorization(parsedText))
        #expect(
            parsed.signedHeaders == [
                "content-type", "host", "x-acs-action", "x-acs-content-sha256", "x-acs-date",
                "x-acs-signature-nonce", "x-acs-version",
            ])
        #expect(request.headers["x-acs-content-sha256"] == ACS3Signer.hashedPayload(request.body))
        #expect(try verifyV3(request, secret: "s3cr3t"))
        // Tampering with the body breaks verification (the payload hash is recomputed from the bytes).
        var tampered = request
        tampered.body = Array(#"{"config":"{\"x\":1}"}"#.utf8)
        #expect(try !verifyV3(tampered, secret: "s3cr3t"))
        #expect(try !verifyV3(request, secret: "wrong"))
    }

    @Test func stsTokenHeadersAreAddedAndRemovedWithTheToken() throws {
        let sts = SigningCredential(accessKeyId: "STS.id", accessKeySecret: "sec", securityToken: "tok/+=")
        var request = Self.request()
        ACS3Signer.sign(&request, credential: sts, date: Self.date, nonce: "n")
        #expect(request.headers["x-acs-accesskey-id"] == "STS.id")
        #expect(request.headers["x-acs-security-token"] == "tok/+=")
        let parsedText = try #require(request.headers["authorization"])
        let parsed = try #require(ACS3Signer.parseAuthorization(parsedText))
        #expect(parsed.signedHeaders.contains("x-acs-security-token"))
        ACS3Signer.sign(&request, credential: Self.credential, date: Self.date, nonce: "n")
        #expect(request.headers["x-acs-security-token"] == nil)
        #expect(request.headers["x-acs-accesskey-id"] == nil)

        var roa = Self.request()
        ROASigner.sign(&roa, credential: sts, date: Self.date, nonce: "n")
        #expect(roa.headers["x-acs-security-token"] == "tok/+=")
        #expect(roa.headers["date"] == "Mon, 20 May 2024 08:30:00 GMT")
        #expect(ROASigner.stringToSign(roa).contains("x-acs-security-token:tok/+=\n"))
    }

    @Test func roaFreshNonceGivesAFreshSignature() {
        var first = Self.request()
        var second = Self.request()
        ROASigner.sign(&first, credential: Self.credential, date: Self.date, nonce: "a")
        ROASigner.sign(&second, credential: Self.credential, date: Self.date, nonce: "b")
        #expect(first.headers["authorization"] != second.headers["authorization"])
        #expect(first.headers["authorization"]?.hasPrefix("acs AKID:") == true)
    }

    @Test func canonicalQueryEncodesSpecialCharactersInKeysAndValues() {
        let query = [
            "b": "a b+c*d~e/f", "a": "", "Z": "ü€😀", "key with space": "=&?#%", "_-.~": "-_.~",
        ]
        #expect(
            ACS3Signer.canonicalQuery(query)
                == "Z=%C3%BC%E2%82%AC%F0%9F%98%80&_-.~=-_.~&a=&b=a%20b%2Bc%2Ad~e%2Ff"
                + "&key%20with%20space=%3D%26%3F%23%25")
        #expect(ACS3Signer.canonicalQuery([:]) == "")
        // ROA keeps raw values and bare keys for empty values.
        #expect(
            ROASigner.canonicalizedResource(pathname: "/p", query: ["b": "x y/*", "a": ""]) == "/p?a&b=x y/*")
        #expect(ROASigner.canonicalizedResource(pathname: "/p", query: [:]) == "/p")
    }

    @Test(arguments: [
        ("abcXYZ019-_.~", "abcXYZ019-_.~"), (" ", "%20"), ("*", "%2A"), ("+", "%2B"), ("/", "%2F"),
        ("测", "%E6%B5%8B"), ("%", "%25"), ("", ""),
    ])
    func rfc3986(input: String, expected: String) {
        #expect(PercentEncoding.rfc3986(input) == expected)
    }

    @Test func datesFormatAndParseInUTC() throws {
        #expect(SigningDate.iso8601(Self.date) == "2024-05-20T08:30:00Z")
        #expect(SigningDate.rfc1123(Self.date) == "Mon, 20 May 2024 08:30:00 GMT")
        #expect(SigningDate.iso8601(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(SigningDate.rfc1123(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(SigningDate.iso8601(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(SigningDate.rfc1123(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(SigningDate.iso8601(Date(timeIntervalSince1970: 1_716_193_800.999)) == "2024-05-20T08:30:00Z")
        #expect(SigningDate.parseISO8601("2024-05-20T08:30:00Z") == Self.date)
        #expect(SigningDate.parseRFC1123("Mon, 20 May 2024 08:30:00 GMT") == Self.date)
        for invalid in ["2024-02-30T00:00:00Z", "2024-05-20 08:30:00Z", "2024-05-20T08:30:00", "2024-13-01T00:00:00Z"] {
            #expect(SigningDate.parseISO8601(invalid) == nil, "\(invalid)")
        }
        #expect(SigningDate.parseRFC1123("Mon, 20 Foo 2024 08:30:00 GMT") == nil)
        #expect(SigningDate.parseRFC1123("Mon, 20 May 2024 08:30:00 PST") == nil)
    }

    @Test func authorizationParsingRejectsMalformedValues() {
        #expect(ACS3Signer.parseAuthorization("ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=ff") != nil)
        let spaced = ACS3Signer.parseAuthorization("ACS3-HMAC-SHA256 Credential=a, SignedHeaders=host;x, Signature=f")
        #expect(spaced?.signedHeaders == ["host", "x"])
        for bad in [
            "", "ACS3-HMAC-SHA256", "HMAC Credential=a,SignedHeaders=host,Signature=ff",
            "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=ff",
            "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host",
            "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=,Signature=f",
            "ACS3-HMAC-SHA256 Credential=a,Credential=b,SignedHeaders=host,Signature=ff",
        ] {
            #expect(ACS3Signer.parseAuthorization(bad) == nil, "\(bad)")
        }
        #expect(ROASigner.parseAuthorization("acs id:sig=")?.accessKeyId == "id")
        #expect(ROASigner.parseAuthorization("acs id:sig=")?.signature == "sig=")
        for bad in ["", "acs ", "acs id", "acs :sig", "acs id:", "ACS3 id:sig"] {
            #expect(ROASigner.parseAuthorization(bad) == nil, "\(bad)")
        }
    }

    @Test func constantTimeEqualsComparesWholeStrings() {
        #expect(constantTimeEquals("abc", "abc"))
        #expect(constantTimeEquals("", ""))
        #expect(!constantTimeEquals("abc", "abd"))
        #expect(!constantTimeEquals("abc", "ab"))
        #expect(!constantTimeEquals("", "a"))
        #expect(!constantTimeEquals(String(repeating: "a", count: 256), String(repeating: "a", count: 0)))
    }

    @Test func credentialDescriptionRedactsSecretAndToken() {
        let credential = SigningCredential(
            accessKeyId: "LTAIid", accessKeySecret: "SECRETVALUE", securityToken: "TOKEN")
        let text = "\(credential)"
        #expect(text.contains("LTAIid"))
        #expect(!text.contains("SECRETVALUE"))
        #expect(!text.contains("TOKEN"))
    }

    /// What a server does: recompute from what arrived, using the header list the client declared.
    private func verifyV3(_ request: SigningRequest, secret: String) throws -> Bool {
        let parsedText = try #require(request.headers["authorization"])
        let parsed = try #require(ACS3Signer.parseAuthorization(parsedText))
        let expected = ACS3Signer.signature(request, secret: secret, signedHeaders: parsed.signedHeaders)
        return constantTimeEquals(expected, parsed.signature)
    }
}
