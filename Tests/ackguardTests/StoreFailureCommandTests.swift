import Foundation
import Testing

/// `--store` is checked before the audit: a store that cannot take the scan stops the run with one line naming it,
/// the password never shown, rather than losing the scan after the clusters were read.
@Suite("--store failures")
struct StoreFailureCommandTests {
    @Test("an unreachable PostgreSQL store is one line before the audit, exit 2, no password")
    func unreachableStore() async throws {
        let url = "postgres://auditor:s3cret-pw@127.0.0.1:1/ackguard?sslmode=disable"
        let result = try await CommandRunner.run(["audit", "--demo", "--quiet", "--store", url])
        #expect(result.exitCode == 2, "\(result.stderr)")
        #expect(result.stderr.contains("cannot use the store (--store)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!(result.stderr + result.stdout).contains("s3cret-pw"))
        #expect(result.stdout.isEmpty, "no report without a store to keep it: \(result.stdout)")
    }

    @Test("a malformed store URL names --store, without the password")
    func malformedStore() async throws {
        let url = "postgres://auditor:s3cret-pw@127.0.0.1:1/ackguard?sslmode=sometimes"
        let result = try await CommandRunner.run(["audit", "--demo", "--quiet", "--store", url])
        #expect(result.exitCode == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--store"), "\(result.stderr)")
        #expect(!(result.stderr + result.stdout).contains("s3cret-pw"))
    }
}
