import Foundation
import TestSupport
import Testing

@Suite("ackguard audit --from: options, output and errors")
struct AuditCommandTests {
    static let example = CommandRunner.repositoryRoot.appendingPathComponent("Examples/saved-fleet").path
    static let corpus = CommandRunner.repositoryRoot.appendingPathComponent("Tests/Corpus").path

    @Test("the example fleet: table with a summary line, exit 1 for its FAILs")
    func exampleTable() async throws {
        let result = try await CommandRunner.run(["audit", "--from", Self.example, "--color", "never"])
        #expect(result.exitCode == 1)
        #expect(result.stdout.hasPrefix("CLUSTER"))
        #expect(result.stdout.contains("legacy-batch"))
        #expect(result.stdout.contains("plugin-flannel"))
        #expect(result.stdout.contains("13 clusters, 13 findings: 4 FAIL, 2 UNKNOWN, 4 PASS, 3 NOT_APPLICABLE"))
        #expect(!result.stdout.contains("\u{1B}["), "no colour with --color never")
    }

    @Test("--verbose shows evidence and remediation; --color always colours statuses")
    func verboseAndColor() async throws {
        let result = try await CommandRunner.run(["audit", "--from", Self.example, "--verbose", "--color", "always"])
        #expect(result.stdout.contains("evidence configMap:"))
        #expect(result.stdout.contains("remediation (edit-configmap):"))
        #expect(result.stdout.contains("kubectl -n kube-system rollout restart daemonset/terway-eniip"))
        #expect(result.stdout.contains("\u{1B}[1;31mFAIL"))
    }

    @Test("auto colour stays off when stdout is not a terminal")
    func autoColorOffForPipes() async throws {
        let result = try await CommandRunner.run(["audit", "--from", Self.example])
        #expect(!result.stdout.contains("\u{1B}["))
    }

    @Test("--output writes the report to a file and nothing to stdout")
    func outputFile() async throws {
        let directory = try TemporaryFolder(prefix: "ackguard-cli").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.json").path
        let result = try await CommandRunner.run([
            "audit", "--from", Self.example, "--format", "json", "--output", path,
        ])
        #expect(result.exitCode == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("report written to"))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"schemaVersion\": 1"))
    }

    @Test("an unwritable --output is an input error with exit 2")
    func unwritableOutput() async throws {
        let result = try await CommandRunner.run([
            "audit", "--from", Self.example, "--output", "/nonexistent-dir/for/sure/report.txt",
        ])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("cannot write the report"))
    }

    @Test("JSON output is deterministic apart from the timestamps")
    func deterministicJSON() async throws {
        func normalized() async throws -> String {
            let result = try await CommandRunner.run([
                "audit", "--from", Self.example, "--format", "json", "--rule", "all",
            ])
            return result.stdout.split(separator: "\n")
                .filter { !$0.contains("\"startedAt\"") && !$0.contains("\"finishedAt\"") }
                .joined(separator: "\n")
        }
        let first = try await normalized()
        #expect(first.contains("\"rule\": \"ack-network-policy-coverage\""))
        #expect(try await normalized() == first)
    }

    @Test("a missing folder is exit 2 with a one-line error")
    func missingFolder() async throws {
        let result = try await CommandRunner.run(["audit", "--from", "/no/such/folder"])
        #expect(result.exitCode == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "ackguard: cannot use the saved evidence: /no/such/folder: no such directory\n")
    }

    @Test("an unknown rule is a command-line syntax error (64)")
    func unknownRule() async throws {
        let result = try await CommandRunner.run(["audit", "--from", Self.example, "--rule", "nope"])
        #expect(result.exitCode == 64)
        #expect(result.stderr.contains("unknown rule 'nope'"))
    }

    @Test("--rule accepts the compliance id and `all`")
    func ruleAliases() async throws {
        let aliased = try await CommandRunner.run(["audit", "--from", Self.example, "--rule", "AlibabaCloud-ACK-007"])
        #expect(aliased.stdout.contains("13 findings"))
        let all = try await CommandRunner.run(["audit", "--from", Self.example, "--rule", "all"])
        #expect(all.stdout.contains("26 findings"))
    }

    @Test("no FAIL but an UNKNOWN exits 3")
    func unknownExitCode() async throws {
        let result = try await CommandRunner.run(["audit", "--from", "\(Self.corpus)/row-4-plugin-unknown"])
        #expect(result.exitCode == 3)
    }
}
