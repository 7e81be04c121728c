import Audit
import Testing

@testable import InfrastructureAsCode

/// One expected verdict: which cluster, what status and reason, and where in which file.
struct Expectation: Sendable, CustomTestStringConvertible {
    var clusterId: String
    var status: Status
    var reason: ReasonCode
    /// Relative to the fixture root.
    var file: String
    var line: Int
    var column: Int

    init(_ clusterId: String, _ status: Status, _ reason: ReasonCode, _ file: String, _ line: Int, _ column: Int) {
        self.clusterId = clusterId
        self.status = status
        self.reason = reason
        self.file = file
        self.line = line
        self.column = column
    }

    var testDescription: String { "\(clusterId) → \(status.rawValue) \(reason.rawValue) at \(file):\(line):\(column)" }

    /// Checks the finding for `clusterId` in `result`; `root` is where `file` is relative to.
    func check(
        in result: IaCScanResult, root: String = Fixture.root, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let matches = result.findings.filter { $0.clusterId == clusterId }
        #expect(
            matches.count == 1, "one finding for \(clusterId), got \(matches.count)", sourceLocation: sourceLocation)
        guard let finding = matches.first else { return }
        #expect(finding.status == status, "\(clusterId): \(finding.message)", sourceLocation: sourceLocation)
        #expect(finding.reason == reason, "\(clusterId): \(finding.message)", sourceLocation: sourceLocation)
        #expect(finding.rule == .networkPolicySupport, sourceLocation: sourceLocation)
        #expect(
            finding.location == Audit.SourceLocation(file: root + "/" + file, line: line, column: column),
            "\(clusterId) points at \(String(describing: finding.location))", sourceLocation: sourceLocation)
    }
}
