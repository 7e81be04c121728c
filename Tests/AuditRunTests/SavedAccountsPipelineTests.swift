import ACKEmulator
import Audit
import AuditRun
import Evidence
import Foundation
import Reports
import TestSupport
import Testing

/// `collect` from several accounts, then `--from`: the same findings as the live audit, accounts included
/// (`accounts.json`), and the same completeness notes and exit status for the accounts it could not audit; names
/// people chose stay exact in the data and inert on a terminal.
@Suite("saved evidence keeps the accounts")
struct SavedAccountsPipelineTests {
    static let hostileName = "ops\u{1B}[2J\u{202E}team\nx"

    /// The organisation of ``OrganisationTests`` with member-04 renamed to ``hostileName`` and member-03 (not active)
    /// to a name with escape sequences.
    static func configuration() -> EmulatorConfiguration {
        var configuration = OrganisationTests.organisationConfiguration()
        configuration.organisation!.members[3].displayName = hostileName
        configuration.organisation!.members[2].displayName = "gone\u{1B}]0;title\u{07}"
        return configuration
    }

    /// What a finding says, the account included (messages name their evidence's source, which differs: the API
    /// call live, the file saved).
    static func key(_ finding: Finding) -> String {
        [
            finding.accountId ?? "-", finding.accountName ?? "-", finding.clusterId, finding.rule.rawValue,
            finding.status.rawValue, finding.reason.rawValue,
        ].joined(separator: "|")
    }

    func collect(_ settings: LiveSettings, _ environment: [String: String], into folder: String) async throws
        -> AuditOutcome
    {
        let options = AuditOptions(rules: Set(RuleID.allCases))
        return try await AuditRun(
            AuditRequest(source: .live(settings), options: options, environment: environment, toolVersion: "test")
        ).collect(into: folder)
    }

    /// The note `--from` gives for what the live run noted as `account … not audited: <reason>`.
    static func savedNote(_ liveNote: String) -> String {
        guard let range = liveNote.range(of: " not audited: ") else { return "(not an account note) " + liveNote }
        return liveNote.replacingCharacters(in: range, with: " was not audited when the evidence was collected: ")
    }

    func audit(_ folder: String) async throws -> AuditOutcome {
        let options = AuditOptions(rules: Set(RuleID.allCases))
        return try await AuditRun(
            AuditRequest(source: .saved(folder: folder), options: options, toolVersion: "test")
        ).run()
    }

