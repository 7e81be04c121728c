import Foundation
import Testing

/// `ackguard audit --demo --resource-directory` through the built binary: the demo's organisation (the management
/// account and four members, one not active, one without the role).
@Suite("organisation CLI")
struct OrganisationCommandTests {
    @Test("the demo organisation is audited member by member; the members it cannot audit are notes")
    func demoOrganisation() async throws {
        let result = try await CommandRunner.run([
            "audit", "--demo", "--resource-directory", "--no-history", "--quiet", "--format", "csv",
        ])
        #expect(result.exitCode == 1)  // the demo fleets hold FAILs
        let lines = result.stdout.split(separator: "\r\n")
        let header = try #require(lines.first).split(separator: ",").map(String.init)
        let nameColumn = try #require(header.firstIndex(of: "accountName"))
        let names = Set(
            lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
                .map { String($0[nameColumn]) })
        #expect(names == ["management", "member-01", "member-04"])
        #expect(result.stderr.contains("account 5100000000000002 (member-02) not audited: cannot assume"))
        #expect(result.stderr.contains("account 5100000000000003 (member-03) not audited"))
        #expect(!result.stderr.contains("ackguard-demo-secret"))
    }

    @Test("--shard K/N of the demo organisation: the shards together hold every audited account once")
    func demoShards() async throws {
        var seen: [String] = []
        for index in 1...3 {
            let result = try await CommandRunner.run([
                "audit", "--demo", "--resource-directory", "--no-history", "--quiet", "--format", "csv",
                "--shard", "\(index)/3", "--run-id", "cli-test",
            ])
            #expect([0, 1, 3].contains(result.exitCode))
            let lines = result.stdout.split(separator: "\r\n")
            guard let headerLine = lines.first else { continue }
            let header = headerLine.split(separator: ",").map(String.init)
            guard let column = header.firstIndex(of: "accountId") else { continue }
            seen += Set(
                lines.dropFirst().map { String($0.split(separator: ",", omittingEmptySubsequences: false)[column]) })
        }
        #expect(seen.sorted() == ["5000000000000001", "5100000000000001", "5100000000000004"])
    }

    @Test("--shard index/N takes K from an Indexed Job's JOB_COMPLETION_INDEX (0-based): the same as K = index + 1")
    func indexedJobShard() async throws {
        let arguments = [
            "audit", "--demo", "--resource-directory", "--no-history", "--quiet", "--format", "csv", "--run-id", "job",
        ]
        for index in 0..<3 {
            let indexed = try await CommandRunner.run(
                arguments + ["--shard", "index/3"], environment: ["JOB_COMPLETION_INDEX": "\(index)"])
            let explicit = try await CommandRunner.run(
                arguments + ["--shard", "\(index + 1)/3"], environment: ["JOB_COMPLETION_INDEX": ""])
            #expect(indexed.exitCode == explicit.exitCode, "\(indexed.stderr)")
            let columns = { (stdout: String) in
                stdout.split(separator: "\r\n").map { $0.split(separator: ",").prefix(4).joined(separator: ",") }
            }
            #expect(columns(indexed.stdout) == columns(explicit.stdout), "shard index \(index)")
        }
        for value in ["", "-1", "x", "99999"] {
            let result = try await CommandRunner.run(
                arguments + ["--shard", "index/3"], environment: ["JOB_COMPLETION_INDEX": value])
            #expect(result.exitCode == 64, "JOB_COMPLETION_INDEX=\(value): \(result.stderr)")
            #expect(result.stderr.contains("JOB_COMPLETION_INDEX"), "\(result.stderr)")
        }
        let outOfRange = try await CommandRunner.run(
            arguments + ["--shard", "index/3"], environment: ["JOB_COMPLETION_INDEX": "3"])
        #expect(outOfRange.exitCode == 64, "\(outOfRange.stderr)")
    }

    @Test("bad organisation options are one-line usage errors")
    func badOptions() async throws {
        let cases: [([String], String)] = [
            (["--shard", "5/4"], "--shard 5/4: K must be between 1 and N (4)"),
            (["--shard", "x"], "is not K/N"),
            (["--shard", "1/2"], "--shard divides accounts: it needs --resource-directory or --role-arn"),
            (
                ["--resource-directory", "--role-arn", "acs:ram::5000000000000001:role/a"],
                "does not combine with --role-arn"
            ),
            (["--resource-directory", "--account", "12"], "--account: invalid member account id"),
            (["--resource-directory", "--account-concurrency", "0"], "--account-concurrency must be between 1 and 64"),
            (["--resource-directory", "--shard", "1/2", "--run-id", "a b"], "--run-id:"),
        ]
        for (arguments, message) in cases {
            let result = try await CommandRunner.run(["audit", "--demo", "--no-history"] + arguments)
            #expect(result.exitCode == 64, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
