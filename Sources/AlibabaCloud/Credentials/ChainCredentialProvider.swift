import AsyncHTTPClient
import Foundation

/// Tries credential sources in order and keeps the first one that yields. Resolution happens once, on the first
/// call, with one resolution in flight; a failed resolution is not remembered (the next call tries again).
actor ChainCredentialProvider: CredentialProvider {
    nonisolated let name = "default"
    private let sources: [CredentialSource]
    private let environment: CredentialEnvironment
    private let httpClient: HTTPClient
    private var resolved: (any CredentialProvider)?
    private var resolving: Task<ACSCredential, any Error>?

    init(sources: [CredentialSource], environment: CredentialEnvironment, httpClient: HTTPClient) {
        self.sources = sources
        self.environment = environment
        self.httpClient = httpClient
    }

    func credential() async throws -> ACSCredential {
        if let resolved {
            return try await resolved.credential()
        }
        let task = resolving ?? startResolving()
        return try await task.value
    }

    private func startResolving() -> Task<ACSCredential, any Error> {
        let task = Task { try await self.resolve() }
        resolving = task
        return task
    }

    private func resolve() async throws -> ACSCredential {
        defer { resolving = nil }
        var tried: [String] = []
        var missingIn: [String] = []
        let chosenProfile = environment.chosenProfile
        for source in sources {
            switch try source.resolve(environment: environment, httpClient: httpClient) {
            case .skipped(let reason):
                tried.append("\(source.label) (\(reason))")
            case .profileMissing(let file):
                missingIn.append(file)
                tried.append("\(source.label) (no profile '\(chosenProfile ?? "")' in \(file))")
            case .provider(let found):
                let provider = NamedCredentialProvider(base: found, prefix: source.providerPrefix)
                do {
                    let credential = try await provider.credential()
                    resolved = provider
                    return credential
                } catch let error as CredentialError {
                    guard let reason = source.skipReason(after: error) else { throw error }
                    tried.append("\(source.label) (\(reason))")
                }
            }
            if source == .credentialsFile, let chosenProfile, !missingIn.isEmpty {
                throw CredentialError.profileNotFound(profile: chosenProfile, files: missingIn)
            }
        }
        throw CredentialError.noCredentials(triedSources: tried)
    }
}

/// Prefixes `providerName` with `default/` and the source (`default/cli_profile/ram_role_arn/static_ak`), as the
/// official SDKs name chained credentials.
private struct NamedCredentialProvider: CredentialProvider {
    let base: any CredentialProvider
    let prefix: String?

    var name: String { base.name }

    func credential() async throws -> ACSCredential {
        var credential = try await base.credential()
        let parts = ["default", prefix, credential.providerName].compactMap { $0 }
        credential.providerName = parts.joined(separator: "/")
        return credential
    }
}