    @Test("collect --resource-directory, then --from: the same findings, each with its account id and name")
    func organisationRoundTrip() async throws {
        try await withTemporaryFolder(prefix: "ackguard-saved-accounts") { folder in
            let out = folder.path("out")
            let live = try await OrganisationTests().withOrganisation(Self.configuration()) { settings, environment in
                try await collect(settings, environment, into: out)
            }
            #expect(FileManager.default.fileExists(atPath: out + "/accounts.json"))
            let saved = try await audit(out)
            #expect(live.report.findings.count == 2 * (3 + 10 * 2))
            #expect(Set(live.report.findings.compactMap(\.accountId)).count == 11)
            #expect(live.report.findings.allSatisfy { $0.accountId != nil && $0.accountName != nil })
            #expect(saved.report.findings.map(Self.key) == live.report.findings.map(Self.key))
            #expect(saved.report.source.account == live.report.source.account)
            let renamed = saved.report.findings.filter { $0.accountId == OrganisationTests.member(4) }
            #expect(!renamed.isEmpty && renamed.allSatisfy { $0.accountName == Self.hostileName })

            // On a terminal the name is inert: no escape sequence, no line break, no bidirectional override.
            let table = TableReportRenderer(width: 300).render(saved.report)
            #expect(!table.unicodeScalars.contains { $0 != "\n" && InertText.isActive($0) })
            #expect(table.contains(#"ops\u{1b}[2J\u{202e}team\nx"#))
            // The member that is not active is a note, its name escaped too (InertText).
            let note = try #require(live.completenessNotes.first { $0.contains(OrganisationTests.member(3)) })
            #expect(note.contains(#"(gone\u{1b}]0;title\u{7})"#), "\(note)")

            // The members not audited (member-03 not active, member-02 without the role) are the same notes from
            // the folder, saying they were not audited when it was collected, and the same exit status.
            #expect(live.completenessNotes.count == 2)
            #expect(saved.completenessNotes == live.completenessNotes.map(Self.savedNote))
            #expect(saved.report.notices == saved.completenessNotes)
            #expect(saved.exitCode == live.exitCode)
            let savedNote = try #require(saved.completenessNotes.first { $0.contains(OrganisationTests.member(3)) })
            #expect(savedNote.contains(#"(gone\u{1b}]0;title\u{7}) was not audited when the evidence"#))
            #expect(!savedNote.unicodeScalars.contains { InertText.isActive($0) })
            // accounts.json keeps the name exactly; only the note escapes it.
            let file = try SavedEvidenceReader(directory: out).readFolder()
            #expect(
                file.skippedAccounts.map(\.accountId) == [OrganisationTests.member(2), OrganisationTests.member(3)])
            #expect(file.skippedAccounts.last?.accountName == "gone\u{1B}]0;title\u{07}")
        }
    }

    @Test("only accounts not audited (no role, not in the directory): --from exits 3 with the same notes, as live")
    func onlySkippedAccounts() async throws {
        try await withTemporaryFolder(prefix: "ackguard-saved-accounts") { folder in
            let out = folder.path("out")
            let live = try await OrganisationTests().withOrganisation { settings, environment in
                var settings = settings
                settings.includedAccounts = [OrganisationTests.member(2), "5999999999999999"]
                return try await collect(settings, environment, into: out)
            }
            #expect(live.report.findings.isEmpty)
            #expect(live.exitCode == ExitStatus.incomplete)
            #expect(live.completenessNotes.count == 2)
            let saved = try await audit(out)
            #expect(saved.report.findings.isEmpty)
            #expect(saved.exitCode == ExitStatus.incomplete)
            #expect(
                saved.completenessNotes == [
                    Self.savedNote(try #require(live.completenessNotes.first)),
                    "account 5999999999999999 was not audited when the evidence was collected: --account names it, "
                        + "but it is not a member of the Resource Directory",
                ])
            #expect(
                live.completenessNotes.last
                    == "account 5999999999999999 (--account) is not a member of the Resource Directory")
            #expect(saved.completenessNotes.first?.contains("(member-02) was not audited") == true)
            #expect(saved.completenessNotes.first?.contains("EntityNotExist.Role") == true)
        }
    }

    @Test("members whose clusters cannot be listed: the same notes from the folder, and exit 3")
    func unlistableAccounts() async throws {
        try await withTemporaryFolder(prefix: "ackguard-saved-accounts") { folder in
            let out = folder.path("out")
            let live = try await OrganisationTests().withOrganisation { settings, environment in
                var settings = settings
                settings.includedAccounts = [OrganisationTests.member(1), OrganisationTests.member(4)]
                settings.regions = ["xx-nowhere-1"]  // an unknown region: each member's listing fails at once
                return try await collect(settings, environment, into: out)
            }
            #expect(live.report.findings.isEmpty)
            #expect(live.exitCode == ExitStatus.incomplete)
            #expect(live.completenessNotes.count == 2)
            #expect(live.completenessNotes.allSatisfy { $0.contains("xx-nowhere-1") }, "\(live.completenessNotes)")
            let saved = try await audit(out)
            #expect(saved.completenessNotes == live.completenessNotes.map(Self.savedNote))
            #expect(saved.exitCode == ExitStatus.incomplete)
            #expect(
                saved.completenessNotes.first?.hasPrefix("account \(OrganisationTests.member(1)) (member-01) ") == true)
        }
    }

    @Test("collect --role-arn, then --from: the account id without a name, as live")
    func roleArnRoundTrip() async throws {
        try await withTemporaryFolder(prefix: "ackguard-saved-accounts") { folder in
            let out = folder.path("out")
            let live = try await OrganisationTests().withOrganisation { settings, environment in
                var settings = settings
                settings.resourceDirectory = false
                settings.roleArns = [
                    "acs:ram::\(OrganisationTests.member(1)):role/ResourceDirectoryAccountAccessRole",
                    "acs:ram::\(OrganisationTests.member(5)):role/ResourceDirectoryAccountAccessRole",
                ]
                return try await collect(settings, environment, into: out)
            }
            let saved = try await audit(out)
            #expect(
                Set(live.report.findings.compactMap(\.accountId))
                    == [OrganisationTests.member(1), OrganisationTests.member(5)])
            #expect(live.report.findings.allSatisfy { $0.accountName == nil })
            #expect(saved.report.findings.map(Self.key) == live.report.findings.map(Self.key))
        }
    }

    @Test("a collection cut short by --max-duration: --from gives the same collection-failed UNKNOWNs and note")
    func cutShort() async throws {
        var configuration = OrganisationTests.organisationConfiguration()
        configuration.faults.perAPI["GetClusterAddonInstance"] = APIFaults(throttlingFraction: 1)
        try await withTemporaryFolder(prefix: "ackguard-saved-accounts") { folder in
            let out = folder.path("out")
            let live = try await OrganisationTests().withOrganisation(configuration) { settings, environment in
                var settings = settings
                settings.includedAccounts = [OrganisationTests.member(1)]
                settings.maxDuration = .seconds(3)
                return try await collect(settings, environment, into: out)
            }
            let saved = try await audit(out)
            #expect(saved.report.findings.map(Self.key) == live.report.findings.map(Self.key))
            #expect(saved.completenessNotes == live.completenessNotes)
            #expect(saved.exitCode == live.exitCode)
            if live.report.findings.isEmpty {
                // On a machine loaded by the whole suite the limit can pass before the regions are listed (see
                // LivePipelineTests.maxDuration): then no cluster was cut, only regions, and the above is all.
                print("cutShort: the limit passed before the listing; nothing was cut short to compare")
                #expect(live.exitCode == ExitStatus.incomplete)
                return
            }
            // Without unfinished.json the same folder decides the cut clusters on their listing entries alone.
            #expect(live.report.findings.contains { $0.reason == .collectionFailed }, "the limit cut clusters short")
            #expect(live.completenessNotes.contains { $0.contains("not audited") })
            #expect(!live.report.findings.contains { $0.status == .pass })
            try FileManager.default.removeItem(atPath: out + "/unfinished.json")
            let unmarked = try await audit(out)
            #expect(!unmarked.report.findings.contains { $0.reason == .collectionFailed })
        }
    }

    @Test("regions whose listing failed: --from gives the same 'not listed completely' notes and exit 3")
    func unlistedRegions() async throws {
        var configuration = OrganisationTests.organisationConfiguration()
        configuration.faults.perAPI["DescribeClustersV1"] = APIFaults(serverErrorFraction: 1)
        try await withTemporaryFolder(prefix: "ackguard-saved-accounts") { folder in
            let out = folder.path("out")
            let live = try await OrganisationTests().withOrganisation(configuration) { settings, environment in
                var settings = settings
                settings.includedAccounts = [OrganisationTests.member(1)]
                // Each listing call retries its 503s for this long, then its region is not listed. (It bounds the
                // ResourceManager and STS calls too, so not much shorter: a loaded machine needs seconds for one.)
                settings.callBudget = .seconds(8)
                return try await collect(settings, environment, into: out)
            }
            #expect(live.report.findings.isEmpty)
            #expect(live.exitCode == ExitStatus.incomplete)
            #expect(!live.completenessNotes.isEmpty)
            #expect(live.completenessNotes.allSatisfy { $0.contains("was not listed completely") })
            let saved = try await audit(out)
            #expect(saved.completenessNotes == live.completenessNotes)
            #expect(saved.exitCode == ExitStatus.incomplete, "before, this folder audited clean: exit 0, no note")
        }
    }

    @Test("the same folder without its accounts.json audits as any older folder: no names, no error")
    func withoutAccountsFile() async throws {
        try await withTemporaryFolder(prefix: "ackguard-saved-accounts") { folder in
            let out = folder.path("out")
            let live = try await OrganisationTests().withOrganisation { settings, environment in
                var settings = settings
                settings.includedAccounts = [OrganisationTests.member(1)]
                return try await collect(settings, environment, into: out)
            }
            try FileManager.default.removeItem(atPath: out + "/accounts.json")
            let old = try await audit(out)
            #expect(live.report.findings.allSatisfy { $0.accountName == "member-01" })
            #expect(old.report.findings.allSatisfy { $0.accountName == nil })
            // An account id only where the cluster's own `parameters` name one, as in any folder without the file.
            #expect(Set(old.report.findings.compactMap(\.accountId)).isSubset(of: [OrganisationTests.member(1)]))
            #expect(old.report.findings.map(\.clusterId).sorted() == live.report.findings.map(\.clusterId).sorted())
            #expect(old.exitCode == live.exitCode)
        }
    }
}
