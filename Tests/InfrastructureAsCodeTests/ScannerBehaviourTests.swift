import Audit
import TestSupport
import Testing

@testable import InfrastructureAsCode

/// Discovery, diagnostics and exit codes.
@Suite struct ScannerBehaviourTests {
    static let flannelCluster =
        "resource \"alicloud_cs_managed_kubernetes\" \"f\" {\n  addons {\n    name = \"flannel\"\n  }\n}\n"
    static let passingCluster =
        "resource \"alicloud_cs_managed_kubernetes\" \"p\" {\n  addons {\n    name   = \"terway-eniip\"\n"
        + "    config = jsonencode({ NetworkPolicy = \"true\" })\n  }\n}\n"

    @Test func aBrokenPlanIsReportedWithItsPositionAndTheRestIsStillChecked() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write(
            "plan.json", "{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [\n    {\"address\": }\n  ]\n}\n")
        try folder.write("infra/main.tf", Self.flannelCluster)
        let result = IaCScanner.scan(paths: [folder.path])
        #expect(
            result.diagnostics == [
                IaCDiagnostic(
                    file: folder.path + "/plan.json", line: 4, column: 17,
                    message: "invalid JSON: unexpected '}', expected a value")
            ])
        #expect(result.findings.map(\.clusterId) == ["alicloud_cs_managed_kubernetes.f"])
        #expect(result.exitCode == ExitStatus.inputError)
        #expect(
            result.diagnostics[0].description == folder.path
                + "/plan.json:4:17: invalid JSON: unexpected '}', expected a value")
    }

    @Test func aBrokenTemplateIsReportedWithItsPosition() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write(
            "stack.yaml", "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  K8s:\n    Type: [unclosed\n")
        let result = IaCScanner.scan(paths: [folder.path])
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.file == folder.path + "/stack.yaml")
        #expect(diagnostic.line == 5)
        #expect(diagnostic.column == 1)
        #expect(diagnostic.message.hasPrefix("invalid YAML"))
    }

    static let syntaxErrors: [(text: String, line: Int, column: Int, message: String)] = [
        (
            "resource \"alicloud_cs_managed_kubernetes\" \"x\" {\n  name = \"x\"\n", 3, 1,
            "unclosed block 'resource' opened at line 1, column 1: '}' expected"
        ),
        (
            "locals {\n  a = \"unterminated\n}\n", 2, 7,
            "unterminated quoted string: a quoted string cannot span lines (use a heredoc)"
        ),
        ("locals {\n  a \"b\"\n}\n", 2, 8, "'{' expected to open the block 'a', found a newline"),
        ("a = 1 b = 2\n", 1, 7, "a newline is expected after the argument 'a', found 'b'"),
        ("locals {\n  a = 1 @\n}\n", 2, 9, "unexpected character '@'"),
        ("locals {\n  a = <<EOT\nno end\n}\n", 2, 7, "unterminated heredoc: no line holding only 'EOT'"),
        ("locals {\n  a = \"\\q\"\n}\n", 2, 8, "invalid escape sequence '\\q'"),
        ("locals {\n  a = [1, 2\n}\n", 3, 1, "',' or ']' expected in the list, found '}'"),
        ("locals {\n  a = 1\n  a = 2\n}\n", 3, 3, "the argument 'a' was already set at line 2, column 3"),
        ("}\n", 1, 1, "unexpected '}': no block is open here"),
        ("a = \"${var.x", 1, 6, "unterminated template interpolation: '}' expected"),
    ]

    @Test(arguments: syntaxErrors.indices)
    func syntaxErrorsHaveExactPositions(index: Int) throws {
        let error = Self.syntaxErrors[index]
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write("bad.tf", error.text)
        try folder.write("other/ok.tf", Self.passingCluster)
        let result = IaCScanner.scan(paths: [folder.path])
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.file == folder.path + "/bad.tf")
        #expect(diagnostic.line == error.line, "\(diagnostic)")
        #expect(diagnostic.column == error.column, "\(diagnostic)")
        #expect(diagnostic.message.hasPrefix(error.message), "\(diagnostic)")
        #expect(result.findings.map(\.status) == [.pass], "the other folder is still checked")
        #expect(result.exitCode == ExitStatus.inputError)
    }

    @Test func theOtherFilesOfABrokenFolderAreStillEvaluated() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write("variables.tf", "variable \"p\" {\n  default = \"true\"\n")
        try folder.write(
            "main.tf",
            "resource \"alicloud_cs_managed_kubernetes\" \"k\" {\n  addons {\n    name   = \"terway-eniip\"\n"
                + "    config = jsonencode({ NetworkPolicy = var.p })\n  }\n}\n")
        let result = IaCScanner.scan(paths: [folder.path])
        #expect(result.diagnostics.count == 1)
        let finding = try #require(result.findings.first)
        #expect(finding.status == .unknown)
        #expect(finding.reason == .valueUnknown)
        #expect(finding.message.contains("var.p is not declared (or is declared in a file that could not be parsed)"))
    }

    @Test func pathsThatHoldNothingToScan() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write("package.json", "{\"name\": \"web\"}")
        try folder.write("deploy.yaml", "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Secret\n")
        try folder.write("notes.txt", "hello")
        let folderResult = IaCScanner.scan(paths: [folder.path])
        #expect(folderResult.findings.isEmpty)
        #expect(
            folderResult.diagnostics == [
                IaCDiagnostic(
                    file: folder.path, line: 0, column: 0,
                    message: "no Terraform configuration (.tf), plan (terraform show -json) or ROS template found")
            ])

        let explicit = IaCScanner.scan(paths: [
            folder.path + "/package.json", folder.path + "/notes.txt", folder.path + "/missing",
        ])
        // Found while discovering the paths first, then read.
        #expect(
            explicit.diagnostics.map(\.description) == [
                folder.path + "/notes.txt: not a Terraform file (.tf, .tfvars), a plan (.json) or a ROS template "
                    + "(.json, .yaml, .yml)",
                folder.path + "/missing: no such file or folder",
                folder.path + "/package.json: neither a Terraform plan (terraform show -json) nor a ROS template (no "
                    + "ROSTemplateFormatVersion, no ALIYUN:: resource)",
            ])
        #expect(explicit.exitCode == ExitStatus.inputError)
    }

    @Test func hiddenFoldersAndTerraformCachesAreSkipped() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write("main.tf", Self.passingCluster)
        try folder.write(".terraform/modules/old/main.tf", Self.flannelCluster)
        try folder.write(".git/x/main.tf", Self.flannelCluster)
        let result = IaCScanner.scan(paths: [folder.path])
        #expect(result.findings.map(\.clusterId) == ["alicloud_cs_managed_kubernetes.p"])
        #expect(result.filesScanned == [folder.path + "/main.tf"])
    }

    @Test func exitCodesFollowRuleMD() throws {
        func exitCode(_ files: [String: String]) throws -> Int32 {
            let folder = try TemporaryFolder(prefix: "ackguard-iac")
            defer { folder.remove() }
            try folder.write(files)
            return IaCScanner.scan(paths: [folder.path]).exitCode
        }
        let unknown = "resource \"alicloud_cs_managed_kubernetes\" \"u\" {\n  name = \"u\"\n}\n"
        #expect(try exitCode(["a.tf": Self.passingCluster]) == ExitStatus.clean)
        #expect(try exitCode(["a.tf": Self.passingCluster, "b.tf": unknown]) == ExitStatus.incomplete)
        #expect(try exitCode(["a.tf": Self.flannelCluster, "b.tf": unknown]) == ExitStatus.failures)
        #expect(try exitCode(["a.tf": Self.passingCluster, "c/b.tf": "x = "]) == ExitStatus.inputError)
    }

    @Test func twoScansGiveTheSameFindingsInReportOrder() {
        let first = Fixture.scan(["terraform", "plan", "ros"])
        let second = Fixture.scan(["ros", "plan", "terraform"])
        #expect(first.findings == second.findings)
        #expect(first.findings == AuditEngine.sorted(first.findings))
        #expect(first.findings.count == 48)
    }

    @Test func yamlAliasBombsAreRefused() throws {
        var text = "ROSTemplateFormatVersion: '2015-09-01'\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<9 {
            let previous = "*a\(level - 1)"
            text += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        text += "Resources: {}\n"
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write("bomb.yaml", text)
        let result = IaCScanner.scan(paths: [folder.path])
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.message.contains("limit maximumAliasExpansions") == true)
        #expect((result.diagnostics.first?.line ?? 0) > 0, "the refusal names the line and column")
    }
}
