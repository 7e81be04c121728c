public import Foundation
import Hummingbird
import Logging

/// A running emulator: the CS API on `endpoint` (plain HTTP) and the per-cluster Kubernetes APIs over HTTPS.
///
/// ```swift
/// let emulator = try await Emulator.start(.demo())
/// defer { Task { await emulator.stop() } }
/// // call emulator.endpoint with AccessKey emulator.accessKeys[0]
/// ```
public final class Emulator: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let endpoint: URL
    /// `https://127.0.0.1:KPORT` (cluster APIs live under `/clusters/<id>`).
    public let kubernetesEndpoint: URL
    public let accessKeys: [(id: String, secret: String)]
    public let state: EmulatorState
    /// The CA that signed the Kubernetes server certificate and the kubeconfigs' client certificates.
    public let authority: EmulatorCertificateAuthority
    public let fleet: Fleet

    private let serverTask: Task<Void, any Error>
    private let kubernetesServer: KubernetesServer
    private let refusingPort: ReservedPort

    private init(
        endpoint: URL, kubernetesEndpoint: URL, accessKeys: [(id: String, secret: String)], state: EmulatorState,
        authority: EmulatorCertificateAuthority, fleet: Fleet, serverTask: Task<Void, any Error>,
        kubernetesServer: KubernetesServer, refusingPort: ReservedPort
    ) {
        self.endpoint = endpoint
        self.kubernetesEndpoint = kubernetesEndpoint
        self.accessKeys = accessKeys
        self.state = state
        self.authority = authority
        self.fleet = fleet
        self.serverTask = serverTask
        self.kubernetesServer = kubernetesServer
        self.refusingPort = refusingPort
    }

    /// Starts the CS server on `configuration.port` (0 = ephemeral) and the Kubernetes server; returns once both
    /// listen.
    public static func start(_ configuration: EmulatorConfiguration) async throws -> Emulator {
        let fleet = try configuration.makeFleet()
        let authority = try EmulatorCertificateAuthority()
        let state = EmulatorState(fleet: fleet, configuration: configuration)
        let urlHost = Self.urlHost(configuration.host)
        let refusingPort = try ReservedPort()
        let (members, owners) = await Self.memberStates(configuration, management: state)
        let kubernetesServer =
            members.isEmpty
            ? try await KubernetesServer.start(
                state: state, authority: authority, host: configuration.host, port: configuration.kubernetesPort)
            : try await KubernetesServer.start(
                backend: OrganisationKubernetesBackend(management: state, members: members, owners: owners),
                authority: authority,
                host: configuration.host, port: configuration.kubernetesPort)
        let kubernetesBase = "https://\(urlHost):\(kubernetesServer.port)"
        for account in [state] + members {
            await account.setKubernetesEndpoints(
                baseURL: kubernetesBase, refusingBaseURL: "https://127.0.0.1:\(refusingPort.port)")
        }

        let responder = CSResponder(state: state, authority: authority, maximumBodySize: 1 << 20)
        let (ports, continuation) = AsyncThrowingStream<Int, any Error>.makeStream()
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
            },
            logger: Logger(label: "ackguard.emulator", factory: { _ in SwiftLogNoOpLogHandler() }))
        let serverTask = Task {
            do {
                try await application.run()
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
                throw error
            }
        }
        var iterator = ports.makeAsyncIterator()
        let port: Int
        do {
            guard let bound = try await iterator.next() else {
                throw EmulatorError.serverDidNotStart(
                    host: configuration.host, port: configuration.port, reason: "the server stopped before listening")
            }
            port = bound
        } catch let error as EmulatorError {
            await kubernetesServer.stop()
            refusingPort.release()
            throw error
        } catch {
            await kubernetesServer.stop()
            refusingPort.release()
            throw EmulatorError.serverDidNotStart(
                host: configuration.host, port: configuration.port, reason: "\(error)")
        }
        guard let endpoint = URL(string: "http://\(urlHost):\(port)"),
            let kubernetesEndpoint = URL(string: kubernetesBase)
        else {
            serverTask.cancel()
            await kubernetesServer.stop()
            refusingPort.release()
            throw EmulatorError.serverDidNotStart(
                host: configuration.host, port: port, reason: "no URL can be formed for host \(urlHost)")
        }
        return Emulator(
            endpoint: endpoint, kubernetesEndpoint: kubernetesEndpoint,
            accessKeys: configuration.accessKeys.map { ($0.id, $0.secret) }, state: state, authority: authority,
            fleet: fleet, serverTask: serverTask, kubernetesServer: kubernetesServer, refusingPort: refusingPort)
    }

    /// Requests counted per API (CS action names and `k8s:<METHOD> <resource>`).
    public func requestCounts() async -> [String: Int] {
        await state.requestCounts()
    }

    /// Stops both servers and releases the refusing port.
    public func stop() async {
        serverTask.cancel()
        _ = await serverTask.result
        await kubernetesServer.stop()
        refusingPort.release()
    }

    /// The host to put in URLs for a bind address (`0.0.0.0` → `127.0.0.1`, `::` → `[::1]`).
    static func urlHost(_ host: String) -> String {
        switch host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::": "[::1]"
        default: host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        }
    }
}
