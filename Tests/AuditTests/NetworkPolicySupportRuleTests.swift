import Audit
import Testing

@Suite("rule 1: the decision table of RULE.md, row by row")
struct NetworkPolicySupportRuleTests {
    func evaluate(_ evidence: ClusterEvidence) -> Finding { NetworkPolicySupportRule.evaluate(evidence) }

    @Test(
        "row 1: deleting, deleted and delete_failed clusters are not applicable",
        arguments: [
            "deleting", "deleted", "delete_failed", "Deleting",
        ])
    func row1(state: String) {
        let finding = evaluate(ClusterEvidence(record: Build.record(state: state, addons: [["name": "flannel"]])))
        #expect(finding.status == .notApplicable)
        #expect(finding.reason == .clusterDeleted)
    }

    @Test("row 2: registered clusters are not applicable")
    func row2() {
        let finding = evaluate(
            ClusterEvidence(record: Build.record(type: "ExternalKubernetes", addons: [["name": "flannel"]])))
        #expect(finding.status == .notApplicable)
        #expect(finding.reason == .registeredCluster)
    }

    @Test("row 3: serverless profile or the legacy Ask type are not applicable")
    func row3() {
        for record in [Build.record(profile: "Serverless"), Build.record(type: "Ask", profile: nil)] {
            let finding = evaluate(ClusterEvidence(record: record))
            #expect(finding.status == .notApplicable)
            #expect(finding.reason == .serverlessCluster)
        }
    }

    @Test("row 1 wins over row 2 and 3: first match")
    func firstMatchWins() {
        let finding = evaluate(ClusterEvidence(record: Build.record(type: "ExternalKubernetes", state: "deleting")))
        #expect(finding.reason == .clusterDeleted)
    }

    @Test("row 4: no plug-in identifiable is UNKNOWN, also when only terway-controlplane or disabled add-ons appear")
    func row4() {
        for addons: [JSONValue] in [
            [], [["name": "csi-plugin"]], [["name": "terway-controlplane"]],
            [["name": "flannel", "disabled": true]],
        ] {
            let finding = evaluate(ClusterEvidence(record: Build.record(addons: addons)))
            #expect(finding.status == .unknown)
            #expect(finding.reason == .pluginUnknown)
            #expect(finding.remediation.kind == .none)
        }
    }

    @Test("row 5: Flannel from any source fails with a re-creation remediation")
    func row5() {
        let records = [
            Build.record(addons: [["name": "flannel"]]), Build.record(addons: [["name": "kube-flannel-ds"]]),
            Build.record(network: "Flannel"), Build.record(parameters: ["Network": "Flannel"]),
        ]
        for record in records {
            let finding = evaluate(ClusterEvidence(record: record))
            #expect(finding.status == .fail)
            #expect(finding.reason == .pluginFlannel)
            #expect(finding.remediation.kind == .recreateCluster)
        }
    }

    @Test("row 6: Terway without shared ENI fails")
    func row6() {
        for name in ["terway-eni", "terway"] {
            let finding = evaluate(ClusterEvidence(record: Build.record(addons: [["name": .string(name)]])))
            #expect(finding.status == .fail)
            #expect(finding.reason == .pluginTerwayExclusiveENI)
        }
        // terway-eniip next to terway-eni is shared ENI (exclusive ENI per node pool since Terway 1.11).
        let mixed = evaluate(
            ClusterEvidence(record: Build.record(addons: [Build.eniip("true"), ["name": "terway-eni"]])))
        #expect(mixed.reason == .addonPolicyEnabled)
    }

    @Test("the add-on API saying terway-eniip is not installed conflicts with meta_data: identified, layer 2 absent")
    func addonAPINotFoundConflictsWithMetaData() {
        var evidence = ClusterEvidence(record: Build.record(addons: [Build.eniip("true")]))
        evidence.addonInstances["terway-eniip"] = .notFound(source: "api", detail: "AddonNotFound")
        let finding = evaluate(evidence)
        // meta_data's NetworkPolicy "true" does not stand in for the live answer: nothing says whether policy is on.
        #expect(finding.status == .unknown)
        #expect(finding.reason == .policyStateUnknown)
        #expect(finding.warnings.map(\.code) == [.addonAPIConflict])

        // eni-config, read because meta_data names terway-eniip, decides.
        evidence.eniConfig = Build.configMap("false")
        let decided = evaluate(evidence)
        #expect(decided.status == .pass)
        #expect(decided.reason == .configMapPolicyEnabled)
        #expect(decided.warnings.map(\.code) == [.addonAPIConflict])
        evidence.eniConfig = Build.configMap("true")
        #expect(evaluate(evidence).reason == .configMapPolicyDisabled)
    }

    @Test("a plug-in only the add-on API denies is still identified (parameters.Network flannel)")
    func addonAPINotFoundDoesNotHideFlannel() {
        var evidence = ClusterEvidence(record: Build.record(addons: [], network: "flannel"))
        evidence.addonInstances["flannel"] = .notFound(source: "api", detail: "AddonNotFound")
        let finding = evaluate(evidence)
        #expect(finding.reason == .pluginFlannel)
        #expect(finding.warnings.map(\.code) == [.addonAPIConflict])
    }

