import Audit
import Foundation
import TestSupport
import Testing

/// Issue 19 end to end through the built binaries: `ackguard-emulator` serving a 12-member Resource Directory, four
/// `ackguard audit --shard K/4` processes at once recording into one throwaway PostgreSQL, compared with a single
/// process auditing the same organisation into the same store.
@Suite("sharded store CLI")
struct ShardedStoreCommandTests {
    @Test(
        """
        four shard processes at once equal one process, a shard never run shows as missing, and re-running a shard \
        replaces its part
        """)
    func shardsAssembleIntoOneScan() async throws {
        try await withPostgresServer { server in
            let emulator = try EmulatorProcess(ShardedOrganisation.emulatorArguments)
            defer { emulator.stop() }
            let organisation = ShardedOrganisation(
                endpoint: emulator.endpoint, credentials: emulator.credentials, store: server.url,
                password: server.password)
            try await organisation.check()
        }
    }
}

/// The organisation of one test, the store its runs record into, and the checks.
struct ShardedOrganisation {
    /// One finding as the comparison sees it.
    struct Finding: Hashable, Comparable, CustomStringConvertible {
        var account: String
        var cluster: String
        var rule: String
        var status: String
        var reason: String

        static func < (lhs: Finding, rhs: Finding) -> Bool { lhs.description < rhs.description }
        var description: String { "\(account) \(cluster) \(rule) \(status) \(reason)" }
    }

    /// A small organisation: the management account and 12 members of 2 clusters each (member-02 has no role,
    /// member-03 is not active: both are notes, never findings).
    static let emulatorArguments = ["--members", "12", "--member-clusters", "2", "--clusters", "2"]
    static let statuses = ["FAIL", "UNKNOWN", "PASS", "NOT_APPLICABLE"]

    let endpoint: String
    let credentials: [String: String]
    let store: String
    let password: String

    /// `ackguard audit` of the whole organisation against the emulator, recorded into the store as `runId`
    /// (shard `shard` of `count`).
    func audit(runId: String, shard: Int, of count: Int) async throws -> CommandResult {
        try await CommandRunner.run(
            [
                "audit", "--resource-directory", "--shard", "\(shard)/\(count)", "--run-id", runId, "--store", store,
                "--endpoint", endpoint, "--rm-endpoint", endpoint, "--sts-endpoint", endpoint, "--format", "json",
                "--quiet",
            ], environment: credentials)
    }

    /// Several shards of one run as separate processes at the same time, by shard index.
    func auditAtOnce(runId: String, shards: ClosedRange<Int>, of count: Int) async throws -> [Int: CommandResult] {
        try await withThrowingTaskGroup(of: (Int, CommandResult).self) { group in
            for shard in shards {
                group.addTask { (shard, try await self.audit(runId: runId, shard: shard, of: count)) }
            }
            var results: [Int: CommandResult] = [:]
            for try await (shard, result) in group { results[shard] = result }
            return results
        }
    }

    /// Runs `ackguard` against the store and parses its JSON output.
    func storeJSON(_ arguments: [String]) async throws -> JSONValue {
        let result = try await CommandRunner.run(arguments + ["--store", store, "--format", "json"])
        #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains(password) && !result.stdout.contains(password))
        return try JSONValue.parse(result.stdout)
    }

    /// The findings of an audit's JSON report; the audit exits 0, 1 (FAILs) or 3 (notes), without leaking the
    /// store's password.
    func findings(of result: CommandResult, _ label: String) throws -> [Finding] {
        #expect([0, 1, 3].contains(result.exitCode), "\(label): exit \(result.exitCode): \(result.stderr)")
        #expect(!result.stderr.contains(password) && !result.stdout.contains(password), "\(label)")
        let report = try JSONValue.parse(result.stdout)
        return (report["findings"]?.arrayValue ?? []).map { finding in
            Finding(
                account: finding["accountId"]?.stringValue ?? "", cluster: finding["clusterId"]?.stringValue ?? "",
                rule: finding["rule"]?.stringValue ?? "", status: finding["status"]?.stringValue ?? "",
                reason: finding["reason"]?.stringValue ?? "")
        }
    }

