import Audit
import Foundation
import TestSupport
import Testing

/// `fix --apply` exit codes over what remains (issue 15 item 9), `fix --rollback` refusing a tampered file and
/// `history` on paths that are not databases (issue 14 items 1 and 9), through the binary.
@Suite("fix exit codes, rollback refusals and history paths through the CLI")
struct FixExitAndRollbackCommandTests {
    /// The demo fleet's rule-1 findings: cluster id → reason.
    static func demoReasons() async throws -> [String: String] {
        let audit = try await CommandRunner.run(["audit", "--demo", "--format", "json", "-q", "--no-history"])
        let document = try JSONValue.parse(audit.stdout)
        var reasons: [String: String] = [:]
        for finding in document["findings"]?.arrayValue ?? [] {
            if let id = finding["clusterId"]?.stringValue, let reason = finding["reason"]?.stringValue {
                reasons[id] = reason
            }
        }
        return reasons
    }

    @Test("--apply exits 1 while a FAIL it did not attempt remains (Flannel), 0 when all pass, 3 with an UNKNOWN left")
    func applyExitCodes() async throws {
        let reasons = try await Self.demoReasons()
        let flannel = try #require(reasons.first { $0.value == "plugin-flannel" }?.key)
        let fixable = try #require(reasons.filter { $0.value == "configmap-policy-disabled" }.keys.sorted().first)
        let unknown = try #require(reasons.filter { $0.value == "configmap-missing" }.keys.sorted().first)
        let folder = try TemporaryFolder(prefix: "ackguard-cli").url
        defer { try? FileManager.default.removeItem(at: folder) }
        func apply(_ ids: [String]) async throws -> (CommandResult, JSONValue?) {
            let result = try await CommandRunner.run(
                ["fix", "--demo", "--apply", "--yes", "-q", "--format", "json", "--rollback-dir", folder.path]
                    + ids.flatMap { ["--cluster", $0] })
            return (result, try? JSONValue.parse(result.stdout))
        }
        let (both, document) = try await apply([flannel, fixable])
        #expect(both.exitCode == 1, "stderr: \(both.stderr)")
        let results = Dictionary(
            uniqueKeysWithValues: (document?["clusters"]?.arrayValue ?? []).compactMap { outcome in
                outcome["clusterId"]?.stringValue.map { ($0, outcome["result"]?.stringValue ?? "") }
            })
        #expect(results[fixable] == "fixed", "the fixable cluster was fixed: \(results)")
        #expect(results[flannel] == "unchanged", "the Flannel cluster was not attempted: \(results)")

        let (alone, _) = try await apply([fixable])
        #expect(alone.exitCode == 0, "stderr: \(alone.stderr)")
        let (unresolved, _) = try await apply([unknown])
        #expect(unresolved.exitCode == 3, "stderr: \(unresolved.stderr)")
    }

