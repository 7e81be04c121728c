public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A credential served by a URI (`ALIBABA_CLOUD_CREDENTIALS_URI`): `GET <uri>` answers
/// `{"Code":"Success","AccessKeyId","AccessKeySecret","SecurityToken","Expiration"}`. Cached and refreshed before
/// it expires.
public struct URICredentialProvider: CredentialProvider {
    public var name: String { "credential_uri" }
    private let cache: CachingCredentialProvider

    public init(uri: String, environment: CredentialEnvironment, httpClient: HTTPClient) {
        let fetch = CredentialURIFetch(http: CredentialHTTP(client: httpClient), uri: uri)
        self.cache = CachingCredentialProvider(base: fetch, now: environment.now)
    }

    public func credential() async throws -> ACSCredential {
        try await cache.credential()
    }
}

/// One uncached GET of the credentials URI.
private struct CredentialURIFetch: CredentialProvider {
    static let source = "credentials URI"
    static let timeout = TimeAmount.seconds(10)

    var name: String { "credential_uri" }
    let http: CredentialHTTP
    let uri: String

    func credential() async throws -> ACSCredential {
        let endpoint = CredentialHTTP.redacted(uri)
        guard let url = URL(string: uri), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw CredentialError.invalidField(
                source: "environment", field: EnvironmentVariable.credentialsURI, reason: "not an http(s) URL")
        }
        let response = try await http.send(.GET, url: uri, timeout: Self.timeout, source: Self.source)
        guard response.status == 200 else {
            throw CredentialError.httpStatus(source: Self.source, endpoint: endpoint, status: response.status)
        }
        guard let object = STSClient.jsonObject(response.body) else {
            throw CredentialError.invalidResponse(
                source: Self.source, endpoint: endpoint, reason: "body is not a JSON object")
        }
        guard object["Code"] as? String == "Success" else {
            let code = (object["Code"] as? String).map { Redaction.clean($0, secrets: []) } ?? "none"
            throw CredentialError.invalidResponse(
                source: Self.source, endpoint: endpoint, reason: "'Code' is \(code), not Success")
        }
        return try STSClient.credential(
            from: object, source: Self.source, endpoint: endpoint, providerName: "credential_uri")
    }
}
