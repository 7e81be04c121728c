public import AsyncHTTPClient
import Foundation

/// Builds credential chains.
public enum CredentialChain {
    /// The default chain, in the official SDKs' order: environment variables; OIDC/RRSA; the aliyun CLI profile;
    /// the credentials ini file; the ECS metadata service; the credentials URI.
    ///
    /// A profile passed on the command line (`environment.profile`) restricts the chain to the two profile files,
    /// so `--profile` always means that profile. `ALIBABA_CLOUD_PROFILE` chooses the profile without changing the
    /// order. A chosen profile that neither file defines is `CredentialError.profileNotFound`.
    ///
    /// Resolution is lazy (first call of `credential()`); the first provider that yields is reused. A source that
    /// is configured but fails ends the chain with its error; only an unreachable metadata service, or one with
    /// no role attached, counts as "not configured".
    public static func `default`(environment: CredentialEnvironment, httpClient: HTTPClient) -> any CredentialProvider {
        let sources: [CredentialSource]
        if let profile = environment.profile, !profile.isEmpty {
            sources = [.cliProfile, .credentialsFile]
        } else {
            sources = [.environment, .oidc, .cliProfile, .credentialsFile, .ecsMetadata, .credentialsURI]
        }
        return ChainCredentialProvider(sources: sources, environment: environment, httpClient: httpClient)
    }
}

/// Parses the account id out of `acs:ram::<account>:role/<name>`; `nil` for anything else.
public func accountId(fromRoleArn arn: String) -> String? {
    let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 5, parts[0] == "acs", parts[1] == "ram", parts[2].isEmpty,
        !parts[3].isEmpty, parts[3].allSatisfy({ $0.isASCII && $0.isNumber }),
        parts[4].hasPrefix("role/"), parts[4].count > "role/".count
    else { return nil }
    return String(parts[3])
}
