import ACKEmulator
import AlibabaCloud
import Audit
import AuditRun
import Foundation
import History
import Reports
import TestSupport
import Testing

/// Organisation-wide audits in-process against the emulator's Resource Directory: discovery, filters, the notes of
/// members that cannot be audited, account names in the reports, and shards that partition the accounts.
@Suite("organisation audits")
struct OrganisationTests {
    /// The management account (three clusters of its own) and 12 members of two clusters each: `member-02` has no
    /// role, `member-03` is `PendingRemove`.
    static func organisationConfiguration() -> EmulatorConfiguration {
        var configuration = EmulatorConfiguration.demo()
        configuration.fleet = .generated(FleetSpecification(clusterCount: 3, seed: 11))
        configuration.organisation = EmulatorOrganisation.generate(members: 12, clustersPerMember: 2)
        return configuration
    }

    static let management = "5000000000000001"
    static func member(_ number: Int) -> String {
        "51" + String(repeating: "0", count: 14 - String(number).count) + String(number)
    }

    /// Runs `body` with settings that reach an emulator of `configuration` (CS, STS and ResourceManager on its
    /// endpoint, `--resource-directory`, no Kubernetes reads) and the environment holding the management key.
    func withOrganisation<T>(
        _ configuration: EmulatorConfiguration = Self.organisationConfiguration(),
        _ body: (_ settings: LiveSettings, _ environment: [String: String]) async throws -> T
    ) async throws -> T {
        try await withOrganisationEmulator(configuration) { settings, environment, _ in
            try await body(settings, environment)
        }
    }

    /// ``withOrganisation(_:_:)`` that also hands over the emulator (its request counts).
    func withOrganisationEmulator<T>(
        _ configuration: EmulatorConfiguration,
        _ body: (_ settings: LiveSettings, _ environment: [String: String], _ emulator: Emulator) async throws -> T
    ) async throws -> T {
        try await withEmulatorServer(configuration) { emulator in
            try await withTemporaryFolder(prefix: "ackguard-org-home") { home in
                var settings = LiveSettings()
                settings.endpoint = emulator.endpoint.absoluteString
                settings.stsEndpoint = emulator.endpoint.absoluteString
                settings.resourceManagerEndpoint = emulator.endpoint.absoluteString
                settings.resourceDirectory = true
                settings.noKubernetes = true
                let environment = [
                    "ALIBABA_CLOUD_ACCESS_KEY_ID": emulator.accessKeys[0].id,
                    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": emulator.accessKeys[0].secret,
                    "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true", "HOME": home.path,
                ]
                return try await body(settings, environment, emulator)
            }
        }
    }

    func run(_ settings: LiveSettings, _ environment: [String: String], part: ScanPart? = nil) async throws
        -> AuditOutcome
    {
        var settings = settings
        settings.shard = part
        return try await AuditRun(
            AuditRequest(source: .live(settings), part: part, environment: environment, toolVersion: "test")
        ).run()
    }

