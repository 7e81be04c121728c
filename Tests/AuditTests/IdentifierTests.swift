import Audit
import Testing

@Suite("identifier shapes, inert text and shell words")
struct IdentifierTests {
    @Test(
        "cluster ids: ACK's c + 32 hex and other plain tokens pass",
        arguments: [
            "c7d136a92851f5caa4e6c653528c8abdd", "c1", "c-string", "c7FALSE", "a", String(repeating: "c", count: 64),
        ]
    )
    func clusterIdAccepted(_ id: String) {
        #expect(Identifier.clusterId.accepts(id))
        #expect(Identifier.clusterId.problem(with: id) == nil)
    }

    @Test(
        "cluster ids that could leave a folder, split a word or a line are refused",
        arguments: [
            "", "../../../x", "..", ".", "a/b", "/etc", "c1\n", "c1\0", "c\u{1b}[2J", "-c1", "c 1", "c1;rm", "c'1",
            "c1\r", "ｃ1", "c\u{202e}1", String(repeating: "c", count: 65),
        ])
    func clusterIdRefused(_ id: String) {
        #expect(!Identifier.clusterId.accepts(id))
    }

    @Test("the refusal names the field and the value with its controls made visible")
    func problemText() throws {
        let problem = try #require(Identifier.clusterId.problem(with: "x\nFAKE ROW PASS\u{1b}[2J"))
        #expect(problem.hasPrefix(#"cluster_id "x\nFAKE ROW PASS\u{1b}[2J" is not an ACK cluster id"#))
        #expect(!problem.contains("\n"))
        #expect(!problem.unicodeScalars.contains("\u{1b}"))
    }

    @Test(
        "region ids",
        arguments: [
            ("cn-hangzhou", true), ("ap-southeast-1", true), ("cn-shanghai-finance-1", true),
            ("r", true), ("", false), ("cn--hangzhou", false), ("-cn", false), ("cn-", false), ("CN-HANGZHOU", false),
            ("evil.com/", false), ("cn-hangzhou\n", false), ("cn_hangzhou", false),
        ])
    func regionIds(_ region: String, _ valid: Bool) {
        #expect(Identifier.regionId.accepts(region) == valid)
    }

    @Test(
        "add-on names",
        arguments: [
            ("terway-eniip", true), ("csi-plugin", true), ("ack_node.local-dns", true),
            ("Flannel", true), ("", false), ("..", false), (".hidden", false), ("a/b", false), ("x y", false),
            ("terway\u{0}", false),
        ])
    func addonNames(_ name: String, _ valid: Bool) {
        #expect(Identifier.addonName.accepts(name) == valid)
    }

    @Test("namespaces are DNS-1123 labels, object names DNS-1123 subdomains")
    func kubernetesNames() {
        for valid in ["kube-system", "a", "team-1", String(repeating: "a", count: 63)] {
            #expect(Identifier.namespace.accepts(valid), "\(valid)")
        }
        for invalid in ["", "Kube", "-a", "a-", "a.b", "a_b", String(repeating: "a", count: 64), "a\n"] {
            #expect(!Identifier.namespace.accepts(invalid), "\(invalid)")
        }
        for valid in ["eni-config", "a.b.c", "terway-eniip", "x1.y-2"] {
            #expect(Identifier.objectName.accepts(valid), "\(valid)")
        }
        for invalid in ["", "a..b", ".a", "a.", "A", "a/b", String(repeating: "a", count: 254)] {
            #expect(!Identifier.objectName.accepts(invalid), "\(invalid)")
        }
    }

    @Test("inert text: C0, DEL, C1, bidi and line separators become visible escapes")
    func inertText() {
        #expect(InertText.escaped("prod\nFAKE ROW PASS") == #"prod\nFAKE ROW PASS"#)
        #expect(InertText.escaped("a\rb\tc") == #"a\rb\tc"#)
        #expect(InertText.escaped("\u{1b}[2J\u{1b}]0;title\u{7}") == #"\u{1b}[2J\u{1b}]0;title\u{7}"#)
        #expect(InertText.escaped("del\u{7f} csi\u{9b}31m nel\u{85}") == #"del\u{7f} csi\u{9b}31m nel\u{85}"#)
        #expect(
            InertText.escaped("abc\u{202e}fed\u{2066}\u{2069}\u{200f}") == #"abc\u{202e}fed\u{2066}\u{2069}\u{200f}"#)
        #expect(InertText.escaped("a\u{2028}b\u{0}") == #"a\u{2028}b\u{0}"#)
        // Text that is already inert is returned as it is, non-ASCII included.
        #expect(InertText.escaped("测试 集群 — ok \\n") == "测试 集群 — ok \\n")
        #expect(InertText.quoted("x\n") == #""x\n""#)
    }

    @Test("shell words: plain ones stay bare, anything else is single-quoted with ' escaped")
    func shellWords() {
        #expect(ShellWord.quoted("c7d136a92851f5caa4e6c653528c8abdd") == "c7d136a92851f5caa4e6c653528c8abdd")
        #expect(
            ShellWord.quoted("/clusters/c1/components/terway-eniip/config")
                == "/clusters/c1/components/terway-eniip/config")
        #expect(ShellWord.quoted("") == "''")
        #expect(ShellWord.quoted("a b") == "'a b'")
        #expect(ShellWord.quoted("$(reboot)") == "'$(reboot)'")
        #expect(ShellWord.quoted("it's") == #"'it'\''s'"#)
        #expect(ShellWord.quoted("x;rm -rf ~") == "'x;rm -rf ~'")
        #expect(ShellWord.quoted("=ls") == "'=ls'")
    }

    @Test("remediation commands quote the cluster id and the namespace")
    func remediationQuotes() {
        let steps = NetworkPolicySupportRule.remediation(for: .configMapPolicyDisabled, clusterId: "c1'; reboot; '")
            .steps
        #expect(
            steps.contains {
                $0.hasPrefix(#"aliyun cs POST '/clusters/c1'\''; reboot; '\''/components/terway-eniip/config' "#)
            })
        #expect(steps.contains { $0.contains(#"`ackguard fix --cluster 'c1'\''; reboot; '\''' --apply`"#) })
        let plain = NetworkPolicySupportRule.remediation(for: .addonPolicyDisabled, clusterId: "c1").steps
        #expect(plain.contains { $0.hasPrefix("aliyun cs POST /clusters/c1/components/terway-eniip/config ") })
    }

    @Test("the coverage rule's kubectl step quotes a namespace that is not a plain word")
    func coverageQuotesNamespace() {
        let namespaces: [JSONValue] = ["team-a", "$(reboot)"].map {
            ["kind": "Namespace", "metadata": ["name": .string($0)]]
        }
        let evidence = ClusterEvidence(
            record: Build.record(addons: [Build.eniip("true")]), eniConfig: Build.configMap("false"),
            namespaces: .read(namespaces, source: "t"), networkPolicies: .read([], source: "t"),
            pods: .read([], source: "t"))
        let support = NetworkPolicySupportRule.evaluate(evidence)
        let steps = NetworkPolicyCoverageRule.evaluate(evidence, support: support, excludedNamespaces: []).remediation
            .steps
        #expect(steps.contains { $0.hasPrefix("kubectl -n team-a apply ") })
        #expect(steps.contains { $0.hasPrefix("kubectl -n '$(reboot)' apply ") })
        #expect(!steps.contains { $0.contains("-n $(reboot)") })
    }
}
