/// Rule 1, `ack-network-policy-support` (ACK-007, CIS Alibaba Cloud 7.7): the decision table of RULE.md, first
/// match wins.
public enum NetworkPolicySupportRule {
    public static let exclusiveENILabel = "k8s.aliyun.com/exclusive-mode-eni-type"
    public static let largeClusterNodeCount = 100

    public static func evaluate(_ evidence: ClusterEvidence) -> Finding {
        let record = evidence.record
        var finding = Finding(
            rule: .networkPolicySupport, clusterId: record.clusterId, clusterName: record.name,
            regionId: record.regionId, status: .unknown, reason: .policyStateUnknown, message: "",
            accountId: record.accountId)
        finding.evidence["cluster"] = clusterEvidence(record)

        func decide(_ status: Status, _ reason: ReasonCode, _ message: String) -> Finding {
            finding.status = status
            finding.reason = reason
            finding.message = message
            finding.remediation = remediation(for: reason, clusterId: record.clusterId)
            return finding
        }

        // Rows 1–3: clusters the rule does not apply to.
        let state = record.state?.lowercased()
        if let state, ["deleting", "deleted", "delete_failed"].contains(state) {
            return decide(.notApplicable, .clusterDeleted, "the cluster is \(state); the rule does not apply")
        }
        if let vanished = vanishedSource(evidence) {
            return decide(.notApplicable, .clusterDeleted, "the cluster no longer exists (\(vanished))")
        }
        if record.clusterType?.lowercased() == "externalkubernetes" {
            return decide(
                .notApplicable, .registeredCluster,
                "registered cluster (ExternalKubernetes): its network plug-in is managed outside ACK")
        }
        if record.profile?.lowercased() == "serverless" || record.clusterType?.lowercased() == "ask" {
            return decide(
                .notApplicable, .serverlessCluster,
                "serverless cluster: NetworkPolicy comes from the Poseidon add-on, not from Terway")
        }

        // Rows 4–6: the plug-in.
        let identification = PluginIdentification(evidence: evidence)
        finding.evidence["plugin"] = identification.evidence
        for name in identification.conflicts {
            finding.warnings.append(
                FindingWarning(
                    code: .addonAPIConflict,
                    message: "the add-on API says \(name) is not installed, but the cluster record names it: a network "
                        + "plug-in cannot be removed, so the sources conflict (layer 2 is taken as absent)",
                    details: ["addon": .string(name), "source": .string(identification.absentAddons[name] ?? "")]))
        }
        guard let plugin = identification.plugin else {
            var message = "no network plug-in can be identified from meta_data, parameters or the add-on API"
            if let problem = record.metaDataProblem { message += " (meta_data: \(problem))" }
            return decide(.unknown, .pluginUnknown, message)
        }
        switch plugin {
        case .flannel:
            return decide(
                .fail, .pluginFlannel,
                "the cluster uses Flannel, which cannot enforce NetworkPolicy; the plug-in cannot change after creation"
            )
        case .terwayOther:
            let names = Set(identification.mentions.filter { $0.plugin == .terwayOther }.map(\.name)).sorted()
            return decide(
                .fail, .pluginTerwayExclusiveENI,
                "Terway runs without shared-ENI mode (\(names.joined(separator: ", "))), which does not enforce "
                    + "NetworkPolicy")
        case .terwayShared:
            break
        }

        // Terway shared-ENI: layers 2, 3 and 4.
        let addon = addonSetting(evidence)
        finding.evidence["addonConfig"] = addon.evidence
        let configMap = ConfigMapReading(evidence.eniConfig)
        finding.evidence["configMap"] = configMap.evidence
        let nodes = NodeReading(evidence.nodes, record: record)
        finding.evidence["nodes"] = nodes.evidence
        finding.warnings += warnings(configMap: configMap, nodes: nodes, evidence: evidence)

        if configMap.missing {
            return decide(
                .unknown, .configMapMissing,
                "Terway shared-ENI, but kube-system/eni-config does not exist, so the policy switch cannot be verified")
        }
        if let enabled = configMap.policyEnabled {
            if !enabled {
                return decide(
                    .fail, .configMapPolicyDisabled,
                    "kube-system/eni-config sets disable_network_policy to \(quoted(configMap.value)): Terway does "
                        + "not enforce NetworkPolicy")
            }
            if addon.setting?.networkPolicy == "false" {
                finding.warnings.insert(
                    FindingWarning(
                        code: .addonConfigDrift,
                        message: "the terway-eniip add-on config says NetworkPolicy \"false\" but eni-config enables "
                            + "policy; an add-on update may switch it off",
                        details: ["addonSource": .string(addon.setting!.source)]),
                    at: 0)
            }
            let how =
                configMap.value.map { "disable_network_policy is \(quoted($0))" } ?? "disable_network_policy is absent"
            return decide(
                .pass, .configMapPolicyEnabled,
                "Terway shared-ENI enforces NetworkPolicy (kube-system/eni-config: \(how))")
        }
        switch addon.setting?.networkPolicy {
        case "false"?:
            return decide(
                .fail, .addonPolicyDisabled,
                "the terway-eniip add-on config sets NetworkPolicy to \"false\" (eni-config was not read)")
        case "true"?:
            finding.warnings.append(
                FindingWarning(
                    code: .configMapNotVerified,
                    message: "kube-system/eni-config was not read: what Terway actually obeys is not verified"))
            return decide(
                .pass, .addonPolicyEnabled,
                "the terway-eniip add-on config sets NetworkPolicy to \"true\" (eni-config was not read)")
        default:
            var why: [String] = []
            if let problem = addon.problem { why.append(problem) }
            if let problem = addon.setting?.problem { why.append(problem) }
            if addon.setting != nil, addon.setting?.problem == nil {
                why.append("the add-on config has no NetworkPolicy")
            }
            if addon.setting == nil, addon.problem == nil { why.append("no terway-eniip add-on config was found") }
            why.append(configMap.absenceExplanation)
            return decide(
                .unknown, .policyStateUnknown,
                "Terway shared-ENI, but nothing says whether network policy is on: " + why.joined(separator: "; "))
        }
    }

