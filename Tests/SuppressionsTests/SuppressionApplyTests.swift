import Audit
import Foundation
import Suppressions
import Testing

@Suite struct SuppressionApplyTests {
    static func finding(
        _ id: String, name: String, region: String = "cn-hangzhou", status: Status = .fail,
        rule: RuleID = .networkPolicySupport, location: Audit.SourceLocation? = nil
    ) -> Finding {
        Finding(
            rule: rule, clusterId: id, clusterName: name, regionId: region, status: status,
            reason: status == .fail ? .pluginFlannel : .configMapPolicyEnabled, message: "m", location: location)
    }

    static func entry(
        _ index: Int, rule: RuleID? = nil, clusterId: String? = nil, name: String? = nil, region: String? = nil,
        tag: String? = nil, file: String? = nil, expires: String = "2030-12-31"
    ) -> SuppressionEntry {
        SuppressionEntry(
            index: index, rule: rule, clusterId: clusterId, name: name.map(GlobPattern.init),
            region: region.map(GlobPattern.init), tag: tag, file: file.map(GlobPattern.init),
            reason: "reason \(index)", expires: CalendarDate(expires)!)
    }

    @Test(
        "each matcher selects what it says",
        arguments: [
            (SuppressionApplyTests.entry(1, rule: .networkPolicySupport), ["a", "b", "c"]),
            (SuppressionApplyTests.entry(1, rule: .networkPolicyCoverage), ["d"]),
            (SuppressionApplyTests.entry(1, clusterId: "b"), ["b"]),
            (SuppressionApplyTests.entry(1, name: "sandbox-*"), ["a", "c"]),
            (SuppressionApplyTests.entry(1, name: "sandbox-?"), ["a"]),
            (SuppressionApplyTests.entry(1, region: "cn-bei*"), ["c"]),
            (SuppressionApplyTests.entry(1, tag: "env=dev"), ["a"]),
            (SuppressionApplyTests.entry(1, tag: "env"), ["a", "b"]),
            (SuppressionApplyTests.entry(1, tag: "env=prod"), ["b"]),
            (SuppressionApplyTests.entry(1, tag: "owner"), []),
            (SuppressionApplyTests.entry(1, name: "sandbox-*", region: "cn-hangzhou"), ["a"]),
        ])
    func matchers(_ entry: SuppressionEntry, _ expected: [String]) {
        let findings = [
            Self.finding("a", name: "sandbox-1"),
            Self.finding("b", name: "prod"),
            Self.finding("c", name: "sandbox-22", region: "cn-beijing"),
            Self.finding("d", name: "prod", rule: .networkPolicyCoverage),
        ]
        let tags = ["a": ["env": "dev"], "b": ["env": "prod"]]
        let file = SuppressionFile(path: "s.yaml", entries: [entry])
        let (result, _) = file.apply(to: findings, today: "2025-01-01", tags: tags)
        #expect(result.filter { $0.suppression != nil }.map(\.clusterId) == expected)
        #expect(result.map(\.clusterId) == findings.map(\.clusterId), "suppressed findings stay")
    }

    @Test("only FAIL and UNKNOWN are suppressed; the reason and expiry are kept")
    func statuses() {
        let findings = Status.allCases.map { Self.finding("c-\($0.rawValue)", name: "x", status: $0) }
        let file = SuppressionFile(path: "s.yaml", entries: [Self.entry(1, name: "*")])
        let (result, notices) = file.apply(to: findings, today: "2025-01-01", tags: [:])
        let suppressed = result.filter { $0.suppression != nil }
        #expect(Set(suppressed.map(\.status)) == [.fail, .unknown])
        #expect(suppressed.allSatisfy { $0.suppression == Suppression(reason: "reason 1", expires: "2030-12-31") })
        #expect(notices.isEmpty)
    }

