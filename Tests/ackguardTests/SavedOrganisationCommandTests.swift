import Foundation
import TestSupport
import Testing

/// `ackguard collect --demo --resource-directory --out DIR`, then `ackguard audit --from DIR`, through the built
/// binary: the folder gives the live audit's findings, accounts included, and says which accounts the collection
/// could not audit, with the same exit status as the live run.
@Suite("saved organisation CLI")
struct SavedOrganisationCommandTests {
    /// A finding as the JSON report gives it: account, cluster, rule, verdict.
    static func keys(_ report: String) throws -> (keys: [String], notices: [String], withoutAccount: Int) {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any], "not a JSON report")
        let findings = try #require(object["findings"] as? [[String: Any]])
        let keys = findings.map { finding in
            ["accountId", "accountName", "clusterId", "rule", "status", "reason"]
                .map { finding[$0] as? String ?? "-" }.joined(separator: "|")
        }
        let withoutAccount = findings.filter {
            $0["accountId"] as? String == nil || $0["accountName"] as? String == nil
        }
        return (keys.sorted(), object["notices"] as? [String] ?? [], withoutAccount.count)
    }

    /// The note `--from` gives for what `collect` noted as `account … not audited: <reason>`.
    static func savedNote(_ liveNote: String) -> String {
        guard let range = liveNote.range(of: " not audited: ") else { return "(not an account note) " + liveNote }
        return liveNote.replacingCharacters(in: range, with: " was not audited when the evidence was collected: ")
    }

    /// The `ackguard: account …` lines of stderr, without the prefix.
    static func accountNotes(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("ackguard: account ") }
            .map { String($0.dropFirst("ackguard: ".count)) }
    }

    @Test("collect exits 3 naming the members it skips; --from gives the live findings and the same notes")
    func roundTrip() async throws {
        try await withTemporaryFolder(prefix: "ackguard-saved-org") { folder in
            let out = folder.path("out")
            let collected = try await CommandRunner.run([
                "collect", "--demo", "--resource-directory", "--out", out, "--quiet",
            ])
            #expect(collected.exitCode == 3, "\(collected.stderr)")
            let collectNotes = Self.accountNotes(collected.stderr)
            #expect(collectNotes.count == 2, "\(collected.stderr)")
            #expect(collectNotes.contains { $0.hasPrefix("account 5100000000000002 (member-02) not audited: cannot") })
            #expect(collectNotes.contains { $0.hasPrefix("account 5100000000000003 (member-03) not audited: ") })

            let saved = try await CommandRunner.run(["audit", "--from", out, "-f", "json", "--no-history"])
            let live = try await CommandRunner.run([
                "audit", "--demo", "--resource-directory", "-f", "json", "--no-history", "--quiet",
            ])
            // The demo's fleets hold FAILs: 1 both ways (a clean folder with skipped accounts would be 3, below).
            #expect(live.exitCode == 1, "\(live.stderr)")
            #expect(saved.exitCode == live.exitCode, "\(saved.stderr)")
            let savedReport = try Self.keys(saved.stdout)
            let liveReport = try Self.keys(live.stdout)
            #expect(savedReport.keys.count == 32)
            #expect(savedReport.withoutAccount == 0, "every finding names its account id and name")
            #expect(savedReport.keys == liveReport.keys)
            // The accounts not audited: the report's notices and stderr, as collect said them (its reasons name
            // that run's emulator, so they are compared with collect's own lines, not the second live run's).
            let expected = collectNotes.map(Self.savedNote).sorted()
            #expect(savedReport.notices == expected)
            #expect(Self.accountNotes(saved.stderr) == expected)
            #expect(liveReport.notices.count == expected.count)
        }
    }

    @Test("a collection whose only member was not audited: --from exits 3, as the live run and collect")
    func onlySkipped() async throws {
        try await withTemporaryFolder(prefix: "ackguard-saved-org") { folder in
            let out = folder.path("out")
            let arguments = ["--demo", "--resource-directory", "--account", "5100000000000002", "--quiet"]
            let collected = try await CommandRunner.run(["collect", "--out", out] + arguments)
            #expect(collected.exitCode == 3, "\(collected.stderr)")
            let live = try await CommandRunner.run(["audit", "-f", "json", "--no-history"] + arguments)
            #expect(live.exitCode == 3, "\(live.stderr)")
            let saved = try await CommandRunner.run(["audit", "--from", out, "-f", "json", "--no-history"])
            #expect(saved.exitCode == 3, "\(saved.stderr)")
            let report = try Self.keys(saved.stdout)
            #expect(report.keys.isEmpty)
            #expect(report.notices == Self.accountNotes(collected.stderr).map(Self.savedNote))
            #expect(report.notices.first?.hasPrefix("account 5100000000000002 (member-02) was not audited") == true)
        }
    }
}
