import Audit
import Foundation
import TestSupport
import Testing

@Suite("ackguard fix through the CLI")
struct FixCommandTests {
    @Test("the plan changes nothing and exits like audit; --apply without a terminal needs --yes")
    func planAndRefusal() async throws {
        let plan = try await CommandRunner.run(["fix", "--demo", "-q"])
        #expect(plan.exitCode == 1, "stderr: \(plan.stderr)")
        #expect(plan.stdout.contains("nothing was changed (add --apply to change it)"))
        #expect(plan.stdout.contains("enable-in-place"))
        let refused = try await CommandRunner.run(["fix", "--demo", "--apply", "-q"])
        #expect(refused.exitCode == 2)
        #expect(refused.stdout.isEmpty || !refused.stdout.contains("apply:"))
    }

    @Test("--apply --yes fixes the fixable demo clusters, writes a 0600 rollback file, and exits 1 (Flannel remains)")
    func apply() async throws {
        let folder = try TemporaryFolder(prefix: "ackguard-fix")
        defer { folder.remove() }
        let directory = folder.url("rollback")
        let result = try await CommandRunner.run([
            "fix", "--demo", "--apply", "--yes", "-q", "--rollback-dir", directory.path, "--format", "json",
        ])
        // The demo fleet keeps clusters no in-place fix applies to (Flannel, exclusive ENI): FAILs remain.
        #expect(result.exitCode == 1, "stderr: \(result.stderr)")
        let document = try JSONValue.parse(result.stdout)
        let writes = document["writes"]?.arrayValue ?? []
        #expect(!writes.isEmpty)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files.count == 1)
        let attributes = try FileManager.default.attributesOfItem(
            atPath: directory.appendingPathComponent(files[0]).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
