public import Foundation

/// Caches the credential of an expiring source (STS, OIDC, ECS metadata, credentials URI) and refreshes it before
/// it expires, with exactly one refresh in flight: concurrent callers await the same task.
///
/// A credential is refreshed once less than `min(15 minutes, lifetime / 4)` remains, where the lifetime is
/// measured from the moment the fetch started. A credential without an expiration is kept for good. When a
/// refresh fails while the cached credential has not expired yet, the cached credential is returned (the next
/// call tries again); otherwise the error is thrown.
public actor CachingCredentialProvider: CredentialProvider {
    /// The largest refresh margin before expiry (the official SDKs use 15 minutes).
    public static let maximumRefreshMargin: TimeInterval = 15 * 60

    public nonisolated let name: String
    private let base: any CredentialProvider
    private let now: @Sendable () -> Date
    private var cached: Entry?
    private var inFlight: Task<ACSCredential, any Error>?

    private struct Entry {
        var credential: ACSCredential
        var refreshAt: Date
    }

    public init(base: any CredentialProvider, now: @escaping @Sendable () -> Date) {
        self.name = base.name
        self.base = base
        self.now = now
    }

    public func credential() async throws -> ACSCredential {
        if let cached, now() < cached.refreshAt {
            return cached.credential
        }
        let task = inFlight ?? startRefresh()
        do {
            return try await task.value
        } catch {
            if let cached, let expiration = cached.credential.expiration, now() < expiration {
                return cached.credential
            }
            throw error
        }
    }

    /// The instant at which a credential that expires at `expiration` and was fetched at `fetchedAt` is refreshed.
    static func refreshTime(expiration: Date, fetchedAt: Date) -> Date {
        let lifetime = expiration.timeIntervalSince(fetchedAt)
        let margin = min(maximumRefreshMargin, lifetime / 4)
        return expiration.addingTimeInterval(-margin)
    }

    private func startRefresh() -> Task<ACSCredential, any Error> {
        // The task runs on this actor; it cannot start before `inFlight` is set because this method does not
        // suspend in between.
        let task = Task { try await self.refresh() }
        inFlight = task
        return task
    }

    private func refresh() async throws -> ACSCredential {
        defer { inFlight = nil }
        let fetchedAt = now()
        let credential = try await base.credential()
        guard let expiration = credential.expiration else {
            cached = Entry(credential: credential, refreshAt: .distantFuture)
            return credential
        }
        let current = now()
        guard expiration > current, expiration > fetchedAt else {
            throw CredentialError.expired(source: credential.providerName, expiration: expiration, now: current)
        }
        cached = Entry(
            credential: credential, refreshAt: Self.refreshTime(expiration: expiration, fetchedAt: fetchedAt))
        return credential
    }
}