    /// The status counts of a stored scan's summary.
    static func counts(_ scan: JSONValue?) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: statuses.map { ($0, scan?["summary"]?[$0]?.intValue ?? -1) })
    }

    /// A stored scan's notices without the `shard K of N: ` each part's notices carry in an assembled run, and
    /// without the emulator's request id (fresh on every call).
    static func notices(_ scan: JSONValue?) -> [String] {
        (scan?["notices"]?.arrayValue ?? []).compactMap(\.stringValue).map { notice in
            var text = notice
            if text.hasPrefix("shard "), let colon = text.range(of: ": ") { text = String(text[colon.upperBound...]) }
            if let requestId = text.range(of: " (request id ") { text = String(text[..<requestId.lowerBound]) }
            return text
        }.sorted()
    }

    /// Every change list of an `ackguard diff --format json` document, with its length.
    static func changeCounts(_ diff: JSONValue) -> [String: Int] {
        Dictionary(
            uniqueKeysWithValues: ["newFailures", "fixed", "changed", "appeared", "vanished"].map {
                ($0, diff[$0]?.arrayValue?.count ?? -1)
            })
    }

    static let noChanges = ["newFailures": 0, "fixed": 0, "changed": 0, "appeared": 0, "vanished": 0]

    func check() async throws {
        // The organisation in one process: shard 1 of 1 of its own run, so the store can assemble and diff it.
        let single = try findings(of: try await audit(runId: "org-single", shard: 1, of: 1), "single")
        let singleAccounts = Set(single.map(\.account))
        // The management account and the 10 members that can be audited, 2 clusters each.
        #expect(singleAccounts.count == 11)
        #expect(!singleAccounts.contains("5100000000000002") && !singleAccounts.contains("5100000000000003"))
        #expect(single.count == 22)
        #expect(Set(single).count == single.count)

        // Four shards of run org-1 at once into the same store.
        let shardResults = try await auditAtOnce(runId: "org-1", shards: 1...4, of: 4)
        #expect(shardResults.keys.sorted() == [1, 2, 3, 4])
        var shardFindings: [Int: [Finding]] = [:]
        for (shard, result) in shardResults { shardFindings[shard] = try findings(of: result, "shard \(shard)/4") }
        // Each account is in exactly one shard, and together the shards hold exactly the single run's findings.
        var owner: [String: Int] = [:]
        for (shard, list) in shardFindings {
            for account in Set(list.map(\.account)) {
                #expect(owner[account] == nil, "account \(account) in shards \(owner[account] ?? 0) and \(shard)")
                owner[account] = shard
            }
        }
        #expect(Set(owner.keys) == singleAccounts)
        let assembledFromReports = shardFindings.values.flatMap { $0 }
        #expect(assembledFromReports.sorted() == single.sorted())
        #expect(shardFindings.values.filter(\.isEmpty).isEmpty, "a shard audited no account: \(owner)")

        // The store assembles run org-1 from four parts, none missing, with the single run's counts.
        let singleRun = try await storeJSON(["history", "--run", "org-single"])
        let run1 = try await storeJSON(["history", "--run", "org-1"])
        #expect(run1["complete"]?.boolValue == true)
        #expect(run1["shardCount"]?.intValue == 4)
        #expect(run1["missingShards"]?.arrayValue?.isEmpty == true)
        #expect(run1["notes"]?.arrayValue?.isEmpty == true)
        let parts = run1["parts"]?.arrayValue ?? []
        #expect(parts.compactMap { $0["shard"]?["index"]?.intValue }.sorted() == [1, 2, 3, 4])
        #expect(Self.counts(run1["summary"]) == Self.counts(singleRun["summary"]))
        #expect(Self.counts(singleRun["summary"]).values.reduce(0, +) == single.count)
        // The members that could not be audited are notes of the assembled run, each once, as in the single run.
        let singleNotices = Self.notices(singleRun["summary"])
        #expect(singleNotices.count == 2, "\(singleNotices)")
        #expect(singleNotices.contains { $0.contains("5100000000000002") && $0.contains("not audited") })
        #expect(singleNotices.contains { $0.contains("5100000000000003") && $0.contains("not audited") })
        #expect(Self.notices(run1["summary"]) == singleNotices)
        // Finding by finding (rule, account, cluster, status, reason): nothing differs from the single run.
        let diff = try await storeJSON(["diff", "--old-run", "org-single", "--new-run", "org-1"])
        #expect(Self.changeCounts(diff) == Self.noChanges)
        #expect(diff["unchanged"]?.intValue == single.count)

        // A shard that never recorded (a killed runner): run org-2 has shards 1 to 3 of 4 only.
        let partial = try await auditAtOnce(runId: "org-2", shards: 1...3, of: 4)
        for (shard, result) in partial { _ = try findings(of: result, "org-2 shard \(shard)/4") }
        let run2 = try await storeJSON(["history", "--run", "org-2"])
        #expect(run2["complete"]?.boolValue == false)
        #expect(run2["missingShards"]?.arrayValue?.compactMap(\.intValue) == [4])
        #expect(run2["notes"]?.arrayValue?.compactMap(\.stringValue) == ["shard 4 of 4 missing"])
        let table = try await CommandRunner.run(["history", "--store", store, "--run", "org-2"])
        #expect(table.exitCode == 0, "\(table.stderr)")
        #expect(table.stdout.contains("Run org-2: 3 of 4 shards (incomplete)"), "\(table.stdout)")
        #expect(table.stdout.contains("note: shard 4 of 4 missing"), "\(table.stdout)")
        // Against the single run, exactly shard 4's findings vanished, and the note says why.
        let missingDiff = try await storeJSON(["diff", "--old-run", "org-single", "--new-run", "org-2"])
        let vanished = (missingDiff["vanished"]?.arrayValue ?? []).map {
            "\($0["account"]?.stringValue ?? "") \($0["cluster"]?.stringValue ?? "") \($0["rule"]?.stringValue ?? "")"
        }
        let shard4 = (shardFindings[4] ?? []).map { "\($0.account) \($0.cluster) \($0.rule)" }
        #expect(vanished.sorted() == shard4.sorted())
        #expect(
            missingDiff["notes"]?.arrayValue?.compactMap(\.stringValue) == ["new run org-2: shard 4 of 4 missing"])

        // Re-running shard 2 of org-1 replaces its part: still four parts, no duplicate, the single run's findings.
        let before = parts.first { $0["shard"]?["index"]?.intValue == 2 }?["id"]?.intValue
        let rerun = try findings(of: try await audit(runId: "org-1", shard: 2, of: 4), "re-run of shard 2/4")
        #expect(rerun.sorted() == (shardFindings[2] ?? []).sorted())
        let again = try await storeJSON(["history", "--run", "org-1"])
        let partsAgain = again["parts"]?.arrayValue ?? []
        #expect(partsAgain.compactMap { $0["shard"]?["index"]?.intValue }.sorted() == [1, 2, 3, 4])
        let after = partsAgain.first { $0["shard"]?["index"]?.intValue == 2 }?["id"]?.intValue
        #expect(before != nil && after != nil && before != after, "shard 2's part was not replaced")
        #expect(again["complete"]?.boolValue == true)
        #expect(Self.counts(again["summary"]) == Self.counts(singleRun["summary"]))
        let diffAgain = try await storeJSON(["diff", "--old-run", "org-single", "--new-run", "org-1"])
        #expect(Self.changeCounts(diffAgain) == Self.noChanges)
        #expect(diffAgain["unchanged"]?.intValue == single.count)
        // Every stored scan: 1 single, 4 parts of org-1 (the re-run replaced one), 3 of org-2.
        let scans = try await storeJSON(["history", "--limit", "100"])["scans"]?.arrayValue ?? []
        #expect(scans.count == 8)
        #expect(scans.filter { $0["run"]?.stringValue == "org-1" }.count == 4)
    }
}
