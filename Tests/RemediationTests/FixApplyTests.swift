import ACKEmulator
import AlibabaCloud
import Audit
import Foundation
import Remediation
import Testing

@Suite("fix --apply against the emulator")
struct FixApplyTests {
    static let fixable: [FleetSituation] = [.configMapTrue, .configMapOne, .configMapSpaceFalse, .configMapCapitalTrue]

    @Test("apply fixes every fixable cluster of the default fleet, a re-audit passes, other keys are byte-identical")
    func applyFixesTheFleet() async throws {
        try await RemediationHarness.with { harness in
            let audited = try await harness.audit()
            let options = harness.options()
            let plan = await harness.plan(audited, options: options)
            let fixable = Set(Self.fixable.flatMap(harness.ids(showing:)))
            #expect(Set(plan.clusters(.enableInPlace).map(\.clusterId)) == fixable)
            var configMaps: [String: [String: String]] = [:]
            var addons: [String: [String: JSONValue]] = [:]
            for id in fixable {
                configMaps[id] = stringData(try await harness.configMap(id))
                addons[id] = try parsedConfig(await harness.addonConfig(id))
            }
            var expectedWrites = 0
            let log = EventLog()
            let result = await FixApplier(context: harness.context(events: { await log.add($0) })).apply(
                plan, options: options)

            for outcome in result.outcomes where fixable.contains(outcome.clusterId) {
                #expect(outcome.result == .fixed, "\(outcome.clusterId): \(outcome.error ?? "")")
                #expect(outcome.after?.status == .pass)
                #expect(outcome.after?.reason == .configMapPolicyEnabled)
                // eni-config first, with the rollback proof in the same patch; the add-on is written only where its
                // config does not already say "true" (configmap-space-false).
                let addonAlreadyTrue = addons[outcome.clusterId]?["NetworkPolicy"] == "true"
                let expected =
                    ["PATCH configmaps"] + (addonAlreadyTrue ? [] : ["ModifyClusterAddon"]) + ["PATCH daemonsets"]
                #expect(outcome.writes.map(\.api) == expected)
                expectedWrites += expected.count
                if let addonWrite = outcome.writes.first(where: { $0.api == "ModifyClusterAddon" }) {
                    #expect(addonWrite.requestId?.isEmpty == false)
                    #expect(try parsedConfig(addonWrite.before)["NetworkPolicy"] == "false")
                    #expect(try parsedConfig(addonWrite.after)["NetworkPolicy"] == "true")
                }
                let configMapWrite = try #require(outcome.writes.first { $0.api == "PATCH configmaps" })
                #expect(configMapWrite.after == "false")
                #expect(configMapWrite.before == configMaps[outcome.clusterId]?["disable_network_policy"])
                #expect(configMapWrite.resourceVersionBefore != configMapWrite.resourceVersionAfter)
                let restartWrite = try #require(outcome.writes.last)
                #expect(restartWrite.target.contains("kubectl.kubernetes.io/restartedAt"))
                #expect(restartWrite.after?.isEmpty == false)
            }
            let addonWrites = fixable.filter { addons[$0]?["NetworkPolicy"] != "true" }.count
            #expect(addonWrites < fixable.count && addonWrites > 0, "the fleet shows both add-on configs")
            for outcome in result.outcomes where !fixable.contains(outcome.clusterId) {
                #expect(outcome.result == .unchanged)
                #expect(outcome.writes.isEmpty)
            }
            #expect(await log.writes.count == expectedWrites)

            // Only the one key changed in eni-config (and the proof annotation added); only NetworkPolicy in the add-on
            // config.
            for id in fixable {
                var expected = try #require(configMaps[id])
                expected["disable_network_policy"] = "false"
                let configMap = try await harness.configMap(id)
                #expect(stringData(configMap) == expected)
                #expect(
                    configMap?["metadata"]?["annotations"]?[RollbackProof.annotation]?.stringValue?.hasPrefix("sha256:")
                        == true)
                var expectedAddon = try #require(addons[id])
                expectedAddon["NetworkPolicy"] = "true"
                #expect(try parsedConfig(await harness.addonConfig(id)) == expectedAddon)
                let restarted = try await harness.daemonSet(id)?["spec"]?["template"]?["metadata"]?["annotations"]?[
                    "kubectl.kubernetes.io/restartedAt"]
                #expect(restarted?.stringValue?.isEmpty == false)
            }
            let writes = await harness.writeCalls()
            #expect(writes["ModifyClusterAddon"] == addonWrites)
            #expect(writes["k8s:PATCH configmaps"] == fixable.count)
            #expect(writes["k8s:PATCH daemonsets"] == fixable.count)
            #expect(Set(writes.keys) == ["ModifyClusterAddon", "k8s:PATCH configmaps", "k8s:PATCH daemonsets"])

            // A fresh audit: every fixed cluster passes, every other verdict is unchanged.
            let before = Dictionary(uniqueKeysWithValues: audited.map { ($0.clusterId, $0.finding) })
            for cluster in try await harness.audit() {
                if fixable.contains(cluster.clusterId) {
                    #expect(cluster.finding.status == .pass, "\(cluster.clusterId)")
                } else {
                    #expect(cluster.finding.status == before[cluster.clusterId]?.status)
                    #expect(cluster.finding.reason == before[cluster.clusterId]?.reason)
                }
            }

            // The rollback file: 0600, one entry per fixed cluster with its prior values and the writes made.
            let path = try #require(result.rollbackFile)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600)
            let file = try RollbackFile.load(from: URL(fileURLWithPath: path))
            #expect(Set(file.clusters.map(\.clusterId)) == fixable)
            for entry in file.clusters {
                #expect(entry.configMap.prior.text == configMaps[entry.clusterId]?["disable_network_policy"])
                #expect(try parsedConfig(entry.addon.priorConfig) == addons[entry.clusterId])
                #expect(entry.writes.count == (addons[entry.clusterId]?["NetworkPolicy"] == "true" ? 2 : 3))
                #expect(entry.digest == RollbackProof.digest(of: entry))
                let configMap = try await harness.configMap(entry.clusterId)
                #expect(configMap?["metadata"]?["annotations"]?[RollbackProof.annotation]?.stringValue == entry.digest)
                #expect(configMap?["metadata"]?["resourceVersion"]?.stringValue == entry.configMap.afterResourceVersion)
            }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for forbidden in [
                "BEGIN", "client-key", "certificate-authority", "token", harness.emulator.accessKeys[0].secret,
            ] {
                #expect(!text.contains(forbidden), "the rollback file must not hold \(forbidden)")
            }

            let run = FixRun(
                mode: .apply, startedAt: "t0", finishedAt: "t1", source: "emulator", plan: plan,
                outcomes: result.outcomes, rollbackFile: path)
            // Flannel and other clusters with no in-place fix still fail: exit 1 (issue 15 item 9).
            #expect(run.exitCode == ExitStatus.failures)
            #expect(run.remainingFindings.filter { fixable.contains($0.clusterId) }.allSatisfy { $0.status == .pass })
            let document = try JSONValue.parse(FixReportJSON.render(run, toolVersion: "test"))
            #expect(document["writes"]?.arrayValue?.count == expectedWrites)
            #expect(document["summary"]?["results"]?["fixed"] == .number(Double(fixable.count)))
            let text2 = FixReportText.outcomes(run)
            #expect(text2.contains("\(fixable.count) fixed"))
            #expect(text2.contains("ackguard fix --rollback"))
        }
    }

    /// Plans and applies one cluster.
    static func applyOne(
        _ harness: RemediationHarness, _ id: String, options: FixOptions? = nil,
        events: @escaping FixEventHandler = { _ in }
    ) async throws -> FixApplier.Result {
        let cluster = try #require(try await harness.audit().first { $0.clusterId == id })
        let options = options ?? harness.options()
        let plan = await harness.plan([cluster], options: options)
        return await FixApplier(context: harness.context(events: events)).apply(plan, options: options)
    }

    @Test("a 409 race on eni-config: re-read, re-check, retry; the other writer's key survives")
    func conflictIsRetried() async throws {
        try await RemediationHarness.with { harness in
            let id = try #require(harness.ids(showing: .configMapTrue).first)
            let result = try await Self.applyOne(harness, id) { event in
                if case .willPatchConfigMap(let cluster, 1, _) = event, cluster == id {
                    // Another writer changes eni-config between ackguard's read and its patch.
                    try? await harness.editConfigMap(id) { $0["max_pool_size_note"] = "set by someone else" }
                }
            }
            let outcome = try #require(result.outcomes.first)
            #expect(outcome.result == .fixed, "\(outcome.error ?? "")")
            let write = try #require(outcome.writes.first { $0.api == "PATCH configmaps" })
            #expect(write.note?.contains("1 conflict") == true)
            let data = stringData(try await harness.configMap(id))
            #expect(data["disable_network_policy"] == "false")
            #expect(data["max_pool_size_note"] == "set by someone else")
            #expect(await harness.writeCalls()["k8s:PATCH configmaps"] == 2)
        }
    }

    @Test("a 409 race where the other writer enabled policy: nothing more is written to eni-config")
    func conflictRecheck() async throws {
        try await RemediationHarness.with { harness in
            let id = try #require(harness.ids(showing: .configMapOne).first)
            let result = try await Self.applyOne(harness, id) { event in
                if case .willPatchConfigMap(let cluster, 1, _) = event, cluster == id {
                    try? await harness.editConfigMap(id) { $0["disable_network_policy"] = "false" }
                }
            }
            let outcome = try #require(result.outcomes.first)
            #expect(outcome.result == .fixed)
            // The value is left as the other writer set it; the patch after the 409 carries only the proof.
            #expect(outcome.writes.map(\.api) == ["PATCH configmaps", "ModifyClusterAddon", "PATCH daemonsets"])
            #expect(outcome.writes.first?.before == "false")
            #expect(outcome.writes.first?.after == "false")
            #expect(await harness.writeCalls()["k8s:PATCH configmaps"] == 2, "the patch that got 409, then the proof")
            let file = try RollbackFile.load(from: URL(fileURLWithPath: try #require(result.rollbackFile)))
            #expect(file.clusters.first?.configMap.prior == PriorValue("false"), "re-recorded after the re-read")
        }
    }

    @Test("a ConfigMap that keeps changing: bounded retries, then a failure with a rollback file")
    func conflictsAreBounded() async throws {
        var configuration = EmulatorConfiguration.demo()
        let id = try #require(try configuration.makeFleet().clusters(showing: .configMapTrue).first?.id)
        configuration.faults.kubernetesStatuses = [
            KubernetesStatusInjection(clusterId: id, method: "PATCH", resource: "configmaps", status: 409)
        ]
        try await RemediationHarness.with(configuration) { harness in
            let result = try await Self.applyOne(harness, id)
            let outcome = try #require(result.outcomes.first)
            #expect(outcome.result == .failed)
            let attempts = RemediationHarness.timing.maxConflictRetries + 1
            #expect(outcome.error == RemediationError.configMapConflict(clusterId: id, attempts: attempts).description)
            #expect(await harness.writeCalls()["k8s:PATCH configmaps"] == attempts)
            #expect(await harness.writeCalls()["k8s:PATCH daemonsets"] == nil, "nothing after the failed step")
            // eni-config (with the proof) comes first: the add-on was never touched, so nothing is left to restore.
            #expect(await harness.writeCalls()["ModifyClusterAddon"] == nil)
            #expect(outcome.notes == ["nothing was written to this cluster"])
            let file = try RollbackFile.load(from: URL(fileURLWithPath: try #require(result.rollbackFile)))
            #expect(file.clusters.isEmpty, "the record of a cluster nothing was written to is dropped")
        }
    }

    @Test("a failure half-way (DaemonSet patch answers 500) leaves a rollback file that restores the exact prior state")
    func failureHalfWayAndRollback() async throws {
        var configuration = EmulatorConfiguration.demo()
        let id = try #require(try configuration.makeFleet().clusters(showing: .configMapCapitalTrue).first?.id)
        configuration.faults.kubernetesStatuses = [
            KubernetesStatusInjection(clusterId: id, method: "PATCH", resource: "daemonsets", status: 500)
        ]
        try await RemediationHarness.with(configuration) { harness in
            let priorConfigMap = try #require(try await harness.configMap(id))
            let priorAddon = try #require(await harness.addonConfig(id))
            let priorDaemonSet = try await harness.daemonSet(id)

            let result = try await Self.applyOne(harness, id)
            let outcome = try #require(result.outcomes.first)
            #expect(outcome.result == .failed)
            #expect(outcome.error?.contains("rollout restart") == true)
            #expect(outcome.writes.map(\.api) == ["PATCH configmaps", "ModifyClusterAddon"])
            #expect(stringData(try await harness.configMap(id))["disable_network_policy"] == "false")
            #expect(try parsedConfig(await harness.addonConfig(id))["NetworkPolicy"] == "true")
            #expect(try await harness.daemonSet(id) == priorDaemonSet)

            let path = try #require(result.rollbackFile)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600)
            let file = try RollbackFile.load(from: URL(fileURLWithPath: path))
            let entry = try #require(file.clusters.first)
            #expect(entry.clusterId == id)
            #expect(entry.configMap.prior == PriorValue("True"))
            #expect(entry.configMap.priorResourceVersion == priorConfigMap["metadata"]?["resourceVersion"]?.stringValue)
            #expect(entry.addon.priorConfig == priorAddon)
            #expect(entry.addon.priorNetworkPolicy == PriorValue("false"))
            #expect(entry.writes.map(\.api) == ["PATCH configmaps", "ModifyClusterAddon"])

            // The fault clears; the rollback puts everything back.
            await harness.emulator.state.setFaults(FaultConfiguration())
            let outcomes = await RollbackRunner(context: harness.context()).restore(file)
            let restored = try #require(outcomes.first)
            #expect(restored.result == .restored, "\(restored.error ?? "")")
            #expect(restored.writes.map(\.api) == ["ModifyClusterAddon", "PATCH configmaps", "PATCH daemonsets"])
            #expect(stringData(try await harness.configMap(id)) == stringData(priorConfigMap))
            #expect(try await harness.configMap(id)?["metadata"]?["annotations"]?[RollbackProof.annotation] == nil)
            #expect(try parsedConfig(await harness.addonConfig(id)) == (try parsedConfig(priorAddon)))
            #expect(restored.after?.status == .fail)
            #expect(restored.after?.reason == .configMapPolicyDisabled)
            #expect(restored.notes.isEmpty)

            // The proof went with the restore: a second rollback of the same file is refused and writes nothing.
            await harness.emulator.state.resetRequestLog()
            let again = try #require(await RollbackRunner(context: harness.context()).restore(file).first)
            #expect(again.result == .refused)
            #expect(again.error?.contains("no \(RollbackProof.annotation) annotation") == true)
            #expect(again.writes.isEmpty)
            #expect(await harness.writeCalls() == [:])
        }
    }

    @Test("a failure before any write leaves the run going; a failure after a write stops it")
    func stopRules() async throws {
        try await RemediationHarness.with { harness in
            let ids = [FleetSituation.configMapTrue, .configMapOne, .configMapCapitalTrue].compactMap {
                harness.ids(showing: $0).first
            }
            let options = harness.options()
            let plan = await harness.plan(
                try await harness.audit().filter { ids.contains($0.clusterId) }, options: options)
            let order = plan.clusters.map(\.clusterId)
            #expect(order.count == 3)
            // The first cluster's Kubernetes API now refuses: nothing can be read, so nothing is written there.
            // The second one's DaemonSet patch fails after two writes: the third is not attempted.
            await harness.emulator.state.setFaults(
                FaultConfiguration(
                    kubernetes: [order[0]: .refuse],
                    kubernetesStatuses: [
                        KubernetesStatusInjection(
                            clusterId: order[1], method: "PATCH", resource: "daemonsets", status: 500)
                    ]))
            let result = await FixApplier(context: harness.context()).apply(plan, options: options)
            #expect(result.outcomes.map(\.result) == [.failed, .failed, .notAttempted])
            #expect(result.outcomes[0].writes.isEmpty)
            #expect(result.outcomes[0].notes == ["nothing was written to this cluster"])
            #expect(result.outcomes[1].writes.map(\.api).first == "PATCH configmaps")
            #expect(result.outcomes[1].notes.contains { $0.contains("--rollback") && $0.contains(order[1]) })
            let file = try RollbackFile.load(from: URL(fileURLWithPath: try #require(result.rollbackFile)))
            #expect(file.clusters.map(\.clusterId) == [order[1]])
            #expect(stringData(try await harness.configMap(order[2]))["disable_network_policy"] != "false")
        }
    }

    @Test("a large Felix cluster is refused without --allow-large while the others are fixed; exit 2")
    func largeFelixRefusedOthersFixed() async throws {
        try await RemediationHarness.with { harness in
            let large = try #require(harness.ids(showing: .largeFelixCluster).first)
            let other = try #require(harness.ids(showing: .configMapOne).first)
            try await harness.editConfigMap(large) { $0["disable_network_policy"] = "true" }
            let audited = try await harness.audit().filter { [large, other].contains($0.clusterId) }
            let options = harness.options()
            let plan = await harness.plan(audited, options: options)
            let result = await FixApplier(context: harness.context()).apply(plan, options: options)
            let byId = Dictionary(uniqueKeysWithValues: result.outcomes.map { ($0.clusterId, $0) })
            #expect(byId[large]?.result == .refused)
            #expect(byId[large]?.error?.contains("--allow-large") == true)
            #expect(byId[large]?.writes.isEmpty == true)
            #expect(byId[other]?.result == .fixed)
            #expect(stringData(try await harness.configMap(large))["disable_network_policy"] == "true")
            let run = FixRun(
                mode: .apply, startedAt: "", finishedAt: "", source: "", plan: plan, outcomes: result.outcomes)
            #expect(run.exitCode == ExitStatus.inputError)

            let allowed = harness.options(allowLarge: true)
            let second = await FixApplier(context: harness.context()).apply(
                await harness.plan(try await harness.audit().filter { $0.clusterId == large }, options: allowed),
                options: allowed)
            #expect(second.outcomes.first?.result == .fixed)
        }
    }

    @Test("a cluster fixed in the meantime: nothing is written, the re-audit passes")
    func alreadyFixed() async throws {
        try await RemediationHarness.with { harness in
            let id = try #require(harness.ids(showing: .configMapTrue).first)
            let cluster = try #require(try await harness.audit().first { $0.clusterId == id })
            let options = harness.options()
            let plan = await harness.plan([cluster], options: options)
            try await harness.editConfigMap(id) { $0["disable_network_policy"] = "false" }
            _ = try await harness.client.modifyClusterAddon(
                clusterId: id, componentId: "terway-eniip", config: #"{"NetworkPolicy":"true"}"#,
                region: cluster.record.regionId)
            // Let the emulator's add-on task finish.
            for _ in 0..<3 {
                _ = try await harness.client.describeClusterAddonsUpgradeStatus(
                    clusterId: id, componentIds: ["terway-eniip"], region: cluster.record.regionId)
            }
            await harness.emulator.state.resetRequestLog()
            let result = await FixApplier(context: harness.context()).apply(plan, options: options)
            #expect(result.outcomes.first?.result == .alreadyFixed)
            #expect(result.outcomes.first?.writes.isEmpty == true)
            #expect(result.rollbackFile == nil)
            #expect(await harness.writeCalls() == [:])
        }
    }
}