    // MARK: - Layers

    /// Layer 2: the add-on API beats meta_data; a failed add-on API read is not replaced by the stale copy.
    static func addonSetting(_ evidence: ClusterEvidence) -> (
        setting: AddonPolicySetting?, problem: String?, evidence: JSONValue
    ) {
        let layer = evidence.addonInstances["terway-eniip"] ?? .notCollected
        switch layer {
        case .read(let instance, let source):
            let setting = AddonPolicySetting(config: instance["config"], source: source)
            return (setting, nil, setting.evidence)
        case .failed(let source, let error):
            let problem = "the add-on API failed (\(error))"
            return (nil, problem, ["source": .string(source), "error": .string(error)])
        case .notFound(let source, let detail):
            // A live answer that the add-on is not there: its creation-time copy in meta_data does not stand in.
            let problem = "the add-on API answered that terway-eniip is not installed (\(detail))"
            return (nil, problem, ["source": .string(source), "notFound": .string(detail)])
        case .notCollected:
            let entry = evidence.record.metaData?["Addons"]?.arrayValue?.first {
                $0["name"]?.stringValue?.lowercased() == "terway-eniip"
            }
            guard let entry else {
                return (nil, nil, ["source": .null, "config": .null, "NetworkPolicy": .null])
            }
            let setting = AddonPolicySetting(config: entry["config"], source: "meta_data.Addons[terway-eniip].config")
            return (setting, nil, setting.evidence)
        }
    }

    /// The cluster was deleted while it was being audited: a CS call about it answered `ErrorClusterNotFound`
    /// (saved as the add-on document, or as the 410 `Status` of a Kubernetes read that needed a kubeconfig).
    static func vanishedSource(_ evidence: ClusterEvidence) -> String? {
        for name in evidence.addonInstances.keys.sorted() {
            if case .notFound(let source, let detail) = evidence.addonInstances[name]!,
                detail.contains("ErrorClusterNotFound")
            {
                return "\(source): ErrorClusterNotFound"
            }
        }
        if case .failed(let source, let error) = evidence.eniConfig, error.hasPrefix("HTTP 410"),
            error.contains("ErrorClusterNotFound")
        {
            return "\(source): ErrorClusterNotFound"
        }
        return nil
    }