    @Test("every active member is audited through its role; the inactive one and the one without a role are notes")
    func discovery() async throws {
        try await withOrganisation { settings, environment in
            let outcome = try await run(settings, environment)
            let accounts = Set(outcome.report.findings.compactMap(\.accountId))
            let expected = Set([Self.management] + (1...12).filter { ![2, 3].contains($0) }.map(Self.member))
            #expect(accounts == expected)
            #expect(outcome.clusterCount == 3 + 10 * 2)
            let names = Dictionary(
                outcome.report.findings.compactMap { f in f.accountId.map { ($0, f.accountName) } },
                uniquingKeysWith: { first, _ in first })
            #expect(names[Self.member(1)] == "member-01")
            #expect(names[Self.management] == "management")
            let notes = outcome.completenessNotes
            #expect(notes.count == 2)
            #expect(
                notes.contains {
                    $0.contains(Self.member(3)) && $0.contains("member-03") && $0.contains("PendingRemove")
                })
            #expect(
                notes.contains {
                    $0.contains(Self.member(2)) && $0.contains("member-02") && $0.contains("EntityNotExist.Role")
                        && $0.contains("ResourceDirectoryAccountAccessRole")
                })
            #expect(outcome.report.notices.starts(with: notes))
            // The demo-like fleets have FAILs: exit 1 wins over 3.
            #expect(outcome.exitCode == ExitStatus.failures)
        }
    }

    @Test(
        "the caller's own account is audited with its own credentials, listed by ListAccounts or not; not added to a folder scan",
        arguments: [true, false])
    func callerAccount(listed: Bool) async throws {
        var configuration = Self.organisationConfiguration()
        configuration.organisation?.listsManagementAccount = listed
        try await withOrganisationEmulator(configuration) { settings, environment, emulator in
            let outcome = try await run(settings, environment)
            let counts = await emulator.requestCounts()
            // The eleven members that are not PendingRemove are assumed (member-02's role is missing: its note); the
            // management account is reached with the caller's own key, never through a role.
            #expect(counts["AssumeRole"] == 11)
            #expect(counts["GetCallerIdentity"] == 1)
            let management = outcome.report.findings.filter { $0.accountId == Self.management }
            #expect(management.count == 3)
            #expect(management.allSatisfy { $0.accountName == (listed ? "management" : nil) })
            #expect(outcome.completenessNotes.count == 2)

            // A folder scan audits that folder's members only: the caller's account is not added to it.
            var folderScan = settings
            folderScan.resourceDirectoryFolder = configuration.organisation?.folders.first?.id
            let folder = try await run(folderScan, environment)
            #expect(!folder.report.findings.contains { $0.accountId == Self.management })
        }
    }

    @Test("a member whose role cannot be assumed makes a clean run exit 3")
    func missingRoleExitsIncomplete() async throws {
        try await withOrganisation { settings, environment in
            var settings = settings
            settings.includedAccounts = [Self.member(2)]
            let outcome = try await run(settings, environment)
            #expect(outcome.report.findings.isEmpty)
            #expect(outcome.completenessNotes.count == 1)
            #expect(outcome.completenessNotes.first?.contains("EntityNotExist.Role") == true)
            #expect(outcome.exitCode == ExitStatus.incomplete)
        }
    }

    @Test("--account keeps those members, an unknown one is a note; --exclude-account drops members")
    func filters() async throws {
        try await withOrganisation { settings, environment in
            var only = settings
            only.includedAccounts = [Self.member(1), Self.member(5), "5999999999999999"]
            let filtered = try await run(only, environment)
            #expect(Set(filtered.report.findings.compactMap(\.accountId)) == [Self.member(1), Self.member(5)])
            #expect(
                filtered.completenessNotes == [
                    "account 5999999999999999 (--account) is not a member of the Resource Directory"
                ])

            var excluding = settings
            excluding.excludedAccounts = [Self.management, Self.member(2), Self.member(3), Self.member(4)]
            let rest = try await run(excluding, environment)
            let accounts = Set(rest.report.findings.compactMap(\.accountId))
            #expect(accounts == Set([1, 5, 6, 7, 8, 9, 10, 11, 12].map(Self.member)))
            #expect(rest.completenessNotes.isEmpty)
        }
    }

    @Test("--rd-folder audits the members of a folder and of the folders below it")
    func folder() async throws {
        let configuration = Self.organisationConfiguration()
        let organisation = try #require(configuration.organisation)
        let production = try #require(organisation.folders.first { $0.name == "Production" })
        let below = Set(organisation.folders.filter { $0.parentId == production.id }.map(\.id) + [production.id])
        let expected = Set(
            organisation.members.filter { below.contains($0.folderId) && $0.role != .missing }
                .filter { $0.status != "PendingRemove" }.map(\.accountId))
        try await withOrganisation(configuration) { settings, environment in
            var settings = settings
            settings.resourceDirectory = false
            settings.resourceDirectoryFolder = production.id
            let outcome = try await run(settings, environment)
            #expect(!expected.isEmpty)
            #expect(Set(outcome.report.findings.compactMap(\.accountId)) == expected)
        }
    }

    @Test("each finding names its account id and name in the JSON, table and CSV reports")
    func accountNameInReports() async throws {
        try await withOrganisation { settings, environment in
            var settings = settings
            settings.includedAccounts = [Self.member(1), Self.member(4)]
            let report = try await run(settings, environment).report
            let finding = try #require(report.findings.first { $0.accountId == Self.member(4) })
            #expect(finding.accountName == "member-04")

            let json = JSONReportRenderer().render(report)
            let compact = json.filter { !$0.isWhitespace }
            #expect(compact.contains("\"accountName\":\"member-04\""))
            #expect(compact.contains("\"accountId\":\"\(Self.member(4))\""))
            let table = TableReportRenderer(width: 200).render(report)
            #expect(table.contains("\(Self.member(4)) (member-04)/"))
            let csv = CSVReportRenderer().render(report)
            let lines = csv.split(separator: "\r\n")
            let header = lines[0].split(separator: ",").map(String.init)
            let nameColumn = try #require(header.firstIndex(of: "accountName"))
            #expect(header[nameColumn - 1] == "accountId")
            let row = try #require(lines.dropFirst().first { $0.contains(Self.member(4)) })
            #expect(row.split(separator: ",").map(String.init)[nameColumn] == "member-04")
        }
    }

    @Test("shards 1..4 of 4 partition the accounts, and together find what one process finds")
    func shardsPartition() async throws {
        try await withOrganisation { settings, environment in
            let whole = try await run(settings, environment)
            var accountsSeen: [Set<String>] = []
            var findings: [Finding] = []
            var notes: [String] = []
            for index in 1...4 {
                let part = ScanPart(runId: "org-test", index: index, count: 4)
                let outcome = try await run(settings, environment, part: part)
                accountsSeen.append(Set(outcome.report.findings.compactMap(\.accountId)))
                findings += outcome.report.findings
                notes += outcome.completenessNotes
                for account in accountsSeen.last! {
                    #expect(AccountShard.index(ofAccount: account, count: 4) == index)
                }
            }
            let union = accountsSeen.reduce(Set<String>()) { $0.union($1) }
            #expect(union == Set(whole.report.findings.compactMap(\.accountId)))
            #expect(accountsSeen.map(\.count).reduce(0, +) == union.count)  // disjoint
            func key(_ finding: Finding) -> String {
                [
                    finding.accountId ?? "", finding.accountName ?? "", finding.clusterId, finding.rule.rawValue,
                    finding.status.rawValue, finding.reason.rawValue, finding.message,
                ].joined(separator: "|")
            }
            #expect(findings.map(key).sorted() == whole.report.findings.map(key).sorted())
            // The notes differ only in the request id of the refused AssumeRole.
            func withoutRequestId(_ note: String) -> String {
                note.replacing(/request id [0-9A-F-]+/, with: "request id")
            }
            #expect(notes.map(withoutRequestId).sorted() == whole.completenessNotes.map(withoutRequestId).sorted())
        }
    }

    @Test("a shard that holds no account is a clean run that says so")
    func emptyShard() async throws {
        try await withOrganisation { settings, environment in
            var settings = settings
            settings.includedAccounts = [Self.member(1)]
            let home = AccountShard.index(ofAccount: Self.member(1), count: 2)
            let part = ScanPart(runId: "empty", index: home == 1 ? 2 : 1, count: 2)
            let outcome = try await run(settings, environment, part: part)
            #expect(outcome.report.findings.isEmpty)
            #expect(outcome.exitCode == ExitStatus.clean)
            #expect(outcome.report.notices.contains { $0.contains("holds no account") })
        }
    }

    @Test("an account that manages no Resource Directory is told to use the management account")
    func listingRefused() async throws {
        var configuration = EmulatorConfiguration.demo()
        configuration.organisation = nil
        try await withOrganisation(configuration) { settings, environment in
            do {
                _ = try await run(settings, environment)
                Issue.record("the run should have failed")
            } catch let error as RunFailure {
                let text = error.description
                #expect(text.contains("cannot list the member accounts of the Resource Directory"))
                #expect(text.contains("management account or a delegated administrator"))
                #expect(!text.contains("\n"))
                #expect(!text.contains(EmulatorAccessKey.demo.secret))
                #expect(error.exitCode == ExitStatus.inputError)
            } catch {
                Issue.record("not a RunFailure: \(error)")
            }
        }
    }

    @Test("the shard of an account is stable: SHA-256 of the id, first 8 bytes big-endian, mod N, plus one")
    func stableShard() throws {
        // SHA-256("5100000000000001") starts bce76a071d986b08; the values are pinned (from Python's hashlib) so that a
        // change of the function cannot pass unnoticed: runners of two versions must agree.
        let shards = (1...12).map { AccountShard.index(ofAccount: Self.member($0), count: 4) }
        #expect(shards == [1, 3, 3, 2, 1, 1, 1, 4, 1, 3, 3, 1])
        #expect(AccountShard.index(ofAccount: Self.management, count: 4) == 3)
        #expect(AccountShard.index(ofAccount: Self.management, count: 1) == 1)
        let parsed = try AccountShard.parse("2/4")
        #expect(parsed.index == 2 && parsed.count == 4)
        for bad in ["0/4", "5/4", "1/0", "1/1001", "a/b", "1/", "/4", "1/4/2", " 1/4", "-1/4"] {
            #expect(throws: ShardParseError.self) { try AccountShard.parse(bad) }
        }
    }

    @Test("organisation settings are checked before anything connects, one line naming the option")
    func settingsProblems() {
        func problem(_ change: (inout LiveSettings) -> Void) -> String? {
            var settings = LiveSettings()
            change(&settings)
            return settings.problem
        }
        #expect(
            problem {
                $0.resourceDirectory = true
                $0.roleArns = ["acs:ram::5000000000000001:role/audit"]
            }?.hasPrefix("--resource-directory") == true)
        #expect(problem { $0.includedAccounts = [Self.member(1)] } == "--account needs --resource-directory")
        #expect(
            problem {
                $0.resourceDirectoryFolder = "fd-1"
                $0.includedAccounts = ["12"]
            }?.hasPrefix("--account:") == true)
        #expect(
            problem {
                $0.resourceDirectory = true
                $0.excludedAccounts = ["x"]
            }?.hasPrefix("--exclude-account:") == true)
        #expect(problem { $0.resourceDirectoryFolder = "fd/../x" }?.hasPrefix("--rd-folder:") == true)
        #expect(
            problem {
                $0.resourceDirectory = true
                $0.memberRole = "bad role"
            }?.hasPrefix("--member-role:") == true)
        #expect(problem { $0.accountConcurrency = 0 } == "--account-concurrency must be between 1 and 64")
        #expect(problem { $0.accountConcurrency = 65 } == "--account-concurrency must be between 1 and 64")
        #expect(problem { $0.shard = ScanPart(runId: "r", index: 1, count: 2) }?.hasPrefix("--shard") == true)
        #expect(
            problem {
                $0.resourceDirectory = true
                $0.shard = ScanPart(runId: "bad id!", index: 1, count: 2)
            }?.hasPrefix("--run-id:") == true)
        #expect(
            problem {
                $0.resourceDirectory = true
                $0.shard = ScanPart(runId: "ok", index: 1, count: 2)
            } == nil)
        #expect(ScanPart.runIdProblem(String(repeating: "a", count: 129)) != nil)
        #expect(ScanPart.runIdProblem("nightly-2026.12.02_1") == nil)
        #expect(ScanPart.defaultRunId(environment: ["JOB_NAME": "org-scan"]) { "fresh" } == "org-scan")
        #expect(ScanPart.defaultRunId(environment: [:]) { "fresh" } == "fresh")
    }
}
