import Audit
import Foundation
import Testing

/// Live evidence names the API call it came from, saved evidence the file (issue 18).
enum LiveSources {
    static let kubernetes = [
        "GET /api/v1/namespaces/kube-system/configmaps/eni-config": "eni-config", "GET /api/v1/nodes": "nodes",
        "GET /api/v1/namespaces": "namespaces", "GET /apis/networking.k8s.io/v1/networkpolicies": "networkpolicies",
        "GET /api/v1/pods": "pods",
    ]

    /// A JSON finding with each live source, alone or inside a message, renamed to the saved-folder file
    /// `collect` writes it to.
    static func savedNames(_ finding: JSONValue) -> JSONValue {
        let id = finding["clusterId"]?.stringValue ?? ""
        func rename(_ value: JSONValue) -> JSONValue {
            switch value {
            case .string(var text):
                var names = [
                    "GET /api/v1/clusters": "clusters.json",
                    "GET /clusters/\(id)/addon_instances/terway-eniip": "addons/\(id)/terway-eniip.json",
                ]
                for (call, file) in kubernetes { names[call] = "kubernetes/\(id)/\(file).json" }
                if let name = names[text] { return .string(name) }
                for (call, name) in names {
                    text = text.replacingOccurrences(of: "(\(call))", with: "(\(name))")
                        .replacingOccurrences(of: "(\(call): ", with: "(\(name): ")
                }
                return .string(text)
            case .array(let items): return .array(items.map(rename))
            case .object(let fields): return .object(fields.mapValues(rename))
            default: return value
            }
        }
        return rename(finding)
    }
}

@Suite("evidence sources: the API call live, the file when saved")
struct LiveSourcesTests {
    @Test("a live audit names the CS and Kubernetes calls; --verbose shows them")
    func liveSourcesNameCalls() async throws {
        let result = try await CommandRunner.run(["audit", "--demo", "--format", "json", "--no-history"])
        let report = try JSONValue.parse(result.stdout)
        let text = report["findings"]?.serialized() ?? ""
        #expect(text.contains(#""source":"GET /api/v1/namespaces/kube-system/configmaps/eni-config""#))
        #expect(text.contains(#"/addon_instances/terway-eniip""#))
        #expect(text.contains(#""GET /api/v1/clusters""#))
        #expect(!text.contains("kubernetes/c"), "no saved-folder path in a live run")
        #expect(!text.contains("clusters.json"))
        let table = try await CommandRunner.run(
            ["audit", "--demo", "-v", "--no-history"], environment: ["COLUMNS": "200"])
        #expect(table.stdout.contains("GET /api/v1/namespaces/kube-system/configmaps/eni-config"))
    }
}
