import Audit
import Testing

@Suite("Kubernetes label selectors")
struct LabelSelectorTests {
    let labels = ["app": "web", "tier": "front"]

    @Test("the empty selector selects everything")
    func empty() {
        #expect(LabelSelector(nil).matches([:]))
        #expect(LabelSelector(["matchLabels": [:]]).matches(labels))
    }

    @Test("matchLabels must all match")
    func matchLabels() {
        #expect(LabelSelector(["matchLabels": ["app": "web"]]).matches(labels))
        #expect(!LabelSelector(["matchLabels": ["app": "web", "tier": "back"]]).matches(labels))
    }

    @Test("In, NotIn, Exists, DoesNotExist as Kubernetes evaluates them")
    func expressions() {
        func selector(_ op: String, _ key: String, _ values: [JSONValue] = []) -> LabelSelector {
            LabelSelector([
                "matchExpressions": [["key": .string(key), "operator": .string(op), "values": .array(values)]]
            ])
        }
        #expect(selector("In", "app", ["web", "api"]).matches(labels))
        #expect(!selector("In", "app", ["api"]).matches(labels))
        #expect(!selector("In", "missing", ["x"]).matches(labels))
        #expect(selector("NotIn", "app", ["api"]).matches(labels))
        #expect(!selector("NotIn", "app", ["web"]).matches(labels))
        #expect(selector("NotIn", "missing", ["x"]).matches(labels), "NotIn holds when the label is absent")
        #expect(selector("Exists", "tier").matches(labels))
        #expect(!selector("Exists", "missing").matches(labels))
        #expect(selector("DoesNotExist", "missing").matches(labels))
        #expect(!selector("DoesNotExist", "app").matches(labels))
        #expect(!selector("Matches", "app", ["web"]).matches(labels), "an unknown operator selects nothing")
    }

    @Test("matchLabels and matchExpressions combine with AND")
    func combined() {
        let selector = LabelSelector([
            "matchLabels": ["app": "web"],
            "matchExpressions": [["key": "tier", "operator": "In", "values": ["back"]]],
        ])
        #expect(!selector.matches(labels))
    }
}

@Suite("rule 2: coverage")
struct NetworkPolicyCoverageRuleTests {
    static func namespace(_ name: String) -> JSONValue { ["kind": "Namespace", "metadata": ["name": .string(name)]] }

    static func policy(
        _ ns: String, _ name: String, selector: JSONValue = [:], types: [JSONValue]? = nil,
        egress: [JSONValue]? = nil
    ) -> JSONValue {
        var spec: [String: JSONValue] = ["podSelector": selector]
        if let types { spec["policyTypes"] = .array(types) }
        if let egress { spec["egress"] = .array(egress) }
        return [
            "kind": "NetworkPolicy", "metadata": ["name": .string(name), "namespace": .string(ns)],
            "spec": .object(spec),
        ]
    }

    static func pod(_ ns: String, _ name: String, _ labels: [String: JSONValue] = [:], hostNetwork: Bool = false)
        -> JSONValue
    {
        [
            "kind": "Pod", "metadata": ["name": .string(name), "namespace": .string(ns), "labels": .object(labels)],
            "spec": ["hostNetwork": .bool(hostNetwork)],
        ]
    }

    func evaluate(
        namespaces: [String], policies: [JSONValue], pods: [JSONValue] = [],
        addons: [JSONValue] = [Build.eniip("true")], excluded: Set<String> = []
    ) -> Finding {
        let evidence = ClusterEvidence(
            record: Build.record(addons: addons), eniConfig: Build.configMap("false"),
            namespaces: .read(namespaces.map(Self.namespace), source: "t"),
            networkPolicies: .read(policies, source: "t"), pods: .read(pods, source: "t"))
        let support = NetworkPolicySupportRule.evaluate(evidence)
        return NetworkPolicyCoverageRule.evaluate(evidence, support: support, excludedNamespaces: excluded)
    }

