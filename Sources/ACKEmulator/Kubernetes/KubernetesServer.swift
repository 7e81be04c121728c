package import Foundation
import Hummingbird
import HummingbirdTLS
package import Logging
import NIOSSL

/// The emulated clusters' Kubernetes API: one HTTPS server on which `/clusters/<cluster id>/…` is that cluster's
/// API server. Its certificate is issued by the emulator CA for `127.0.0.1`, `::1` and `localhost`; clients
/// authenticate with a client certificate from ``EmulatorKubeconfig``.
public struct KubernetesServer: Sendable {
    /// The port the server listens on (the real one when started with port 0).
    public let port: Int
    private let task: Task<Void, any Error>

    /// The server failed before it listened.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts the server on `host`:`port` (0 picks a free port) and returns once it listens.
    public static func start(
        state: EmulatorState, authority: EmulatorCertificateAuthority, host: String, port: Int
    ) async throws -> KubernetesServer {
        try await start(
            backend: EmulatorStateKubernetesBackend(state: state), authority: authority, host: host, port: port)
    }

    /// Starts a server over any backend. `serverCertificate` replaces the default one (tests use it to present a
    /// certificate for another host); `now` is the clock client certificates are checked against.
    package static func start<Backend: KubernetesBackend>(
        backend: Backend, authority: EmulatorCertificateAuthority, host: String, port: Int,
        serverCertificate: IssuedCertificate? = nil, now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "ackguard.emulator.kubernetes", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> KubernetesServer {
        let issued =
            try serverCertificate
            ?? authority.issueServerCertificate(
                notValidBefore: now().addingTimeInterval(-3_600), notValidAfter: now().addingTimeInterval(365 * 86_400))
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(issued.certificatePEM.utf8)).map {
                .certificate($0)
            },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(issued.privateKeyPEM.utf8), format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        tls.shutdownTimeout = .seconds(1)
        // Ask for a client certificate but let every presented one through the handshake: like kube-apiserver,
        // the HTTP layer decides (401 Status for a missing, foreign, expired or wrong-cluster certificate).
        tls.certificateVerification = .optionalVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(authority.caCertificatePEM.utf8)))
        let channelConfiguration = TLSChannelConfiguration(
            tlsConfiguration: tls,
            customVerificationCallback: { _, promise in promise.succeed(.certificateVerified) })

        let responder = KubernetesResponder(backend: backend, authority: authority, now: now)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            responder: responder,
            server: try .tls(.http1(), configuration: channelConfiguration),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await application.runService(gracefulShutdownSignals: [])
        }
        var iterator = ports.makeAsyncIterator()
        if let bound = await iterator.next() {
            return KubernetesServer(port: bound, task: task)
        }
        if case .failure(let error) = await task.result { throw error }
        throw StartError(description: "Kubernetes API server on \(host):\(port) stopped before it listened")
    }

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    /// Stops the server and waits until it has.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}