    @Test("an expired entry does not suppress and says so; one applies through its last day")
    func expiry() {
        let findings = [Self.finding("a", name: "a"), Self.finding("b", name: "b")]
        let file = SuppressionFile(
            path: "s.yaml",
            entries: [
                Self.entry(1, clusterId: "a", expires: "2024-12-31"),
                Self.entry(2, clusterId: "b", expires: "2025-01-01"),
            ])
        let (result, notices) = file.apply(to: findings, today: "2025-01-01", tags: [:])
        #expect(result[0].suppression == nil)
        #expect(result[1].suppression?.reason == "reason 2")
        #expect(
            notices == [
                "suppression s.yaml entry #1 (clusterId a) expired on 2024-12-31: no longer suppresses 1 finding(s)"
            ])
    }

    @Test("an entry that matched nothing, or only passing clusters, is reported as unused")
    func unused() {
        let findings = [Self.finding("a", name: "a", status: .pass)]
        let file = SuppressionFile(
            path: "s.yaml",
            entries: [Self.entry(1, clusterId: "a"), Self.entry(2, clusterId: "zzz", expires: "2020-01-01")])
        let (_, notices) = file.apply(to: findings, today: "2025-01-01", tags: [:])
        #expect(
            notices == [
                "suppression s.yaml entry #1 (clusterId a) matched no FAIL or UNKNOWN finding: "
                    + "remove it if the risk is gone",
                "suppression s.yaml entry #2 (clusterId zzz) expired on 2020-01-01: it matches nothing either",
            ])
    }

    @Test("the first unexpired matching entry wins; an expired one falls through to the next")
    func order() {
        let findings = [Self.finding("a", name: "a")]
        let file = SuppressionFile(
            path: "s.yaml",
            entries: [
                Self.entry(1, clusterId: "a", expires: "2020-01-01"),
                Self.entry(2, name: "a"),
                Self.entry(3, rule: .networkPolicySupport),
            ])
        let (result, notices) = file.apply(to: findings, today: "2025-01-01", tags: [:])
        #expect(result[0].suppression?.reason == "reason 2")
        #expect(notices.count == 2)
        #expect(notices[0].contains("entry #1") && notices[0].contains("expired"))
        #expect(notices[1].contains("entry #3") && notices[1].contains("matched no FAIL or UNKNOWN"))
    }

    @Test("an invalid today suppresses nothing and says so", arguments: ["", "2025-13-01", "01/02/2025"])
    func invalidToday(_ today: String) {
        let findings = [Self.finding("a", name: "a")]
        let file = SuppressionFile(path: "s.yaml", entries: [Self.entry(1, clusterId: "a")])
        let (result, notices) = file.apply(to: findings, today: today, tags: [:])
        #expect(result == findings)
        #expect(notices == ["suppressions from s.yaml not applied: today's date '\(today)' is not YYYY-MM-DD"])
    }

    @Test("infrastructure-code findings match by file and resource address")
    func files() {
        let findings = [
            Self.finding(
                "", name: "alicloud_cs_managed_kubernetes.old", region: "",
                location: Audit.SourceLocation(file: "infra/legacy/main.tf", line: 3, column: 1)),
            Self.finding(
                "", name: "alicloud_cs_managed_kubernetes.new", region: "",
                location: Audit.SourceLocation(file: "infra/main.tf", line: 9, column: 1)),
        ]
        let file = SuppressionFile(path: "s.yaml", entries: [Self.entry(1, file: "infra/legacy/*")])
        let (result, _) = file.apply(to: findings, today: "2025-01-01", tags: [:])
        #expect(result.map { $0.suppression != nil } == [true, false])
    }

    @Test("end to end: a YAML file suppresses a failure, the exit code follows, the finding stays")
    func endToEnd() throws {
        let yaml = """
            suppressions:
              - rule: ack-network-policy-support
                name: legacy-*
                reason: Replaced in Q3 (MIG-7)
                expires: 2031-09-30
              - clusterId: gone
                reason: Old cluster
                expires: 2031-01-01
              - tag: team=data
                reason: Expired acceptance
                expires: 2024-01-01
            """
        let file = try SuppressionFile.parse(yaml, path: "accepted.yaml")
        let findings = [
            Self.finding("c1", name: "legacy-web"),
            Self.finding("c2", name: "prod", status: .pass),
            Self.finding("c3", name: "analytics", status: .unknown),
        ]
        #expect(AuditSummary(findings).exitCode == ExitStatus.failures)
        let (result, notices) = file.apply(
            to: findings, today: "2025-06-01", tags: ["c3": ["team": "data"]])
        #expect(result.count == 3)
        #expect(result[0].suppression == Suppression(reason: "Replaced in Q3 (MIG-7)", expires: "2031-09-30"))
        #expect(result[2].suppression == nil, "the tag entry expired")
        let summary = AuditSummary(result)
        #expect(summary.suppressed == 1)
        #expect(summary[.fail] == 0)
        #expect(summary.exitCode == ExitStatus.incomplete, "the UNKNOWN still counts")
        #expect(notices.count == 2)
        #expect(notices.contains { $0.contains("entry #2 (line 6: clusterId gone) matched no FAIL or UNKNOWN") })
        #expect(notices.contains { $0.contains("entry #3 (line 9: tag team=data) expired on 2024-01-01") })
    }
}
