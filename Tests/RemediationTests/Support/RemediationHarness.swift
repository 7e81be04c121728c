import ACKEmulator
import AlibabaCloud
import Audit
import Evidence
import Foundation
import LiveCollection
import Remediation
import TestSupport

/// An emulator, a CS client pointed at it, a collector and a private rollback folder, for one test.
struct RemediationHarness: Sendable {
    let base: EmulatorHarness
    let collector: LiveCollector
    let rollbackDirectory: URL

    var emulator: Emulator { base.emulator }
    var client: CSClient { base.client }

    static let timing = RemediationTiming(
        pollInterval: .milliseconds(5), addonTimeout: .seconds(60), rolloutTimeout: .seconds(60),
        createTimeout: .seconds(60), maxConflictRetries: 3)

    /// Starts the emulator, runs `body`, and stops everything whether `body` succeeds or not.
    static func with<T: Sendable>(
        _ configuration: EmulatorConfiguration = .demo(),
        _ body: (RemediationHarness) async throws -> T
    ) async throws -> T {
        try await withEmulator(configuration) { base in
            try await withTemporaryFolder(prefix: "ackguard-remediation") { folder in
                try await body(
                    RemediationHarness(
                        base: base, collector: LiveCollector(client: base.client, options: LiveCollectionOptions()),
                        rollbackDirectory: folder.url.appendingPathComponent("state/rollback", isDirectory: true)))
            }
        }
    }

    func context(events: @escaping FixEventHandler = { _ in }) -> RemediationContext {
        RemediationContext(
            client: client, collector: collector, timing: Self.timing, events: events, toolVersion: "test",
            sourceLocation: emulator.endpoint.absoluteString)
    }

    func options(allowLarge: Bool = false, podVSwitches: [String] = [], createReplacement: Bool = false)
        -> FixOptions
    {
        FixOptions(
            allowLarge: allowLarge, podVSwitches: podVSwitches, createReplacement: createReplacement,
            rollbackDirectory: rollbackDirectory)
    }

    /// A live audit of the whole fleet (rule 1), as `fix` runs it.
    func audit() async throws -> [AuditedCluster] {
        let store = Store()
        _ = try await collector.collect(handle: { await store.add($0) })
        return await store.items.map(AuditedCluster.init(documents:)).sorted { $0.clusterId < $1.clusterId }
    }

    func plan(_ clusters: [AuditedCluster], options: FixOptions, events: @escaping FixEventHandler = { _ in }) async
        -> FixPlan
    {
        await FixPlanner(context: context(events: events)).plan(clusters, options: options)
    }

    // MARK: - Looking inside the emulator

    func ids(showing situation: FleetSituation) -> [String] {
        emulator.fleet.clusters(showing: situation).map(\.id)
    }

    func configMap(_ clusterId: String) async throws -> JSONValue? {
        try await emulator.state.withKubernetesStore(clusterId: clusterId) { store in
            store.object(kind: "ConfigMap", namespace: "kube-system", name: "eni-config")
        }
    }

    func daemonSet(_ clusterId: String) async throws -> JSONValue? {
        try await emulator.state.withKubernetesStore(clusterId: clusterId) { store in
            store.object(kind: "DaemonSet", namespace: "kube-system", name: "terway-eniip")
        }
    }

    /// The stored `terway-eniip` add-on config string.
    func addonConfig(_ clusterId: String) async -> String? {
        await emulator.state.cluster(clusterId)?.addon(named: "terway-eniip")?["config"]?.stringValue
    }

    /// Changes `eni-config` as another writer would: `data` edited, a new resourceVersion.
    func editConfigMap(_ clusterId: String, _ edit: @escaping @Sendable (inout [String: JSONValue]) -> Void)
        async throws
    {
        try await emulator.state.withKubernetesStore(clusterId: clusterId) { store in
            guard
                case .object(var object)? = store.object(
                    kind: "ConfigMap", namespace: "kube-system", name: "eni-config"),
                case .object(var metadata)? = object["metadata"]
            else { return }
            var data = object["data"]?.objectValue ?? [:]
            edit(&data)
            object["data"] = .object(data)
            metadata["resourceVersion"] = nil
            object["metadata"] = .object(metadata)
            store.insert(.object(object))
        }
    }

    /// Every call the emulator saw that could change something.
    func writeCalls() async -> [String: Int] {
        await emulator.requestCounts().filter { key, _ in
            !(key.hasPrefix("k8s:GET ") || key.hasPrefix("Describe") || key.hasPrefix("Get") || key.hasPrefix("List"))
        }
    }

    actor Store {
        var items: [ClusterDocuments] = []
        func add(_ documents: ClusterDocuments) { items.append(documents) }
    }
}

/// Records events (thread-safe) for later inspection.
actor EventLog {
    var events: [FixEvent] = []
    func add(_ event: FixEvent) { events.append(event) }
    var writes: [WriteRecord] {
        events.compactMap { event in
            if case .wrote(let write) = event { return write }
            return nil
        }
    }
}

/// `data` of a ConfigMap as strings.
func stringData(_ configMap: JSONValue?) -> [String: String] {
    (configMap?["data"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
}

/// A config string parsed.
func parsedConfig(_ text: String?) throws -> [String: JSONValue] {
    guard let text, !text.isEmpty else { return [:] }
    return try JSONValue.parse(text).objectValue ?? [:]
}