    @Test("plugin-unknown only when no source names a plug-in, whatever the add-on API says")
    func pluginUnknownOnlyWithoutAnyName() {
        var evidence = ClusterEvidence(record: Build.record(addons: []))
        evidence.addonInstances["terway-eniip"] = .notFound(source: "api", detail: "AddonNotFound")
        let finding = evaluate(evidence)
        #expect(finding.reason == .pluginUnknown)
        #expect(finding.warnings.isEmpty)
    }

    @Test("row 7: eni-config disabling policy fails, whatever the add-on says")
    func row7() {
        let evidence = ClusterEvidence(
            record: Build.record(addons: [Build.eniip("true")]), eniConfig: Build.configMap("true"))
        let finding = evaluate(evidence)
        #expect(finding.status == .fail)
        #expect(finding.reason == .configMapPolicyDisabled)
        #expect(finding.remediation.kind == .editConfigMap)
        #expect(finding.warnings.isEmpty)
    }

    @Test("row 8: eni-config enabling policy passes; drift warning when the add-on says false")
    func row8() {
        let clean = evaluate(
            ClusterEvidence(record: Build.record(addons: [Build.eniip("true")]), eniConfig: Build.configMap(nil)))
        #expect(clean.status == .pass)
        #expect(clean.reason == .configMapPolicyEnabled)
        #expect(clean.warnings.isEmpty)
        #expect(clean.remediation.kind == .none)
        let drift = evaluate(
            ClusterEvidence(record: Build.record(addons: [Build.eniip("false")]), eniConfig: Build.configMap("false")))
        #expect(drift.status == .pass)
        #expect(drift.warnings.map(\.code) == [.addonConfigDrift])
    }

    @Test("rows 9 and 10: without eni-config the add-on config decides")
    func rows9and10() {
        let off = evaluate(ClusterEvidence(record: Build.record(addons: [Build.eniip("false")])))
        #expect(off.status == .fail)
        #expect(off.reason == .addonPolicyDisabled)
        let on = evaluate(ClusterEvidence(record: Build.record(addons: [Build.eniip("true")])))
        #expect(on.status == .pass)
        #expect(on.reason == .addonPolicyEnabled)
        #expect(on.warnings.map(\.code) == [.configMapNotVerified])
    }

    @Test("the add-on API beats meta_data for the config")
    func addonAPIBeatsMetaData() {
        var evidence = ClusterEvidence(record: Build.record(addons: [Build.eniip("true")]))
        evidence.addonInstances["terway-eniip"] = .read(
            ["name": "terway-eniip", "config": "{\"NetworkPolicy\":\"false\"}"], source: "api")
        #expect(evaluate(evidence).reason == .addonPolicyDisabled)
        // A failed add-on API is not replaced by the stale copy: no PASS from meta_data.
        evidence.addonInstances["terway-eniip"] = .failed(source: "api", error: "InternalError")
        let failed = evaluate(evidence)
        #expect(failed.status == .unknown)
        #expect(failed.reason == .policyStateUnknown)
        #expect(failed.message.contains("InternalError"))
    }

    @Test(
        "row 11: nothing says whether policy is on",
        arguments: [
            "{}", "", "{\"NetworkPolicy\":true}", "{\"NetworkPolicy\":\"TRUE\"}", "not json",
        ])
    func row11(config: String) {
        let addon: JSONValue = ["name": "terway-eniip", "config": .string(config)]
        let finding = evaluate(ClusterEvidence(record: Build.record(addons: [addon])))
        #expect(finding.status == .unknown)
        #expect(finding.reason == .policyStateUnknown)
        #expect(finding.remediation.kind == .editConfigMap)
    }

    @Test("a ConfigMap that does not exist is UNKNOWN configmap-missing, not a pass")
    func configMapMissing() {
        let finding = evaluate(
            ClusterEvidence(
                record: Build.record(addons: [Build.eniip("true")]),
                eniConfig: .notFound(source: "k8s", detail: "HTTP 404 NotFound")))
        #expect(finding.status == .unknown)
        #expect(finding.reason == .configMapMissing)
    }

    @Test("an unreadable ConfigMap leaves layer 3 absent with a warning carrying the error")
    func configMapUnreadable() {
        let finding = evaluate(
            ClusterEvidence(
                record: Build.record(addons: [Build.eniip("false")]),
                eniConfig: .failed(source: "k8s", error: "HTTP 403 Forbidden")))
        #expect(finding.status == .fail)
        #expect(finding.reason == .addonPolicyDisabled)
        #expect(finding.warnings.map(\.code) == [.configMapUnreadable])
        #expect(finding.warnings[0].message.contains("403"))
    }

    @Test("exclusive-ENI nodes are named in a warning")
    func exclusiveNodes() {
        let finding = evaluate(
            ClusterEvidence(
                record: Build.record(addons: [Build.eniip("true")]), eniConfig: Build.configMap("false"),
                nodes: .read(
                    [Build.node("a"), Build.node("c", exclusive: true), Build.node("b", exclusive: true)], source: "k8s"
                )))
        #expect(finding.status == .pass)
        #expect(finding.warnings.map(\.code) == [.exclusiveENINodes])
        #expect(finding.warnings[0].details["nodes"] == ["b", "c"])
    }

