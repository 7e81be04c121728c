import Audit
import Foundation
import Suppressions
import TestSupport
import Testing

@Suite struct SuppressionFileTests {
    static let sample = """
        version: 1
        suppressions:
          - rule: ACK-007
            name: "sandbox-*"
            reason: Sandboxes are isolated by VPC ACLs (SEC-42)
            expires: 2099-12-31
          - cluster: c123
            reason: Migration to terway-eniip planned
            expires: "2030-01-31"
          - region: cn-bei?ing
            tag: env=dev
            reason: Dev clusters
            expires: 2030-06-30
          - file: infra/legacy/*.tf
            reason: Legacy stack, being deleted
            expires: 2030-06-30
        """

    @Test("reads every field and the aliases")
    func parses() throws {
        let file = try SuppressionFile.parse(Self.sample, path: "s.yaml")
        #expect(file.entries.count == 4)
        let first = file.entries[0]
        #expect(first.rule == .networkPolicySupport)
        #expect(first.name == GlobPattern("sandbox-*"))
        #expect(first.reason == "Sandboxes are isolated by VPC ACLs (SEC-42)")
        #expect(first.expires.description == "2099-12-31")
        #expect(first.index == 1)
        #expect(first.line == 3)
        #expect(file.entries[1].clusterId == "c123")
        #expect(file.entries[1].expires == CalendarDate("2030-01-31"))
        #expect(file.entries[2].region == GlobPattern("cn-bei?ing"))
        #expect(file.entries[2].tag == "env=dev")
        #expect(file.entries[3].file == GlobPattern("infra/legacy/*.tf"))
    }

    @Test("a bare list is a suppression file too; an empty file has no entries")
    func shapes() throws {
        let list = try SuppressionFile.parse(
            "- clusterId: c1\n  reason: r\n  expires: 2030-01-01\n", path: "list.yaml")
        #expect(list.entries.map(\.clusterId) == ["c1"])
        #expect(try SuppressionFile.parse("", path: "e.yaml").entries.isEmpty)
        #expect(try SuppressionFile.parse("suppressions: []\n", path: "e.yaml").entries.isEmpty)
        #expect(try SuppressionFile.parse("suppressions:\n", path: "e.yaml").entries.isEmpty)
    }

    static let invalid: [(yaml: String, expected: SuppressionFileError)] = [
        (
            "suppressions:\n  - clusterId: c1\n    expires: 2030-01-01\n",
            .invalidEntry(
                path: "bad.yaml", index: 1, line: 2, field: "reason",
                problem: "required: say why the risk is accepted")
        ),
        (
            "- clusterId: c1\n  reason: r\n  expires: 2030-01-01\n- clusterId: c2\n  reason: r\n",
            .invalidEntry(
                path: "bad.yaml", index: 2, line: 4, field: "expires",
                problem: "required: the last day the suppression applies, YYYY-MM-DD")
        ),
        (
            "- clusterId: c1\n  reason: r\n  expires: 2030-02-30\n",
            .invalidEntry(
                path: "bad.yaml", index: 1, line: 3, field: "expires",
                problem: "'2030-02-30' is not a date in the form YYYY-MM-DD")
        ),
        (
            "- clusterId: c1\n  reason: r\n  expires: 31/12/2030\n",
            .invalidEntry(
                path: "bad.yaml", index: 1, line: 3, field: "expires",
                problem: "'31/12/2030' is not a date in the form YYYY-MM-DD")
        ),
        (
            "- clusterid: c1\n  reason: r\n  expires: 2030-01-01\n",
            .invalidEntry(
                path: "bad.yaml", index: 1, line: 1, field: "clusterid",
                problem: "unknown field (known: cluster, clusterId, expires, file, name, reason, region, rule, tag)")
        ),
        (
            "- rule: ACK-999\n  reason: r\n  expires: 2030-01-01\n",
            .invalidEntry(
                path: "bad.yaml", index: 1, line: 1, field: "rule",
                problem: "unknown rule 'ACK-999' (known: ack-network-policy-support, ack-network-policy-coverage)")
        ),
        (
            "- reason: r\n  expires: 2030-01-01\n",
            .invalidEntry(
                path: "bad.yaml", index: 1, line: 1, field: "(matchers)",
                problem: "needs at least one of rule, clusterId, name, region, tag, file")
        ),
        (
            "- cluster: a\n  clusterId: b\n  reason: r\n  expires: 2030-01-01\n",
            .invalidEntry(
                path: "bad.yaml", index: 1, line: 1, field: "cluster",
                problem: "give either 'cluster' or 'clusterId', not both")
        ),
        (
            "- clusterId: c1\n  reason: \"  \"\n  expires: 2030-01-01\n",
            .invalidEntry(path: "bad.yaml", index: 1, line: 2, field: "reason", problem: "must not be empty")
        ),
        (
            "- clusterId: [a, b]\n  reason: r\n  expires: 2030-01-01\n",
            .invalidEntry(path: "bad.yaml", index: 1, line: 1, field: "clusterId", problem: "must be a single value")
        ),
        (
            "- clusterId: c1\n  reason: ~\n  expires: 2030-01-01\n",
            .invalidEntry(path: "bad.yaml", index: 1, line: 2, field: "reason", problem: "must be a single value")
        ),
        (
            "- just a string\n",
            .invalidEntry(
                path: "bad.yaml", index: 1, line: 1, field: "(entry)", problem: "an entry must be a mapping of fields")
        ),
        (
            "suppression:\n  - clusterId: c1\n",
            .invalidDocument(
                path: "bad.yaml", line: 1, problem: "unknown top-level key 'suppression' (expected 'suppressions')")
        ),
        (
            "version: 2\nsuppressions: []\n",
            .invalidDocument(path: "bad.yaml", line: 1, problem: "unsupported version (only 1 exists)")
        ),
        (
            "just text\n",
            .invalidDocument(
                path: "bad.yaml", line: 1, problem: "expected a list of entries or a mapping with 'suppressions'")
        ),
    ]

    @Test(
        "a bad file is an error naming the file, the entry and the field",
        arguments: SuppressionFileTests.invalid.indices)
    func rejects(_ index: Int) {
        let (yaml, expected) = Self.invalid[index]
        #expect(throws: expected) { try SuppressionFile.parse(yaml, path: "bad.yaml") }
    }

    @Test("the error text is one line naming file, entry and field")
    func errorText() {
        let error = SuppressionFileError.invalidEntry(
            path: "s.yaml", index: 2, line: 7, field: "expires", problem: "required")
        #expect(error.description == "suppression file s.yaml: entry #2 (line 7), field 'expires': required")
    }

    @Test("YAML syntax errors carry the position")
    func syntax() throws {
        do {
            _ = try SuppressionFile.parse("- clusterId: c1\n  reason: [unclosed\n", path: "broken.yaml")
            Issue.record("expected a syntax error")
        } catch {
            guard case .syntax(let path, let line, _, let problem) = error else {
                Issue.record("expected .syntax, got \(error)")
                return
            }
            #expect(path == "broken.yaml")
            #expect(line != nil)
            #expect(!problem.isEmpty)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("load reads a file, and names it when it cannot")
    func load() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-suppressions")
        defer { folder.remove() }
        let path = try folder.write("suppressions.yaml", Self.sample)
        #expect(try SuppressionFile.load(path: path).entries.count == 4)
        let missing = folder.path("missing.yaml")
        #expect {
            try SuppressionFile.load(path: missing)
        } throws: { error in
            guard case .unreadable(let errorPath, _) = error as? SuppressionFileError else { return false }
            return errorPath == missing
        }
    }
}
