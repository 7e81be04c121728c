import AlibabaCloudSigning
import AsyncHTTPClient
import Foundation
import TestSupport
import Testing

@testable import AlibabaCloud

/// Secrets never appear when credentials, providers or errors are printed. (Every error the other credential
/// tests provoke is also checked, by `credentialError`.)
@Suite struct CredentialRedactionTests {
    @Test("credentials and providers render without secrets")
    func rendering() async throws {
        let home = try TempHome()
        let credential = ACSCredential(
            accessKeyId: "id", accessKeySecret: TestSecrets.envSecret, securityToken: TestSecrets.envToken,
            expiration: TestClock.start, providerName: "env")
        let environment = home.environment([
            "ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": TestSecrets.envSecret,
            "ALIBABA_CLOUD_SECURITY_TOKEN": TestSecrets.envToken,
        ])
        let chain = CredentialChain.default(environment: environment, httpClient: .shared)
        let resolved = try await chain.credential()
        let values: [Any] = [
            credential, credential.signingCredential, resolved, StaticCredentialProvider(credential), chain,
            RAMRoleARNCredentialProvider(
                base: StaticCredentialProvider(credential), roleArn: "acs:ram::1:role/r", sessionName: nil,
                environment: environment, httpClient: .shared),
            OIDCRoleCredentialProvider(
                roleArn: "acs:ram::1:role/r", oidcProviderArn: "p", tokenFile: "/t", environment: environment,
                httpClient: .shared),
        ]
        for value in values {
            TestSecrets.expectAbsent(in: value)
        }
        // The check itself must be able to fail.
        #expect(String(describing: resolved.accessKeySecret).contains(TestSecrets.envSecret))
    }

    @Test("server text is cleaned of secrets in raw and percent-encoded forms, and kept to one line")
    func redaction() {
        let token = TestSecrets.envToken
        let once = PercentEncoding.rfc3986(token)
        let text = "a \(token) b \(once) c \(PercentEncoding.rfc3986(once))\nnext line"
        let cleaned = Redaction.clean(text, secrets: [token])
        #expect(cleaned == "a <redacted> b <redacted> c <redacted> next line")
        #expect(Redaction.clean(String(repeating: "x", count: 1000), secrets: []).count == Redaction.maximumLength + 1)
    }
}