    @Test("over 100 nodes with the Felix datapath warns; eBPF or 100 nodes do not")
    func largeFelix() {
        func warnings(nodes: Int, virtualType: String?) -> [WarningCode] {
            var conf: [String: JSONValue] = ["type": "terway"]
            if let virtualType { conf["eniip_virtual_type"] = .string(virtualType) }
            let evidence = ClusterEvidence(
                record: Build.record(addons: [Build.eniip("true")]),
                eniConfig: Build.configMap("false", conf: .object(conf)),
                nodes: .read((0..<nodes).map { Build.node("n\($0)") }, source: "k8s"))
            return evaluate(evidence).warnings.map(\.code)
        }
        #expect(warnings(nodes: 101, virtualType: "veth") == [.largeClusterFelix])
        #expect(warnings(nodes: 101, virtualType: nil) == [.largeClusterFelix])
        #expect(warnings(nodes: 100, virtualType: "veth").isEmpty)
        #expect(warnings(nodes: 150, virtualType: "datapathv2").isEmpty)
        #expect(warnings(nodes: 150, virtualType: "IPVlan").isEmpty)
    }

    @Test("--strict turns warnings into FAIL and keeps the reason")
    func strict() {
        let evidence = ClusterEvidence(record: Build.record(addons: [Build.eniip("true")]))
        let findings = AuditEngine.evaluate(evidence, options: AuditOptions(strict: true))
        #expect(findings.count == 1)
        #expect(findings[0].status == .fail)
        #expect(findings[0].statusBeforeStrict == .pass)
        #expect(findings[0].reason == .addonPolicyEnabled)
        let clean = AuditEngine.evaluate(
            ClusterEvidence(record: Build.record(addons: [Build.eniip("true")]), eniConfig: Build.configMap("false")),
            options: AuditOptions(strict: true))
        #expect(clean[0].status == .pass)
    }

    @Test("findings carry evidence of every layer read and the compliance ids")
    func evidenceAndCompliance() {
        let finding = evaluate(
            ClusterEvidence(record: Build.record(addons: [Build.eniip("true")]), eniConfig: Build.configMap("false")))
        #expect(Set(finding.evidence.keys) == ["cluster", "plugin", "addonConfig", "configMap", "nodes"])
        #expect(finding.evidence["configMap"]?["disable_network_policy"] == "false")
        #expect(finding.evidence["addonConfig"]?["NetworkPolicy"] == "true")
        #expect(finding.compliance == ["AlibabaCloud-ACK-007", "CIS-Alibaba-2.0-7.7"])
    }
}

@Suite("Terway's parsing of disable_network_policy")
struct TerwayPolicySwitchTests {
    @Test("absent, empty, \"false\" and \"0\" enable policy")
    func enabling() {
        for value: String? in [nil, "", "false", "0"] {
            #expect(TerwayPolicySwitch.policyEnabled(disableNetworkPolicy: value))
        }
    }

    @Test(
        "every other value disables it: no trimming, no case folding",
        arguments: [
            "true", "True", "TRUE", "1", "yes", "no", " false", "false ", "False", "FALSE", "00", "off", "false\n",
        ])
    func disabling(value: String) {
        #expect(!TerwayPolicySwitch.policyEnabled(disableNetworkPolicy: value))
    }
}

@Suite("the audit engine")
struct AuditEngineTests {
    @Test("findings are sorted by rule, region, cluster id; the summary gives the exit code")
    func orderAndExitCode() {
        var b = Build.record("b", addons: [["name": "flannel"]])
        b.regionId = "cn-beijing"
        let a = Build.record("a", addons: [Build.eniip("true")])
        let z = Build.record("z", addons: [])
        let findings = AuditEngine.evaluate(
            [ClusterEvidence(record: z), ClusterEvidence(record: a), ClusterEvidence(record: b)],
            options: AuditOptions(rules: Set(RuleID.allCases)))
        #expect(findings.map(\.clusterId) == ["b", "a", "z", "b", "a", "z"])
        #expect(findings.prefix(3).allSatisfy { $0.rule == .networkPolicyCoverage })
        let summary = AuditSummary(findings)
        #expect(summary.exitCode == 1)
        #expect(AuditSummary([]).exitCode == 0)
        let unknownOnly = AuditEngine.evaluate([ClusterEvidence(record: z)], options: AuditOptions())
        #expect(AuditSummary(unknownOnly).exitCode == 3)
    }

    @Test("suppressed findings do not count for the exit code")
    func suppressed() {
        var findings = AuditEngine.evaluate(
            [ClusterEvidence(record: Build.record(addons: [["name": "flannel"]]))], options: AuditOptions())
        findings[0].suppression = Suppression(reason: "migration planned", expires: "2099-01-01")
        #expect(AuditSummary(findings).exitCode == 0)
        #expect(AuditSummary(findings).suppressed == 1)
    }
}
