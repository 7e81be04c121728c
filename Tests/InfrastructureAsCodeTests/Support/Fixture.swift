import Audit
import Foundation

@testable import InfrastructureAsCode

/// Paths into the fixture corpus, found next to this file (the corpus is not a declared resource).
enum Fixture {
    static let root: String = {
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures").path
    }()

    static func path(_ relative: String) -> String { root + "/" + relative }

    static func scan(_ relative: [String], variableFiles: [String] = [], variables: [String: String] = [:])
        -> IaCScanResult
    {
        IaCScanner.scan(
            paths: relative.map(path), variableFiles: variableFiles.map(path), variables: variables)
    }

    /// The finding for a cluster (resource address or ROS logical id).
    static func finding(_ result: IaCScanResult, _ clusterId: String) -> Finding? {
        result.findings.first { $0.clusterId == clusterId }
    }
}
