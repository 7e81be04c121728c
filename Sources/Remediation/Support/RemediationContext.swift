public import AlibabaCloud
import Audit
import Evidence
public import Foundation
import KubernetesAPI
public import LiveCollection

/// Everything remediation talks to and is told by: the CS client, the live collector (which knows how to reach each
/// cluster's Kubernetes API and re-audits a cluster), the clock, the timing, and the event handler.
public struct RemediationContext: Sendable {
    public let client: CSClient
    public let collector: LiveCollector
    public let clock: @Sendable () -> Date
    public let timing: RemediationTiming
    public let events: FixEventHandler
    public let toolVersion: String
    /// Where the CS API is reached, for reports and rollback files (never a secret).
    public let sourceLocation: String

    public init(
        client: CSClient, collector: LiveCollector, clock: @escaping @Sendable () -> Date = { Date() },
        timing: RemediationTiming = RemediationTiming(), events: @escaping FixEventHandler = { _ in },
        toolVersion: String, sourceLocation: String
    ) {
        self.client = client
        self.collector = collector
        self.clock = clock
        self.timing = timing
        self.events = events
        self.toolVersion = toolVersion
        self.sourceLocation = sourceLocation
    }

    /// RFC 3339 (UTC, seconds) of the context's clock.
    func timestamp() -> String { Timestamp.rfc3339(epochSeconds: clock().epochSeconds) }

    func progress(_ clusterId: String, _ message: String) async {
        await events(.progress(clusterId: clusterId, message: message))
    }

    /// Runs `body` with a client for the cluster's Kubernetes API, reached as the audit reached it.
    func withKubernetes<T: Sendable>(
        _ record: ClusterRecord, _ body: (KubernetesClient) async throws -> T
    ) async throws -> T {
        let endpoint: KubernetesEndpoint
        do {
            endpoint = try await collector.kubernetesEndpoint(record: record)
        } catch {
            throw RemediationError.kubernetesUnreachable(clusterId: record.clusterId, detail: "\(error)")
        }
        return try await withKubernetesClient(
            endpoint: endpoint, timeout: collector.options.kubernetesCallTimeout, body)
    }

    /// Re-audits one cluster from the object that describes it (the same calls as the audit).
    func reaudit(_ description: JSONValue) async -> AuditedCluster {
        AuditedCluster(documents: await collector.collect(cluster: description))
    }

    /// Polls `check` every `pollInterval` until it returns a value or `timeout` passes (then `nil`). The first check
    /// is immediate.
    func poll<T: Sendable>(timeout: Duration, _ check: () async throws -> T?) async throws -> T? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if let value = try await check() { return value }
            guard clock.now < deadline else { return nil }
            try await Task.sleep(for: timing.pollInterval)
        }
    }
}

extension Date {
    /// Whole seconds since 1970, rounded down: the instant ``Timestamp`` formats.
    var epochSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
}

extension Duration {
    /// Whole seconds, for messages.
    var wholeSeconds: Int { Int(components.seconds) }
}
