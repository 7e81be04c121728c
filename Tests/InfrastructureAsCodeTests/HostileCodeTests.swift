import Audit
import Foundation
import TestSupport
import Testing

@testable import InfrastructureAsCode

/// Module cycles, evaluation budgets and parse limits: hostile Terraform is reported, and the rest still checked.
@Suite struct HostileCodeTests {
    static let flannel = ScannerBehaviourTests.flannelCluster

    static func verdicts(_ result: IaCScanResult) -> [String: Status] {
        Dictionary(result.findings.map { ($0.clusterId, $0.status) }, uniquingKeysWith: { first, _ in first })
    }

    @Test(
        "a module whose source is its own folder does not hide the folder: the Flannel cluster still FAILs",
        arguments: ["./", ".", "../infra", "./../infra/", "./sub/.."])
    func selfSource(_ source: String) throws {
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write("infra/main.tf", Self.flannel + "module \"again\" {\n  source = \"\(source)\"\n}\n")
        let result = IaCScanner.scan(paths: [folder.path + "/infra"])
        #expect(result.findings.map(\.clusterId) == ["alicloud_cs_managed_kubernetes.f"])
        #expect(result.findings.first?.status == .fail)
        #expect(result.notices.contains { $0.contains("module cycle") && $0.contains("module.again") })
        #expect(result.diagnostics.isEmpty)
    }

    @Test("a child calling its parent (../), A → B → A, and a cycle through a symbolic link are reported once")
    func cycles() throws {
        let parent = try TemporaryFolder(prefix: "ackguard-iac")
        defer { parent.remove() }
        try parent.write("infra/main.tf", Self.flannel + "module \"child\" {\n  source = \"./child\"\n}\n")
        try parent.write(
            "infra/child/main.tf",
            ScannerBehaviourTests.passingCluster + "module \"up\" {\n  source = \"../\"\n}\n")
        let upResult = IaCScanner.scan(paths: [parent.path + "/infra"])
        #expect(upResult.findings.count == 2)
        #expect(Set(upResult.findings.map(\.status)) == [.fail, .pass])
        let cycle = try #require(upResult.notices.first { $0.contains("module cycle") })
        #expect(cycle.contains(" → "))

        let pair = try TemporaryFolder(prefix: "ackguard-iac")

        defer { pair.remove() }
        try pair.write("a/main.tf", Self.flannel + "module \"b\" {\n  source = \"../b\"\n}\n")
        try pair.write("b/main.tf", ScannerBehaviourTests.passingCluster + "module \"a\" {\n  source = \"../a\"\n}\n")
        let pairResult = IaCScanner.scan(paths: [pair.path])
        #expect(pairResult.findings.count == 2, "each cluster once: \(pairResult.findings.map(\.clusterId))")
        #expect(pairResult.findings.contains { $0.status == .fail && $0.reason == .pluginFlannel })
        #expect(pairResult.notices.contains { $0.contains("module cycle") })

        let linked = try TemporaryFolder(prefix: "ackguard-iac")

        defer { linked.remove() }
        try linked.write("infra/main.tf", Self.flannel + "module \"loop\" {\n  source = \"./link\"\n}\n")
        try FileManager.default.createSymbolicLink(
            atPath: linked.path + "/infra/link", withDestinationPath: linked.path + "/infra")
        let linkResult = IaCScanner.scan(paths: [linked.path + "/infra/main.tf"])
        #expect(linkResult.findings.first?.status == .fail)
        #expect(linkResult.notices.contains { $0.contains("module cycle") })
    }

    @Test("40 locals each doubling the last stop quickly with a note naming the local; the rest is still checked")
    func doublingLocals() throws {
        var text = "locals {\n  l0 = \"ab\"\n"
        for level in 1...40 { text += "  l\(level) = \"${local.l\(level - 1)}${local.l\(level - 1)}\"\n" }
        text += "}\n"
        text +=
            "resource \"alicloud_cs_managed_kubernetes\" \"big\" {\n  name = local.l40\n  addons {\n"
            + "    name = \"terway-eniip\"\n    config = jsonencode({ NetworkPolicy = local.l40 })\n  }\n}\n"
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write("main.tf", text + Self.flannel)
        let started = ContinuousClock.now
        let result = IaCScanner.scan(paths: [folder.path])
        #expect(ContinuousClock.now - started < .seconds(10))
        let verdicts = Self.verdicts(result)
        #expect(verdicts["alicloud_cs_managed_kubernetes.f"] == .fail)
        #expect(verdicts["alicloud_cs_managed_kubernetes.big"] == .unknown)
        let notes = result.notices.filter { $0.contains("is not evaluated") }
        #expect(notes.count == 1, "\(result.notices)")
        let note = notes.first ?? ""
        #expect(note.hasPrefix(folder.path + "/main.tf:"))
        #expect(note.contains("local.l"))
        #expect(note.contains("limit maximumValueSize") || note.contains("limit maximumSteps"))
    }

