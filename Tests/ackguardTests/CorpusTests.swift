import Audit
import Foundation
import Testing

/// Every folder of Tests/Corpus is one situation of RULE.md with an `expected.json`: the CLI must give exactly those
/// findings (rule, cluster, status, reason, warning codes) and that exit code.
@Suite("saved-evidence corpus through the CLI")
struct CorpusTests {
    static let corpus = CommandRunner.repositoryRoot.appendingPathComponent("Tests/Corpus")

    static var folders: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).sorted()
    }

    @Test("the corpus is there")
    func corpusExists() {
        #expect(Self.folders.count >= 20)
    }

    @Test("corpus folder gives the expected verdicts", arguments: folders)
    func folder(_ name: String) throws {
        let folder = Self.corpus.appendingPathComponent(name)
        let expected = try JSONValue.parse(Array(Data(contentsOf: folder.appendingPathComponent("expected.json"))))
        let args = (expected["args"]?.arrayValue ?? []).compactMap(\.stringValue)
        let result = try CommandRunner.run(["audit", "--from", folder.path, "--format", "json"] + args)
        #expect(result.exitCode == Int32(expected["exitCode"]!.intValue!), "stderr: \(result.stderr)")
        if let error = expected["errorContains"]?.stringValue {
            #expect(result.stdout.isEmpty, "nothing may be printed on stdout for broken input")
            #expect(result.stderr.contains(error))
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            return
        }
        let report = try JSONValue.parse(result.stdout)
        #expect(report["schemaVersion"] == 1)
        let actual = (report["findings"]?.arrayValue ?? []).map { finding -> JSONValue in
            [
                "rule": finding["rule"]!, "clusterId": finding["clusterId"]!, "status": finding["status"]!,
                "reason": finding["reason"]!,
                "warnings": .array(
                    (finding["warnings"]?.arrayValue ?? []).compactMap { $0["code"] }
                        .sorted { $0.stringValue! < $1.stringValue! }),
            ]
        }
        let wanted = expected["findings"]?.arrayValue ?? []
        #expect(actual.count == wanted.count)
        for (got, want) in zip(actual, wanted) {
            #expect(got == want, "\(name): got \(got.serialized()) want \(want.serialized())")
        }
        // The summary counts what the findings say.
        for status in Status.allCases {
            let count = actual.filter { $0["status"]?.stringValue == status.rawValue }.count
            #expect(report["summary"]?[status.rawValue]?.intValue == count)
        }
    }
}
