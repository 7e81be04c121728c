import ACKEmulator
import Audit
import Foundation
import Remediation
import TestSupport
import Testing

/// Issue 14 item 1: a rollback file may only restore what ackguard itself changed on that cluster, as it still is.
@Suite("rollback proof: a tampered or stale rollback file changes nothing")
struct RollbackProofTests {
    /// Everything a refused rollback must leave alone, on the fixed cluster and on the one a tampered file names.
    struct Snapshot: Equatable {
        var configMaps: [String: JSONValue?]
        var addons: [String: String?]
        var daemonSets: [String: JSONValue?]
    }

    static func snapshot(_ harness: RemediationHarness, _ ids: [String]) async throws -> Snapshot {
        var snapshot = Snapshot(configMaps: [:], addons: [:], daemonSets: [:])
        for id in ids {
            snapshot.configMaps[id] = try await harness.configMap(id)
            snapshot.addons[id] = await harness.addonConfig(id)
            snapshot.daemonSets[id] = try await harness.daemonSet(id)
        }
        return snapshot
    }

    /// Fixes one cluster whose add-on and eni-config both disable policy; returns the rollback file.
    static func fixOne(_ harness: RemediationHarness, _ id: String) async throws -> RollbackFile {
        let cluster = try #require(try await harness.audit().first { $0.clusterId == id })
        let options = harness.options()
        let plan = await harness.plan([cluster], options: options)
        let result = await FixApplier(context: harness.context()).apply(plan, options: options)
        #expect(result.outcomes.first?.result == .fixed, "\(result.outcomes.first?.error ?? "")")
        #expect(result.outcomes.first?.writes.count == 3)
        return try RollbackFile.load(from: URL(fileURLWithPath: try #require(result.rollbackFile)))
    }

    /// Writes `file` and loads it back as `fix --rollback` does.
    static func roundTrip(_ file: RollbackFile, in directory: URL) throws -> Result<RollbackFile, RemediationError> {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("edited-\(UUID().uuidString).json")
        try Data(try file.encoded()).write(to: url)
        do {
            return .success(try RollbackFile.load(from: url))
        } catch {
            return .failure(error)
        }
    }

    typealias Tamper = @Sendable (inout RollbackEntry, _ other: String, _ otherRegion: String) -> Void

    static let tampers: [(String, Tamper)] = [
        ("cluster id → a healthy cluster", { entry, other, _ in entry.clusterId = other }),
        ("region", { entry, _, region in entry.regionId = region }),
        ("prior value", { entry, _, _ in entry.configMap.prior = PriorValue("garbage; rm -rf /") }),
        ("prior add-on value", { entry, _, _ in entry.addon.priorNetworkPolicy = PriorValue("maybe") }),
        ("after value", { entry, _, _ in entry.configMap.after = PriorValue("0") }),
        ("after add-on value", { entry, _, _ in entry.addon.afterNetworkPolicy = PriorValue("false") }),
        ("prior resourceVersion", { entry, _, _ in entry.configMap.priorResourceVersion = "1" }),
        ("recordedAt", { entry, _, _ in entry.recordedAt = "2020-01-01T00:00:00Z" }),
        ("digest", { entry, _, _ in entry.digest = "sha256:" + String(repeating: "ab", count: 32) }),
    ]

    @Test(
        "each tampered field is refused — as edited, and with a digest recomputed over the edit — and nothing is written"
    )
    func tamperedFieldsAreRefused() async throws {
        try await RemediationHarness.with { harness in
            let id = try #require(harness.ids(showing: .configMapCapitalTrue).first)
            let cluster = try #require(await harness.emulator.state.cluster(id))
            let region = try #require(cluster.detail["region_id"]?.stringValue)
            // A healthy cluster elsewhere: what an attacker would switch policy off on.
            let other = try #require(harness.emulator.fleet.clusters(showing: .configMapFalse).first)
            let otherRegion = try #require(
                harness.emulator.fleet.clusters.compactMap { $0.detail["region_id"]?.stringValue }.first {
                    $0 != region
                })
            let file = try await Self.fixOne(harness, id)
            let directory = harness.rollbackDirectory.appendingPathComponent("edited", isDirectory: true)
            let before = try await Self.snapshot(harness, [id, other.id])
            await harness.emulator.state.resetRequestLog()

            for (name, tamper) in Self.tampers {
                var edited = file
                tamper(&edited.clusters[0], other.id, otherRegion)
                // As edited: the file itself no longer matches its digest.
                switch try Self.roundTrip(edited, in: directory) {
                case .success: Issue.record("\(name): an edited file was accepted")
                case .failure(let error):
                    #expect("\(error)".contains("rollback file"), "\(name): \(error)")
                }
                // With a digest recomputed over the edit (the attacker can hash too): the cluster holds another one.
                if name != "digest" { edited.clusters[0].digest = RollbackProof.digest(of: edited.clusters[0]) }
                let outcomes = await RollbackRunner(context: harness.context()).restore(edited)
                let outcome = try #require(outcomes.first)
                #expect(outcome.result == .refused, "\(name)")
                #expect(outcome.writes.isEmpty, "\(name)")
                #expect(outcome.error?.contains("rollback refused, nothing was changed") == true, "\(name)")
                #expect(outcome.error?.contains("\n") == false)
                let run = FixRun(
                    mode: .rollback, startedAt: "", finishedAt: "", source: "", plan: nil, outcomes: outcomes)
                #expect(run.exitCode == ExitStatus.inputError, "\(name)")
            }
            #expect(await harness.writeCalls() == [:], "no ConfigMap, add-on or DaemonSet write")
            #expect(try await Self.snapshot(harness, [id, other.id]) == before)

            // The untampered file still restores.
            let restored = try #require(await RollbackRunner(context: harness.context()).restore(file).first)
            #expect(restored.result == .restored, "\(restored.error ?? "")")
            #expect(stringData(try await harness.configMap(id))["disable_network_policy"] == "True")
            #expect(try parsedConfig(await harness.addonConfig(id))["NetworkPolicy"] == "false")
        }
    }

    @Test("a file whose values do not have ackguard's shapes is refused on load, naming the field")
    func shapesAreChecked() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-proof")
        defer { folder.remove() }
        let base = folder.url
        let id = "c" + String(repeating: "a", count: 32)
        func file(_ edit: (inout RollbackEntry) -> Void) -> RollbackFile {
            var entry = RollbackEntry(
                clusterId: id, clusterName: "prod", regionId: "cn-hangzhou", recordedAt: "2025-01-01T00:00:00Z",
                addon: .init(name: "terway-eniip", priorConfig: "{}", priorNetworkPolicy: PriorValue("false")),
                configMap: .init(
                    namespace: "kube-system", name: "eni-config", key: "disable_network_policy",
                    prior: PriorValue("true"), priorResourceVersion: "7"),
                daemonSet: .init(namespace: "kube-system", name: "terway-eniip"))
            edit(&entry)
            entry.digest = RollbackProof.digest(of: entry)
            return RollbackFile(toolVersion: "t", createdAt: "t", source: "s", clusters: [entry])
        }
        #expect(throws: Never.self) { try Self.roundTrip(file { _ in }, in: base).get() }
        let cases: [(String, (inout RollbackEntry) -> Void)] = [
            ("clusterId", { $0.clusterId = "../../etc" }),
            ("clusterId", { $0.clusterId = "C" + String(repeating: "A", count: 32) }),
            ("regionId", { $0.regionId = "cn hangzhou" }),
            ("regionId", { $0.regionId = "cn-hangzhou\n" }),
            ("configMap.prior", { $0.configMap.prior = PriorValue("false\u{1b}[2J") }),
            ("configMap.prior", { $0.configMap.prior = PriorValue(String(repeating: "x", count: 257)) }),
            ("configMap.prior", { $0.configMap.prior = PriorValue.init("x").with(state: .absent) }),
            ("configMap.name", { $0.configMap.name = "kube-proxy" }),
            ("configMap.key", { $0.configMap.key = "max_pool_size" }),
            ("daemonSet.name", { $0.daemonSet.name = "coredns" }),
            ("addon.name", { $0.addon.name = "flannel" }),
            ("addon.afterNetworkPolicy", { $0.addon.afterNetworkPolicy = PriorValue("false") }),
            ("configMap.after", { $0.configMap.after = PriorValue("true") }),
            ("clusterName", { $0.clusterName = "evil\rFAKE ROW PASS" }),
        ]
        for (field, edit) in cases {
            let result = try Self.roundTrip(file(edit), in: base)
            guard case .failure(let error) = result else {
                Issue.record("\(field): accepted")
                continue
            }
            let message = "\(error)"
            #expect(message.contains("clusters[0]: \(field)"), "\(message)")
            #expect(!message.contains("\n") && !message.contains("\u{1b}") && !message.contains("\r"), "\(message)")
        }
        // Duplicates, another schema, a device.
        var twice = file { _ in }
        twice.clusters.append(twice.clusters[0])
        #expect("\(try Self.roundTrip(twice, in: base))".contains("recorded twice"))
        var old = file { _ in }
        old.schemaVersion = 1
        #expect("\(try Self.roundTrip(old, in: base))".contains("schemaVersion 1 is not supported"))
        #expect {
            try RollbackFile.load(from: URL(fileURLWithPath: "/dev/zero"))
        } throws: { "\($0)".contains("not a regular file") }
    }

    @Test("a cluster changed by someone else since the fix is refused, nothing is written")
    func changedSinceTheFix() async throws {
        try await RemediationHarness.with { harness in
            let ids = [FleetSituation.configMapCapitalTrue, .configMapTrue, .configMapOne].compactMap {
                harness.ids(showing: $0).first
            }
            #expect(ids.count == 3)
            var files: [RollbackFile] = []
            for id in ids { files.append(try await Self.fixOne(harness, id)) }
            // 1: another key of eni-config edited (resourceVersion moves on); 2: the switch turned off again by hand;
            // 3: the proof annotation removed.
            try await harness.editConfigMap(ids[0]) { $0["note"] = "edited by hand" }
            try await harness.editConfigMap(ids[1]) { $0["disable_network_policy"] = "true" }
            try await harness.emulator.state.withKubernetesStore(clusterId: ids[2]) { store in
                guard
                    case .object(var object)? = store.object(
                        kind: "ConfigMap", namespace: "kube-system", name: "eni-config"),
                    case .object(var metadata)? = object["metadata"]
                else { return }
                metadata["annotations"] = .object([:])
                metadata["resourceVersion"] = nil
                object["metadata"] = .object(metadata)
                store.insert(.object(object))
            }
            let before = try await Self.snapshot(harness, ids)
            await harness.emulator.state.resetRequestLog()
            let expectations = ["resourceVersion", "disable_network_policy \"true\"", "no \(RollbackProof.annotation)"]
            for (file, expected) in zip(files, expectations) {
                let outcome = try #require(await RollbackRunner(context: harness.context()).restore(file).first)
                #expect(outcome.result == .refused)
                #expect(outcome.error?.contains(expected) == true, "\(outcome.error ?? "")")
            }
            // All three in one file: one refusal refuses the lot, before anything is written to any of them.
            var all = files[0]
            all.clusters = files.flatMap(\.clusters)
            let outcomes = await RollbackRunner(context: harness.context()).restore(all)
            #expect(outcomes.map(\.result) == [.refused, .refused, .refused])
            #expect(await harness.writeCalls() == [:])
            #expect(try await Self.snapshot(harness, ids) == before)
        }
    }
}

extension PriorValue {
    /// The same value with another state (a hand-edited file).
    fileprivate func with(state: State) -> PriorValue {
        var copy = self
        copy.state = state
        return copy
    }
}
