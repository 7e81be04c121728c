import Audit
import Foundation
import TestSupport
import Testing

/// Issue 18 through the real binary: the format follows the --output file's name, a mismatch or a missing folder
/// is refused before anything runs, plain `ackguard` prints help, typos get a command suggestion, the table fits
/// COLUMNS and says what to do next.
@Suite("output files, help and the table at a terminal")
struct OutputAndHelpCommandTests {
    static let saved = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/saved-fleet").path

    @Test(
        "--output infers the format from the extension",
        arguments: [
            ("report.json", "\"findings\""), ("report.sarif", "\"$schema\""), ("report.xml", "<testsuites"),
            ("report.csv", "rule,status,reason,"), ("report.html", "<!DOCTYPE html>"),
            ("report.ocsf.json", "\"class_uid\""),
        ])
    func inference(_ name: String, _ marker: String) async throws {
        let directory = try TemporaryFolder(prefix: "ackguard-cli").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(name).path
        let result = try await CommandRunner.run(["audit", "--from", Self.saved, "-o", path, "--no-history"])
        #expect(result.exitCode == 1, "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(marker), "\(name)")
        #expect(!text.hasPrefix("CLUSTER"))
    }

    @Test("a format the file name contradicts, or a missing folder, is one line and exit 2 before the audit")
    func refusals() async throws {
        let mismatch = try await CommandRunner.run(["audit", "--demo", "-f", "json", "-o", "x.html", "--no-history"])
        #expect(mismatch.exitCode == 2)
        #expect(mismatch.stdout.isEmpty)
        #expect(
            mismatch.stderr == "ackguard: --format json does not match --output x.html (a .html file is html): "
                + "drop --format or rename the file\n")
        // The endpoint does not exist: reaching it would be a different error; the folder check comes first.
        let missing = try await CommandRunner.run([
            "audit", "--endpoint", "http://127.0.0.1:9", "-o", "/nonexistent-ackguard/r.json", "--no-history",
        ])
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.split(separator: "\n").count == 1)
        #expect(missing.stderr.contains("the folder /nonexistent-ackguard does not exist"))
        let fix = try await CommandRunner.run(["fix", "--demo", "-o", "plan.sarif"])
        #expect(fix.exitCode == 2)
        #expect(fix.stderr.contains("asks for sarif, which this command does not write"))
    }

    @Test("fix --output writes the plan to the file; .json means JSON")
    func fixOutput() async throws {
        let directory = try TemporaryFolder(prefix: "ackguard-cli").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("plan.json").path
        let result = try await CommandRunner.run(["fix", "--demo", "-q", "-o", path])
        #expect(result.exitCode == 1, "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        let plan = try JSONValue.parse(try String(contentsOfFile: path, encoding: .utf8))
        #expect(plan["clusters"]?.arrayValue?.isEmpty == false)
    }

    @Test("plain ackguard prints help with the commands; a typo gets the nearest command")
    func help() async throws {
        let plain = try await CommandRunner.run([])
        #expect(plain.exitCode == 0)
        #expect(plain.stdout.contains("SUBCOMMANDS:"))
        #expect(plain.stdout.contains("audit --demo"))
        let typo = try await CommandRunner.run(["colect", "--out", "x"])
        #expect(typo.exitCode == 64)
        #expect(typo.stderr.contains("did you mean 'collect'?"))
        #expect(!typo.stderr.contains("--rule"))
        let subcommandHelp = try await CommandRunner.run(["audit", "--help"])
        #expect(subcommandHelp.exitCode == 0)
        #expect(subcommandHelp.stdout.contains("--output"))
    }

    @Test("iac with only a syntax error prints nothing on stdout")
    func iacSyntaxError() async throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("InfrastructureAsCodeTests/Fixtures/terraform/syntax-error/broken").path
        let result = try await CommandRunner.run(["iac", fixture])
        #expect(result.exitCode == 2)
        #expect(result.stdout.isEmpty)
        #expect(!result.stderr.isEmpty)
    }

    @Test("the table fits COLUMNS and ends with the exit code's meaning and the next commands")
    func table() async throws {
        for columns in [80, 120, 200] {
            let result = try await CommandRunner.run(
                ["audit", "--from", Self.saved, "--no-history"], environment: ["COLUMNS": "\(columns)"])
            #expect(result.exitCode == 1)
            let lines = result.stdout.split(separator: "\n")
            // The commands to run next are never cut: they may be longer than the line.
            for line in lines where !line.contains("ackguard ") {
                #expect(line.count <= columns, "\(columns): \(line)")
            }
            #expect(result.stdout.contains("exit code 1: at least one FAIL"))
            #expect(result.stdout.contains("ackguard audit --from \(Self.saved) --no-history -v"))
            #expect(result.stdout.contains("ackguard fix"))
        }
    }
}