    @Test("lists doubling, nested for expressions and replace() are bounded too")
    func otherGrowth() throws {
        var lists = "locals {\n  l0 = [1, 2]\n"
        for level in 1...40 { lists += "  l\(level) = [local.l\(level - 1), local.l\(level - 1)]\n" }
        lists += "  many = [for a in local.l40 : [for b in local.l40 : b]]\n"
        lists += "  wide = replace(local.s, \"a\", local.s)\n  s = \"\(String(repeating: "a", count: 2000))\"\n}\n"
        lists +=
            "resource \"alicloud_cs_managed_kubernetes\" \"x\" {\n  addons {\n    name = \"terway-eniip\"\n"
            + "    config = jsonencode({ NetworkPolicy = length(local.many) > 0 ? local.wide : \"true\" })\n  }\n}\n"
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write("main.tf", lists + Self.flannel)
        let started = ContinuousClock.now
        let result = IaCScanner.scan(paths: [folder.path])
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(Self.verdicts(result)["alicloud_cs_managed_kubernetes.f"] == .fail)
        #expect(Self.verdicts(result)["alicloud_cs_managed_kubernetes.x"] == .unknown)
        let notes = result.notices.filter { $0.contains("is not evaluated") }
        #expect(notes.contains { $0.contains("local.wide") }, "\(notes)")
        #expect(notes.contains { $0.contains("local.l") }, "the doubling list is named: \(notes)")
    }

    @Test("replace() refuses to build a string beyond the limit before building it")
    func replaceBound() {
        let text = IaCValue.string(String(repeating: "a", count: 2000))
        let result = HCLFunctions.call("replace", [text, "a", text], readFile: { _ in .null }, maximumSize: 1 << 20)
        guard case .unknown(let unknown) = result else {
            Issue.record("expected an unknown value, got \(result)")
            return
        }
        #expect(unknown.reason.contains("limit maximumValueSize"))
        #expect(HCLFunctions.call("replace", ["abc", "b", "x"], readFile: { _ in .null }) == "axc")
    }

    @Test("parse limits: HCL tokens and strings, ROS YAML alias bombs, plan JSON depth; each names file:line:column")
    func parseLimits() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write("tf/main.tf", "locals {\n  s = \"" + String(repeating: "x", count: 64) + "\"\n}\n")
        try folder.write(
            "plan.json",
            "{\"format_version\": \"1.2\", \"planned_values\": " + String(repeating: "[", count: 40)
                + String(repeating: "]", count: 40) + "}")
        try folder.write(
            "stack.yaml",
            "ROSTemplateFormatVersion: '2015-09-01'\na: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n")
        try folder.write("ok/main.tf", Self.flannel)
        let limits = ParseLimits(maximumDepth: 20, maximumStringLength: 32, maximumAliasExpansions: 10)
        let result = IaCScanner.scan(paths: [folder.path], limits: limits)
        let byFile = Dictionary(result.diagnostics.map { (($0.file as NSString).lastPathComponent, $0) }) { a, _ in a }
        #expect(byFile["main.tf"]?.message.contains("limit maximumStringLength") == true)
        #expect(byFile["main.tf"]?.line == 2)
        #expect(byFile["plan.json"]?.message.contains("limit maximumDepth") == true)
        #expect((byFile["plan.json"]?.column ?? 0) > 1)
        #expect(byFile["stack.yaml"]?.message.contains("limit maximumAliasExpansions") == true)
        #expect((byFile["stack.yaml"]?.line ?? 0) >= 2)
        #expect(Self.verdicts(result)["alicloud_cs_managed_kubernetes.f"] == .fail)
    }

    @Test("a FIFO, a dangling link or a link to a device named .tf is a diagnostic, never a hang")
    func nonRegularFiles() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write("ok/main.tf", Self.flannel)
        #expect(mkfifo(folder.path + "/ok/fifo.tf", 0o644) == 0)
        try FileManager.default.createSymbolicLink(
            atPath: folder.path + "/ok/zero.tf", withDestinationPath: "/dev/zero")
        try FileManager.default.createSymbolicLink(
            atPath: folder.path + "/ok/gone.tf", withDestinationPath: folder.path + "/nowhere.tf")
        let started = ContinuousClock.now
        let result = IaCScanner.scan(paths: [folder.path])
        #expect(ContinuousClock.now - started < .seconds(10))
        let messages = Dictionary(
            result.diagnostics.map { (($0.file as NSString).lastPathComponent, $0.message) },
            uniquingKeysWith: { a, _ in a })
        #expect(messages["fifo.tf"]?.contains("a FIFO (named pipe), not a regular file") == true)
        #expect(messages["zero.tf"]?.contains("a character device, not a regular file") == true)
        #expect(messages["gone.tf"]?.contains("no such file") == true)
        #expect(Self.verdicts(result)["alicloud_cs_managed_kubernetes.f"] == .fail)
    }
}
