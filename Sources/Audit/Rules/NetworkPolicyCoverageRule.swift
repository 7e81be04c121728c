/// Rule 2, `ack-network-policy-coverage`: which namespaces and pods NetworkPolicies actually isolate.
public enum NetworkPolicyCoverageRule {
    public static let defaultExcludedNamespaces: Set<String> = ["kube-system", "kube-public", "kube-node-lease"]

    /// A NetworkPolicy reduced to what coverage needs.
    struct Policy {
        var namespace: String
        var name: String
        var selector: LabelSelector
        var ingress: Bool
        var egress: Bool

        init(_ object: JSONValue) {
            namespace = object["metadata"]?["namespace"]?.stringValue ?? "default"
            name = object["metadata"]?["name"]?.stringValue ?? ""
            let spec = object["spec"]
            selector = LabelSelector(spec?["podSelector"])
            if let types = spec?["policyTypes"]?.arrayValue, !types.isEmpty {
                let names = Set(types.compactMap(\.stringValue))
                ingress = names.contains("Ingress")
                egress = names.contains("Egress")
            } else {
                // Kubernetes' default: always Ingress; Egress when the policy has egress rules.
                ingress = true
                egress = !(spec?["egress"]?.arrayValue ?? []).isEmpty
            }
        }
    }

    public static func evaluate(
        _ evidence: ClusterEvidence, support: Finding, excludedNamespaces: Set<String>
    ) -> Finding {
        let record = evidence.record
        var finding = Finding(
            rule: .networkPolicyCoverage, clusterId: record.clusterId, clusterName: record.name,
            regionId: record.regionId, status: .unknown, reason: .kubernetesUnreadable, message: "",
            accountId: record.accountId)
        if support.status == .notApplicable {
            finding.status = .notApplicable
            finding.reason = .notApplicable
            finding.message = "rule \(RuleID.networkPolicySupport.rawValue) does not apply (\(support.reason.rawValue))"
            return finding
        }
        if support.status == .fail {
            finding.warnings.append(
                FindingWarning(
                    code: .policiesNotEnforced,
                    message: "the cluster cannot enforce NetworkPolicy (\(support.reason.rawValue)): policy objects "
                        + "exist but nothing enforces them"))
        }
        var unreadable: [String] = []
        func read(_ layer: Layer<[JSONValue]>, _ what: String) -> [JSONValue]? {
            switch layer {
            case .read(let items, _): return items
            case .notCollected: unreadable.append("\(what) were not read")
            case .notFound(let source, let detail): unreadable.append("\(what): \(detail) (\(source))")
            case .failed(let source, let error): unreadable.append("\(what): \(error) (\(source))")
            }
            return nil
        }
        let namespaces = read(evidence.namespaces, "namespaces")
        let policies = read(evidence.networkPolicies, "NetworkPolicies")
        let pods = read(evidence.pods, "pods")
        guard let namespaces, let policies, let pods else {
            finding.message = "the Kubernetes API could not be read: " + unreadable.joined(separator: "; ")
            finding.evidence["kubernetes"] = ["errors": .array(unreadable.map(JSONValue.string))]
            return finding
        }

        let excluded = defaultExcludedNamespaces.union(excludedNamespaces)
        let included = Set(namespaces.compactMap { $0["metadata"]?["name"]?.stringValue }).subtracting(excluded)
        let parsed = policies.map(Policy.init)
        let byNamespace = Dictionary(grouping: parsed, by: \.namespace)
        var uncovered: [String] = []
        var covering: [String: JSONValue] = [:]
        for namespace in included.sorted() {
            let whole = (byNamespace[namespace] ?? []).filter { $0.ingress && $0.selector.isEmpty }
            if whole.isEmpty {
                uncovered.append(namespace)
            } else {
                covering[namespace] = .array(
                    whole.map { .string($0.name) }.sorted { $0.stringValue! < $1.stringValue! })
            }
        }
        var podsConsidered = 0
        var notIsolatedIngress: [String] = []
        var notIsolatedEgress: [String] = []
        var hostNetworkPods = 0
        for pod in pods {
            let namespace = pod["metadata"]?["namespace"]?.stringValue ?? "default"
            guard included.contains(namespace) else { continue }
            if pod["spec"]?["hostNetwork"]?.boolValue == true {
                hostNetworkPods += 1
                continue
            }
            podsConsidered += 1
            let labels = (pod["metadata"]?["labels"]?.objectValue ?? [:]).compactMapValues(\.scalarText)
            let selecting = (byNamespace[namespace] ?? []).filter { $0.selector.matches(labels) }
            let name = namespace + "/" + (pod["metadata"]?["name"]?.stringValue ?? "")
            if !selecting.contains(where: \.ingress) { notIsolatedIngress.append(name) }
            if !selecting.contains(where: \.egress) { notIsolatedEgress.append(name) }
        }
        finding.evidence["coverage"] = [
            "namespacesIncluded": .array(included.sorted().map(JSONValue.string)),
            "namespacesExcluded": .array(excluded.sorted().map(JSONValue.string)),
            "namespacesUncovered": .array(uncovered.map(JSONValue.string)),
            "coveringPolicies": .object(covering),
            "networkPolicies": .number(Double(policies.count)),
            "pods": .number(Double(podsConsidered)),
            "hostNetworkPods": .number(Double(hostNetworkPods)),
            "podsNotIsolatedIngress": .number(Double(notIsolatedIngress.count)),
            "podsNotIsolatedEgress": .number(Double(notIsolatedEgress.count)),
            "podsNotIsolatedIngressSample": .array(notIsolatedIngress.sorted().prefix(20).map(JSONValue.string)),
        ]
        let podSummary =
            "\(notIsolatedIngress.count) of \(podsConsidered) pod(s) not isolated for ingress, "
            + "\(notIsolatedEgress.count) for egress"
        if uncovered.isEmpty {
            finding.status = .pass
            finding.reason = .namespacesCovered
            finding.message =
                "all \(included.count) namespace(s) have a NetworkPolicy selecting every pod for ingress; "
                + podSummary
        } else {
            finding.status = .fail
            finding.reason = .namespacesUncovered
            let shown = uncovered.prefix(8).joined(separator: ", ") + (uncovered.count > 8 ? ", …" : "")
            finding.message =
                "\(uncovered.count) of \(included.count) namespace(s) without a default NetworkPolicy "
                + "(\(shown)); " + podSummary
            finding.remediation = Remediation(
                kind: .none,
                steps: uncovered.prefix(20).map { namespace in
                    "kubectl -n \(ShellWord.quoted(namespace)) apply -f - <<< '{\"apiVersion\":\"networking.k8s.io/v1\","
                        + "\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":\"default-deny-ingress\"},"
                        + "\"spec\":{\"podSelector\":{},\"policyTypes\":[\"Ingress\"]}}'   # then allow what is needed"
                })
        }
        return finding
    }
}