    static func warnings(configMap: ConfigMapReading, nodes: NodeReading, evidence: ClusterEvidence) -> [FindingWarning]
    {
        var warnings: [FindingWarning] = []
        if case .failed(let source, let error) = evidence.eniConfig {
            warnings.append(
                FindingWarning(
                    code: .configMapUnreadable,
                    message: "kube-system/eni-config could not be read: \(error)",
                    details: ["source": .string(source), "error": .string(error)]))
        }
        if let problem = configMap.unreadableValue, case .read(_, let source) = evidence.eniConfig {
            warnings.append(
                FindingWarning(
                    code: .configMapUnreadable,
                    message: "kube-system/eni-config could not be read: \(problem.message)",
                    details: ["source": .string(source), "error": .string(problem.message), "value": problem.value]))
        }
        if !nodes.exclusiveENINodes.isEmpty {
            let names = nodes.exclusiveENINodes
            let shown = names.prefix(10).joined(separator: ", ") + (names.count > 10 ? ", …" : "")
            warnings.append(
                FindingWarning(
                    code: .exclusiveENINodes,
                    message: "\(names.count) node(s) run in exclusive ENI mode, where NetworkPolicy is not enforced: "
                        + shown,
                    details: ["nodes": .array(names.map(JSONValue.string))]))
        }
        if let count = nodes.count, count > largeClusterNodeCount, configMap.datapath == .felix {
            warnings.append(
                FindingWarning(
                    code: .largeClusterFelix,
                    message: "\(count) nodes with the Felix policy datapath: ACK advises deploying Typha before "
                        + "enabling NetworkPolicy",
                    details: ["nodes": .number(Double(count)), "datapath": "felix"]))
        }
        return warnings
    }

    static func clusterEvidence(_ record: ClusterRecord) -> JSONValue {
        var object: [String: JSONValue] = ["sources": .array(record.sources.map(JSONValue.string))]
        object["cluster_type"] = record.clusterType.map(JSONValue.string) ?? .null
        object["profile"] = record.profile.map(JSONValue.string) ?? .null
        object["state"] = record.state.map(JSONValue.string) ?? .null
        object["current_version"] = record.currentVersion.map(JSONValue.string) ?? .null
        if let network = record.parameters?["Network"] { object["parameters.Network"] = .string(network) }
        if let problem = record.metaDataProblem { object["metaDataProblem"] = .string(problem) }
        return .object(object)
    }

    static func quoted(_ value: String?) -> String {
        guard let value else { return "(absent)" }
        return JSONValue.string(value).serialized()
    }

    // MARK: - Remediation

    /// The steps name the cluster as a shell word quoted for a POSIX shell (``ShellWord``): people paste them.
    public static func remediation(for reason: ReasonCode, clusterId: String) -> Remediation {
        let cluster = ShellWord.quoted(clusterId)
        let addonConfigPath = ShellWord.quoted("/clusters/\(clusterId)/components/terway-eniip/config")
        switch reason {
        case .pluginFlannel, .pluginTerwayExclusiveENI:
            return Remediation(
                kind: .recreateCluster,
                steps: [
                    "The network plug-in cannot change after creation: create a replacement cluster with Terway "
                        + "(addons [{\"name\":\"terway-eniip\",\"config\":\"{\\\"NetworkPolicy\\\":\\\"true\\\"}\"}] "
                        + "and pod_vswitch_ids), then migrate the workloads.",
                    "Plan it with `ackguard fix --cluster \(cluster)`: it prints the CreateCluster body and the "
                        + "Terraform block; the existing cluster is never deleted.",
                ])
        case .configMapPolicyDisabled, .addonPolicyDisabled, .policyStateUnknown:
            return Remediation(
                kind: .editConfigMap,
                steps: [
                    "kubectl -n kube-system patch configmap eni-config --type merge "
                        + "-p '{\"data\":{\"disable_network_policy\":\"false\"}}'",
                    "aliyun cs POST \(addonConfigPath) "
                        + "--body '{\"config\":\"{\\\"NetworkPolicy\\\":\\\"true\\\"}\"}'",
                    "kubectl -n kube-system rollout restart daemonset/terway-eniip",
                    "Or let ackguard do all three safely: `ackguard fix --cluster \(cluster) --apply`.",
                ])
        case .configMapMissing:
            return Remediation(
                kind: .none,
                steps: [
                    "Check the Terway installation: kube-system/eni-config should exist on every terway-eniip cluster "
                        + "(`kubectl -n kube-system get configmap eni-config`)."
                ])
        default:
            return .none
        }
    }
}

