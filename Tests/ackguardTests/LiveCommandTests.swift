import Audit
import Foundation
import TestSupport
import Testing

@Suite("live audits, collect, suppressions and history through the CLI")
struct LiveCommandTests {
    func findings(_ json: String) async throws -> [JSONValue] {
        try JSONValue.parse(json)["findings"]?.arrayValue ?? []
    }

    @Test("audit --demo audits the in-process emulator through the real client")
    func demo() async throws {
        let result = try await CommandRunner.run(["audit", "--demo", "--format", "json", "--no-history"])
        #expect(result.exitCode == 1, "stderr: \(result.stderr)")
        let report = try JSONValue.parse(result.stdout)
        #expect(report["source"]?["kind"] == "emulator")
        #expect((report["findings"]?.arrayValue?.count ?? 0) >= 20)
        #expect(report["source"]?["regions"]?.arrayValue?.isEmpty == false)
    }

    @Test("collect --out then audit --from gives the same findings as the live audit")
    func collectThenAuditFrom() async throws {
        let directory = try TemporaryFolder(prefix: "ackguard-cli").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = directory.appendingPathComponent("evidence").path
        let collected = try await CommandRunner.run(["collect", "--demo", "--coverage", "--out", folder, "--quiet"])
        #expect(collected.exitCode == 0, "stderr: \(collected.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/clusters.json"))
        let saved = try await CommandRunner.run(["audit", "--from", folder, "--rule", "all", "--format", "json"])
        let live = try await CommandRunner.run(["audit", "--demo", "--rule", "all", "--format", "json"])
        #expect(saved.exitCode == live.exitCode)
        // Live evidence names the API call, saved evidence the file: the one difference (issue 18).
        #expect(try await findings(saved.stdout) == findings(live.stdout).map(LiveSources.savedNames))
        // No kubeconfig and no secret is ever written.
        let files = FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []
        for file in files where file.hasSuffix(".json") {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            #expect(!text.contains("client-key-data"))
            #expect(!text.contains("ackguard-demo-secret"))
        }
        // A second collect into the same folder refuses: nothing is overwritten.
        let again = try await CommandRunner.run(["collect", "--demo", "--out", folder, "--quiet"])
        #expect(again.exitCode == 2)
        #expect(again.stderr.contains("already exists"))
    }

    @Test("audit --endpoint with credentials from the environment reaches a separately started emulator")
    func endpointAndEnvironmentCredentials() async throws {
        let emulator = try EmulatorProcess()
        defer { emulator.stop() }
        let result = try await CommandRunner.run(
            ["audit", "--endpoint", emulator.endpoint, "--region", "cn-hangzhou", "--format", "json", "--no-history"],
            environment: emulator.credentials)
        #expect([0, 1, 3].contains(result.exitCode), "stderr: \(result.stderr)")
        let all = try await findings(result.stdout)
        #expect(!all.isEmpty)
        #expect(all.allSatisfy { $0["regionId"] == "cn-hangzhou" })
        // A wrong secret is refused by the emulator's signature check: an input error, and no secret printed.
        var wrong = emulator.credentials
        wrong["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = "not-the-secret-1234"
        let refused = try await CommandRunner.run(
            ["audit", "--endpoint", emulator.endpoint, "--no-history"], environment: wrong)
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("SignatureDoesNotMatch"))
        #expect(!refused.stderr.contains("not-the-secret-1234"))
        #expect(refused.stdout.isEmpty)
    }

    @Test("--role-arn audits each account by AssumeRole (the emulator's STS) and findings carry the account id")
    func roleArns() async throws {
        let result = try await CommandRunner.run([
            "audit", "--demo", "--no-history", "--format", "json",
            "--role-arn", "acs:ram::1111111111111111:role/auditor",
            "--role-arn", "acs:ram::2222222222222222:role/auditor",
        ])
        #expect(result.exitCode == 1, "stderr: \(result.stderr)")
        let all = try await findings(result.stdout)
        let accounts = Set(all.compactMap { $0["accountId"]?.stringValue })
        #expect(accounts == ["1111111111111111", "2222222222222222"])
        let single = try await findings(
            try await CommandRunner.run(["audit", "--demo", "--no-history", "--format", "json"]).stdout)
        #expect(all.count == 2 * single.count)
        let bad = try await CommandRunner.run(["audit", "--demo", "--role-arn", "arn:aws:iam::1:role/x"])
        #expect(bad.exitCode == 64)
    }

    /// With the metadata service allowed (an empty `ALIBABA_CLOUD_ECS_METADATA_DISABLED`), the chain still never
    /// probes it in a test run: ACKGUARD_NO_METADATA_PROBE stops it and says so.
    @Test(
        "no credentials anywhere: exit 2 with the sources tried; a test run never probes the ECS metadata service",
        arguments: [
            ("true", "no Alibaba Cloud credentials found"),
            ("", "100.100.100.200 not contacted: ACKGUARD_NO_METADATA_PROBE is set"),
        ])
    func noCredentials(metadataDisabled: String, expected: String) async throws {
        try await withTemporaryFolder(prefix: "ackguard-cli") { home in
            let result = try await CommandRunner.run(
                ["audit", "--endpoint", "http://127.0.0.1:9", "--no-history"],
                environment: [
                    "HOME": home.path, "ALIBABA_CLOUD_ACCESS_KEY_ID": "", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "",
                    "ALIBABA_CLOUD_ECS_METADATA_DISABLED": metadataDisabled,
                ])
            #expect(result.exitCode == 2)
            #expect(result.stderr.contains(expected), "\(result.stderr)")
        }
    }

    @Test("history stores every audit; diff shows what changed between two scans of the same scope")
    func historyAndDiff() async throws {
        let directory = try TemporaryFolder(prefix: "ackguard-cli").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let history = directory.appendingPathComponent("history.sqlite").path
        let first = try EmulatorProcess()
        let before = try await CommandRunner.run(
            ["audit", "--endpoint", first.endpoint, "--history", history, "--format", "json"],
            environment: first.credentials)
        first.stop()
        let target = try #require(
            try await findings(before.stdout).first { $0["reason"] == "configmap-policy-enabled" }?["clusterId"]?
                .stringValue)
        let vanishing = try #require(
            try await findings(before.stdout).first { $0["reason"] == "plugin-flannel" }?["clusterId"]?.stringValue)
        // The same account later: one cluster's Kubernetes API forbids us, one cluster is gone.
        let second = try EmulatorProcess(["--kubernetes-fault", "\(target):forbidden", "--disappear", "\(vanishing):0"])
        _ = try await CommandRunner.run(
            ["audit", "--endpoint", second.endpoint, "--history", history], environment: second.credentials)
        second.stop()

        let list = try await CommandRunner.run(["history", "--history", history, "--format", "json"])
        #expect(list.exitCode == 0, "stderr: \(list.stderr)")
        #expect(try JSONValue.parse(list.stdout).arrayValue?.count == 2 || list.stdout.contains("\"scans\""))
        let diff = try await CommandRunner.run(["diff", "--history", history, "--format", "json"])
        #expect(diff.exitCode == 0, "stderr: \(diff.stderr)")
        #expect(diff.stdout.contains(target))
        #expect(diff.stdout.contains(vanishing))
        let table = try await CommandRunner.run(["diff", "--history", history])
        #expect(table.stdout.lowercased().contains("vanished"))
    }
}
