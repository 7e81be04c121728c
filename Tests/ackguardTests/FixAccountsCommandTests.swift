import Foundation
import TestSupport
import Testing

/// `fix` writes with one account's client, so it refuses every way of naming several accounts before it connects:
/// a cluster of one account must never be planned, applied or rolled back with another account's credentials.
@Suite("fix: one account at a time")
struct FixAccountsCommandTests {
    @Test("fix refuses the Resource Directory, several roles and shards in one line, exit 2, nothing written")
    func refusesSeveralAccounts() async throws {
        try await withTemporaryFolder(prefix: "ackguard-fix-accounts") { folder in
            let rollback = folder.path("rollback")
            let cases: [[String]] = [
                ["--resource-directory"],
                ["--rd-folder", "fd-0123456789"],
                ["--role-arn", "acs:ram::5000000000000001:role/a", "--role-arn", "acs:ram::5000000000000002:role/a"],
            ]
            for arguments in cases {
                let result = try await CommandRunner.run(
                    ["fix", "--demo", "--apply", "--yes", "--rollback-dir", rollback] + arguments)
                #expect(result.exitCode == 2, "\(arguments): \(result.stderr)")
                #expect(
                    result.stderr.contains("fix works on one account at a time"), "\(arguments): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: rollback), "\(arguments): a rollback folder was made")
            }
        }
    }
}
