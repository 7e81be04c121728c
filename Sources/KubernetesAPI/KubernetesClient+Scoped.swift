public import Logging

/// Runs `body` with a client for `endpoint` and shuts the client down afterwards, whether `body` succeeds or not.
public func withKubernetesClient<T: Sendable>(
    endpoint: KubernetesEndpoint, timeout: Duration = .seconds(10), logger: Logger = KubernetesClient.disabledLogger,
    _ body: (KubernetesClient) async throws -> T
) async throws -> T {
    let client = try KubernetesClient(endpoint: endpoint, timeout: timeout, logger: logger)
    let result: Result<T, any Error>
    do {
        result = .success(try await body(client))
    } catch {
        result = .failure(error)
    }
    try await client.shutdown()
    return try result.get()
}
