public import ACKEmulator
public import AlibabaCloud
public import AsyncHTTPClient
public import Foundation

/// The in-process emulator with a CS client signed with its first AccessKey, for one test.
public struct EmulatorHarness: Sendable {
    /// The running emulator: its fleet, state and request counts.
    public let emulator: Emulator
    /// The HTTP client `client` sends with; shut down with the harness.
    public let http: HTTPClient
    /// A CS client pointed at the emulator's endpoint.
    public let client: CSClient

    /// The emulator's CS endpoint.
    public var endpoint: URL { emulator.endpoint }

    /// The AccessKey `client` signs with (the emulator's first).
    public var accessKey: (id: String, secret: String) { emulator.accessKeys[0] }

    /// Its credential (as `client` holds it).
    public let credential: ACSCredential
}

/// Starts the emulator with `configuration` (its fleet, faults and rate limits), runs `body` with it and stops it,
/// whether `body` throws or not. For tests that speak to the emulator without a CS client.
public func withEmulatorServer<T>(
    _ configuration: EmulatorConfiguration = .demo(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Emulator) async throws -> T
) async throws -> T {
    let emulator = try await Emulator.start(configuration)
    return try await withCleanup {
        try await body(emulator)
    } cleanup: {
        await emulator.stop()
    }
}

/// Starts the emulator with `configuration` and a ``EmulatorHarness`` around it, runs `body`, then shuts the HTTP
/// client down and stops the emulator, whether `body` throws or not.
///
/// - Parameters:
///   - clientOptions: the CS client's options; `endpoint` is set to the emulator's.
///   - httpConfiguration: the HTTP client's configuration (AsyncHTTPClient's defaults unless the test passes
///     `CSClient.httpClientConfiguration(for:)`, as ackguard does).
///   - credentialName: the credential's provider name.
public func withEmulator<T>(
    _ configuration: EmulatorConfiguration = .demo(),
    clientOptions: CSClientOptions = CSClientOptions(),
    httpConfiguration: HTTPClient.Configuration = HTTPClient.Configuration(),
    credentialName: String = "test",
    isolation: isolated (any Actor)? = #isolation,
    _ body: (EmulatorHarness) async throws -> T
) async throws -> T {
    try await withEmulatorServer(configuration) { emulator in
        var options = clientOptions
        options.endpoint = emulator.endpoint
        let key = emulator.accessKeys[0]
        let credential = ACSCredential(accessKeyId: key.id, accessKeySecret: key.secret, providerName: credentialName)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        let client = CSClient(httpClient: http, credentials: StaticCredentialProvider(credential), options: options)
        let harness = EmulatorHarness(emulator: emulator, http: http, client: client, credential: credential)
        return try await withCleanup {
            try await body(harness)
        } cleanup: {
            try await http.shutdown()
        }
    }
}

/// Runs `body`, then `cleanup` whether `body` throws or not. When `body` throws, that error is rethrown (a failing
/// cleanup is then ignored); otherwise an error of `cleanup` is thrown.
public func withCleanup<T>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> T,
    cleanup: () async throws -> Void
) async throws -> T {
    let result: T
    do {
        result = try await body()
    } catch {
        try? await cleanup()
        throw error
    }
    try await cleanup()
    return result
}