/// Layer 3 as read.
struct ConfigMapReading {
    var missing = false
    var value: String?
    var policyEnabled: Bool?
    var datapath: TerwayDatapath?
    /// The ConfigMap was read but `disable_network_policy` is not a string: layer 3 is unreadable (RULE.md).
    var unreadableValue: (value: JSONValue, message: String)?
    var evidence: JSONValue
    var absenceExplanation: String

    init(_ layer: Layer<JSONValue>) {
        switch layer {
        case .read(let configMap, let source):
            datapath = TerwayDatapath.of(configMap: configMap)
            let resourceVersion = configMap["metadata"]?["resourceVersion"] ?? .null
            if case .notAString(let raw) = TerwayPolicySwitch.setting(inConfigMap: configMap) {
                let shown = raw.serialized()
                let brief = shown.count > 80 ? String(shown.prefix(77)) + "…" : shown
                let message =
                    "disable_network_policy is \(TerwayPolicySwitch.describeKind(raw)) (\(brief)), not a string: "
                    + "Terway reads only string values, so the switch cannot be read"
                unreadableValue = (raw, message)
                evidence = [
                    "source": .string(source), "state": "unreadable", "error": .string(message),
                    "disable_network_policy": raw, "keyPresent": true,
                    "datapath": datapath.map { .string($0.rawValue) } ?? .null, "resourceVersion": resourceVersion,
                ]
                absenceExplanation = "kube-system/eni-config's " + message
                return
            }
            value = TerwayPolicySwitch.value(inConfigMap: configMap)
            policyEnabled = TerwayPolicySwitch.policyEnabled(disableNetworkPolicy: value)
            evidence = [
                "source": .string(source), "state": "read",
                "disable_network_policy": value.map(JSONValue.string) ?? .null,
                "keyPresent": .bool(value != nil), "policyEnabled": .bool(policyEnabled!),
                "datapath": datapath.map { .string($0.rawValue) } ?? .null,
                "resourceVersion": resourceVersion,
            ]
            absenceExplanation = ""
        case .notFound(let source, let detail):
            missing = true
            evidence = ["source": .string(source), "state": "not-found", "detail": .string(detail)]
            absenceExplanation = "kube-system/eni-config does not exist"
        case .failed(let source, let error):
            evidence = ["source": .string(source), "state": "unreadable", "error": .string(error)]
            absenceExplanation = "kube-system/eni-config could not be read"
        case .notCollected:
            evidence = ["source": .null, "state": "not-collected"]
            absenceExplanation = "kube-system/eni-config was not read"
        }
    }
}

/// Layer 4 as read.
struct NodeReading {
    var count: Int?
    var exclusiveENINodes: [String] = []
    var evidence: JSONValue

    init(_ layer: Layer<[JSONValue]>, record: ClusterRecord) {
        switch layer {
        case .read(let nodes, let source):
            count = nodes.count
            exclusiveENINodes = nodes.compactMap { node -> String? in
                guard node["metadata"]?["labels"]?[NetworkPolicySupportRule.exclusiveENILabel]?.stringValue == "eniOnly"
                else { return nil }
                return node["metadata"]?["name"]?.stringValue ?? "(unnamed)"
            }.sorted()
            evidence = [
                "source": .string(source), "count": .number(Double(nodes.count)),
                "exclusiveEniNodes": .array(exclusiveENINodes.map(JSONValue.string)),
            ]
        case .notCollected:
            count = record.size
            evidence = ["source": .null, "clusterSize": record.size.map { .number(Double($0)) } ?? .null]
        case .notFound(let source, let detail):
            count = record.size
            evidence = ["source": .string(source), "error": .string(detail)]
        case .failed(let source, let error):
            count = record.size
            evidence = ["source": .string(source), "error": .string(error)]
        }
    }
}
