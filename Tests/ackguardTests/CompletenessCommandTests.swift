import Audit
import Foundation
import TestSupport
import Testing

/// Never silently incomplete or wrong, as a user (or CI) sees it: what the exit code and stderr say when the
/// endpoint is unreachable, a region does not exist, throttling never ends, the run must end on time, the server
/// pages differently, or the credentials live under `$HOME`.
@Suite("the CLI is never silently incomplete")
struct CompletenessCommandTests {
    func findings(_ json: String) async throws -> [JSONValue] {
        try JSONValue.parse(json)["findings"]?.arrayValue ?? []
    }

    static let demoKey = [
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "ackguard-demo-key", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "ackguard-demo-secret",
    ]

    /// The single stderr line of an operational error: `ackguard: <what> (<where>): <why>`.
    func expectOneLineError(_ result: CommandResult, what: String, mentions: [String]) {
        #expect(result.exitCode == 2, "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "one line: \(result.stderr)")
        #expect(result.stderr.hasPrefix("ackguard: \(what) ("), "\(result.stderr)")
        for text in mentions { #expect(result.stderr.contains(text), "\(text) in \(result.stderr)") }
    }

    @Test("an unreachable endpoint exits 2 (not 1), in one line naming the endpoint and the attempts, in bounded time")
    func unreachableEndpoint() async throws {
        for command in ["audit", "collect"] {
            var arguments = [command, "--endpoint", "http://127.0.0.1:9", "--no-history", "-q"]
            if command == "collect" {
                let out = try TemporaryFolder(prefix: "ackguard-cli").url
                defer { try? FileManager.default.removeItem(at: out) }
                arguments = [
                    command, "--out", out.appendingPathComponent("evidence").path, "--endpoint",
                    "http://127.0.0.1:9", "-q",
                ]
            }
            let result = try await CommandRunner.run(arguments, environment: Self.demoKey)
            expectOneLineError(
                result, what: "cannot reach the CS API", mentions: ["DescribeRegions", "http://127.0.0.1:9", "attempt"])
        }
    }

    @Test("--region that the account does not have: exit 2 listing the valid ids; a malformed one: exit 64")
    func unknownRegion() async throws {
        let emulator = try EmulatorProcess()
        defer { emulator.stop() }
        let result = try await CommandRunner.run(
            ["audit", "--endpoint", emulator.endpoint, "--region", "xx-nowhere-1", "--no-history"],
            environment: emulator.credentials)
        expectOneLineError(result, what: "unknown region", mentions: ["xx-nowhere-1", "cn-hangzhou"])
        let malformed = try await CommandRunner.run(
            ["audit", "--endpoint", emulator.endpoint, "--region", "../cn-hangzhou", "--no-history"],
            environment: emulator.credentials)
        #expect(malformed.exitCode == 64)
        #expect(malformed.stderr.contains("region_id"))
    }

    @Test("throttled on every call: exit 2 within the call budget, saying it kept throttling")
    func endlessThrottling() async throws {
        let emulator = try EmulatorProcess(["--throttle-fraction", "1"])
        defer { emulator.stop() }
        let started = Date()
        let result = try await CommandRunner.run(
            ["audit", "--endpoint", emulator.endpoint, "--call-budget", "3", "--no-history", "-q"],
            environment: emulator.credentials)
        #expect(Date().timeIntervalSince(started) < 60, "bounded by --call-budget, not by the throttling")
        #expect(result.exitCode == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("ackguard: the CS API"))
        #expect(result.stderr.contains("DescribeRegions"))
        #expect(result.stderr.contains("Throttling"))
    }

    @Test("$HOME is where credentials, the aliyun config and the history are found (not the passwd entry)")
    func homeFromEnvironment() async throws {
        let emulator = try EmulatorProcess()
        defer { emulator.stop() }
        let home = try TemporaryFolder(prefix: "ackguard-cli").url
        defer { try? FileManager.default.removeItem(at: home) }
        let noKeys = [
            "HOME": home.path, "ALIBABA_CLOUD_ACCESS_KEY_ID": "", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "",
            "XDG_DATA_HOME": "", "ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "",
        ]
        // 1. ~/.alibabacloud/credentials
        let credentials = home.appendingPathComponent(".alibabacloud/credentials")
        try FileManager.default.createDirectory(
            at: credentials.deletingLastPathComponent(), withIntermediateDirectories: true)
        try """
        [default]
        type = access_key
        access_key_id = ackguard-demo-key
        access_key_secret = ackguard-demo-secret
        """.write(to: credentials, atomically: true, encoding: .utf8)
        let fromFile = try await CommandRunner.run(
            ["audit", "--endpoint", emulator.endpoint, "-q", "--region", "cn-hangzhou"], environment: noKeys)
        #expect([0, 1, 3].contains(fromFile.exitCode), "stderr: \(fromFile.stderr)")
        // The history went to $HOME/.local/share, since XDG_DATA_HOME is unset.
        #expect(
            FileManager.default.fileExists(
                atPath: home.appendingPathComponent(".local/share/ackguard/history.sqlite").path))
        try FileManager.default.removeItem(at: credentials)

        // 2. ~/.aliyun/config.json
        let config = home.appendingPathComponent(".aliyun/config.json")
        try FileManager.default.createDirectory(
            at: config.deletingLastPathComponent(), withIntermediateDirectories: true)
        try """
        {"current": "ci", "profiles": [{"name": "ci", "mode": "AK", "access_key_id": "ackguard-demo-key",
          "access_key_secret": "ackguard-demo-secret", "region_id": "cn-hangzhou"}]}
        """.write(to: config, atomically: true, encoding: .utf8)
        let fromCLI = try await CommandRunner.run(
            ["audit", "--endpoint", emulator.endpoint, "-q", "--no-history", "--region", "cn-hangzhou"],
            environment: noKeys)
        #expect([0, 1, 3].contains(fromCLI.exitCode), "stderr: \(fromCLI.stderr)")
        try FileManager.default.removeItem(at: config)

        // 3. Nothing under $HOME: the sources tried name $HOME's files.
        let none = try await CommandRunner.run(
            ["audit", "--endpoint", emulator.endpoint, "-q", "--no-history"], environment: noKeys)
        #expect(none.exitCode == 2)
        #expect(none.stderr.contains(home.path))
    }