    @Test("--rollback of a file edited to name another cluster exits 2 with one line and changes nothing")
    func tamperedRollbackFile() async throws {
        let emulator = try EmulatorProcess()
        defer { emulator.stop() }
        let folder = try TemporaryFolder(prefix: "ackguard-cli").url
        defer { try? FileManager.default.removeItem(at: folder) }
        let live = ["--endpoint", emulator.endpoint, "-q"]
        func run(_ arguments: [String]) async throws -> CommandResult {
            try await CommandRunner.run(arguments + live, environment: emulator.credentials)
        }
        let audit = try await run(["audit", "--format", "json", "--no-history"])
        let findings = try JSONValue.parse(audit.stdout)["findings"]?.arrayValue ?? []
        func ids(_ reason: String) -> [String] {
            findings.filter { $0["reason"]?.stringValue == reason }.compactMap { $0["clusterId"]?.stringValue }.sorted()
        }
        let target = try #require(ids("configmap-policy-disabled").first)
        let healthy = try #require(ids("configmap-policy-enabled").first)
        let fixed = try await run(["fix", "--apply", "--yes", "--cluster", target, "--rollback-dir", folder.path])
        #expect(fixed.exitCode == 0, "stderr: \(fixed.stderr)")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first)
        let path = folder.appendingPathComponent(name).path
        let original = try String(contentsOfFile: path, encoding: .utf8)
        #expect(original.contains(target))

        let tampered = folder.appendingPathComponent("tampered.json").path
        try original.replacingOccurrences(of: target, with: healthy).write(
            toFile: tampered, atomically: true, encoding: .utf8)
        let refused = try await run(["fix", "--rollback", tampered, "--yes"])
        #expect(refused.exitCode == 2, "stdout: \(refused.stdout) stderr: \(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "one line: \(refused.stderr)")
        #expect(refused.stderr.contains("rollback file"))
        #expect(refused.stdout.isEmpty)
        // Nothing changed: both clusters audit as before the refused rollback.
        let after = try await JSONValue.parse(try run(["audit", "--format", "json", "--no-history"]).stdout)
        let status = Dictionary(
            uniqueKeysWithValues: (after["findings"]?.arrayValue ?? []).compactMap { finding in
                finding["clusterId"]?.stringValue.map { ($0, finding["status"]?.stringValue ?? "") }
            })
        #expect(status[target] == "PASS")
        #expect(status[healthy] == "PASS")

        let restored = try await run(["fix", "--rollback", path, "--yes"])
        #expect(restored.exitCode == 0, "stderr: \(restored.stderr)")
        let again = try await run(["fix", "--rollback", path, "--yes"])
        #expect(again.exitCode == 2, "the proof left with the restore: \(again.stderr)")
        #expect(again.stderr.contains("rollback refused, nothing was changed"))
    }

    @Test(
        "history and diff refuse a path that is not a database file with exit 2, creating nothing",
        arguments: [["history"], ["diff"]])
    func historyPaths(_ command: [String]) async throws {
        let existing = ["-journal", "-wal", "-shm"].filter { FileManager.default.fileExists(atPath: "/dev/null" + $0) }
        let devNull = try await CommandRunner.run(command + ["--history", "/dev/null"])
        #expect(devNull.exitCode == 2)
        #expect(devNull.stderr.contains("/dev/null"))
        #expect(devNull.stderr.contains("not a regular file"))
        #expect(
            ["-journal", "-wal", "-shm"].filter { FileManager.default.fileExists(atPath: "/dev/null" + $0) }
                == existing)
        let missing = try TemporaryFolder(prefix: "ackguard-cli").url.appendingPathComponent("no/history.sqlite").path
        let noFolder = try await CommandRunner.run(command + ["--history", missing])
        #expect(noFolder.exitCode == 2)
        #expect(noFolder.stderr.contains("does not exist"))
    }

    @Test("history lists a database in a read-only folder and leaves nothing next to it")
    func historyReadOnly() async throws {
        let folder = try TemporaryFolder(prefix: "ackguard-cli").url
        defer {
            chmod(folder.path, 0o755)
            try? FileManager.default.removeItem(at: folder)
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = folder.appendingPathComponent("history.sqlite").path
        let audit = try await CommandRunner.run(["audit", "--from", Self.savedFleet, "--history", database, "-q"])
        #expect([0, 1, 3].contains(audit.exitCode), "stderr: \(audit.stderr)")
        #expect(chmod(database, 0o444) == 0 && chmod(folder.path, 0o555) == 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        let listed = try await CommandRunner.run(["history", "--history", database, "--format", "json"])
        #expect(listed.exitCode == 0, "stderr: \(listed.stderr)")
        #expect(try JSONValue.parse(listed.stdout)["scans"]?.arrayValue?.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == before)
    }

    static var savedFleet: String {
        CommandRunner.repositoryRoot.appendingPathComponent("Examples/saved-fleet").path
    }
}
