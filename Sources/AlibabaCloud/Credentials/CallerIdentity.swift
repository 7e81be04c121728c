import AlibabaCloudSigning
public import AsyncHTTPClient
import Foundation

/// STS `GetCallerIdentity`: which account a set of credentials belongs to (it needs no permission). An organisation
/// scan uses it to audit the caller's own account with its own credentials, whether or not ListAccounts lists it.
public enum CallerIdentity {
    /// The 16-digit id of the account `base`'s credentials belong to. STS errors and a malformed answer throw a
    /// `CredentialError` naming the endpoint, never a secret.
    public static func accountId(
        base: any CredentialProvider, environment: CredentialEnvironment, httpClient: HTTPClient
    ) async throws -> String {
        let sts = STSClient(http: CredentialHTTP(client: httpClient), endpoint: environment.stsEndpoint())
        var parameters = ["Action": "GetCallerIdentity", "Format": "JSON", "Version": STSClient.version]
        let credential = try await base.credential()
        RPCSigner.sign(
            method: "GET", parameters: &parameters, credential: credential.signingCredential,
            date: environment.now(), nonce: UUID().uuidString)
        let (object, endpoint) = try await sts.send(
            action: "GetCallerIdentity", parameters: parameters,
            secrets: [credential.accessKeySecret, credential.securityToken ?? ""])
        guard let accountId = object["AccountId"] as? String, (try? MemberAccount.validate(accountId: accountId)) != nil
        else {
            throw CredentialError.invalidResponse(
                source: "STS GetCallerIdentity", endpoint: endpoint, reason: "no 16-digit 'AccountId'")
        }
        return accountId
    }
}