    @Test("a namespace is covered by an empty podSelector with Ingress, or with no policyTypes")
    func covered() {
        let finding = evaluate(
            namespaces: ["a", "b", "kube-system"],
            policies: [Self.policy("a", "deny"), Self.policy("b", "deny", types: ["Ingress", "Egress"])])
        #expect(finding.status == .pass)
        #expect(finding.reason == .namespacesCovered)
        #expect(finding.evidence["coverage"]?["namespacesExcluded"]?.arrayValue?.contains("kube-system") == true)
    }

    @Test("egress-only and selective policies do not cover; kube-system is excluded; --exclude-namespace adds more")
    func uncovered() {
        let finding = evaluate(
            namespaces: ["a", "b", "c", "kube-system", "kube-public", "kube-node-lease"],
            policies: [
                Self.policy("a", "egress", types: ["Egress"]),
                Self.policy("b", "web", selector: ["matchLabels": ["app": "web"]]),
            ],
            excluded: ["c"])
        #expect(finding.status == .fail)
        #expect(finding.reason == .namespacesUncovered)
        #expect(finding.evidence["coverage"]?["namespacesUncovered"] == ["a", "b"])
    }

    @Test("pods not isolated are counted for ingress and egress with effective policyTypes")
    func podCounts() {
        let finding = evaluate(
            namespaces: ["a"],
            policies: [
                Self.policy("a", "web-in", selector: ["matchLabels": ["app": "web"]]),
                Self.policy("a", "db-out", selector: ["matchLabels": ["app": "db"]], egress: [[:]]),
            ],
            pods: [
                Self.pod("a", "web", ["app": "web"]), Self.pod("a", "db", ["app": "db"]), Self.pod("a", "x"),
                Self.pod("a", "host", hostNetwork: true), Self.pod("kube-system", "dns"),
            ])
        let coverage = finding.evidence["coverage"]
        #expect(coverage?["pods"] == 3)
        #expect(coverage?["podsNotIsolatedIngress"] == 1)  // x
        #expect(coverage?["podsNotIsolatedEgress"] == 2)  // web, x
        #expect(coverage?["hostNetworkPods"] == 1)
        #expect(finding.status == .fail)
    }

    @Test("rule 1 FAIL adds policies-not-enforced; rule 1 NOT_APPLICABLE makes coverage not applicable")
    func dependsOnRule1() {
        let flannel = evaluate(namespaces: ["a"], policies: [Self.policy("a", "deny")], addons: [["name": "flannel"]])
        #expect(flannel.status == .pass)
        #expect(flannel.warnings.map(\.code) == [.policiesNotEnforced])
        let evidence = ClusterEvidence(record: Build.record(profile: "Serverless"))
        let support = NetworkPolicySupportRule.evaluate(evidence)
        let coverage = NetworkPolicyCoverageRule.evaluate(evidence, support: support, excludedNamespaces: [])
        #expect(coverage.status == .notApplicable)
        #expect(coverage.reason == .notApplicable)
    }

    @Test("namespaces, policies or pods that could not be read give UNKNOWN kubernetes-unreadable")
    func unreadable() {
        var evidence = ClusterEvidence(
            record: Build.record(addons: [Build.eniip("true")]), namespaces: .read([], source: "t"),
            networkPolicies: .failed(source: "t", error: "HTTP 403 Forbidden"), pods: .read([], source: "t"))
        let support = NetworkPolicySupportRule.evaluate(evidence)
        var finding = NetworkPolicyCoverageRule.evaluate(evidence, support: support, excludedNamespaces: [])
        #expect(finding.status == .unknown)
        #expect(finding.reason == .kubernetesUnreadable)
        #expect(finding.message.contains("403"))
        evidence.networkPolicies = .read([], source: "t")
        evidence.pods = .notCollected
        finding = NetworkPolicyCoverageRule.evaluate(evidence, support: support, excludedNamespaces: [])
        #expect(finding.reason == .kubernetesUnreadable)
    }
}