    @Test("$HOME is where fix keeps its rollback files when XDG_STATE_HOME is unset")
    func rollbackUnderHome() async throws {
        let home = try TemporaryFolder(prefix: "ackguard-cli").url
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try await CommandRunner.run(
            ["fix", "--demo", "--apply", "--yes", "-q"], environment: ["HOME": home.path, "XDG_STATE_HOME": ""])
        #expect(result.exitCode != 2, "stderr: \(result.stderr)")
        let folder = home.appendingPathComponent(".local/state/ackguard/rollback")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        #expect(!files.isEmpty, "no rollback file under $HOME/.local/state: \(result.stderr)")
    }

    @Test("audit --history that can never hold a database is refused before any API call, creating nothing")
    func unusableHistory() async throws {
        let directory = try TemporaryFolder(prefix: "ackguard-cli").url
        defer { try? FileManager.default.removeItem(at: directory) }
        for path in ["/dev/null", directory.path, directory.appendingPathComponent("missing/history.sqlite").path] {
            let result = try await CommandRunner.run(["audit", "--endpoint", "http://127.0.0.1:9", "--history", path])
            expectOneLineError(result, what: "unusable history database", mentions: ["--history", path])
        }
        #expect(!FileManager.default.fileExists(atPath: "/dev/null-journal"))
        #expect(!FileManager.default.fileExists(atPath: "/dev/null-wal"))
    }
}
