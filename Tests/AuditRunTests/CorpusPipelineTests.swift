import Audit
import AuditRun
import Foundation
import Testing

/// Every folder of Tests/Corpus is one situation of RULE.md with an `expected.json`: the pipeline must give exactly
/// those findings (rule, cluster, status, reason, warning codes) and that exit status, or for a broken folder an
/// input error (exit 2) whose one line names what is wrong. In-process: no binary is spawned.
@Suite("saved-evidence corpus through the pipeline")
struct CorpusPipelineTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus")

    static var folders: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).sorted()
    }

    @Test("the corpus is there")
    func corpusExists() {
        #expect(Self.folders.count >= 20)
    }

    /// The corpus's `args` (the CLI words it was written for) as audit options.
    static func options(_ args: [String]) throws -> AuditOptions {
        var options = AuditOptions()
        var words = args[...]
        while let word = words.popFirst() {
            switch word {
            case "--strict":
                options.strict = true
            case "--rule":
                let value = words.popFirst()
                let name = try #require(value, "--rule needs a value")
                let rules = RuleID.named(name)
                options.rules = Set(try #require(rules, "unknown rule \(name)"))
            case "--exclude-namespace":
                let value = words.popFirst()
                options.excludedNamespaces.insert(try #require(value, "--exclude-namespace needs a value"))
            default:
                Issue.record("expected.json uses an argument this test does not know: \(word)")
            }
        }
        return options
    }

    @Test("corpus folder gives the expected verdicts", arguments: folders)
    func folder(_ name: String) async throws {
        let folder = Self.corpus.appendingPathComponent(name)
        let expected = try JSONValue.parse(Array(Data(contentsOf: folder.appendingPathComponent("expected.json"))))
        let args = (expected["args"]?.arrayValue ?? []).compactMap(\.stringValue)
        let run = AuditRun(
            AuditRequest(source: .saved(folder: folder.path), options: try Self.options(args), toolVersion: "test"))
        let wantedExit = Int32(try #require(expected["exitCode"]?.intValue))
        if let error = expected["errorContains"]?.stringValue {
            let failure = await #expect(throws: RunFailure.self) { try await run.run() }
            #expect(failure?.exitCode == wantedExit)
            #expect(failure?.description.contains(error) == true, "\(failure?.description ?? "")")
            #expect(failure?.description.contains("\n") == false, "one line")
            return
        }
        let outcome = try await run.run()
        #expect(outcome.exitCode == wantedExit)
        let actual = outcome.report.findings.map { finding -> JSONValue in
            [
                "rule": .string(finding.rule.rawValue), "clusterId": .string(finding.clusterId),
                "status": .string(finding.status.rawValue), "reason": .string(finding.reason.rawValue),
                "warnings": .array(finding.warnings.map(\.code.rawValue).sorted().map(JSONValue.string)),
            ]
        }
        let wanted = expected["findings"]?.arrayValue ?? []
        #expect(actual.count == wanted.count)
        for (got, want) in zip(actual, wanted) {
            #expect(got == want, "\(name): got \(got.serialized()) want \(want.serialized())")
        }
        #expect(outcome.report.source.kind == .saved)
        #expect(outcome.completenessNotes.isEmpty, "a saved folder has no listing to miss")
    }
}
