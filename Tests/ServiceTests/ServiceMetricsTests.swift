import Audit
import Foundation
import Service
import Testing

@Suite("serve: API call metrics")
struct ServiceMetricsTests {
    @Test("api_calls_total counts every outcome of a scan's calls; api_throttled_total the throttled ones")
    func callOutcomes() {
        let metrics = ServiceMetrics()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let outcomes = [
            "GetClusterAddonInstance": ["ok": 40, "throttled": 7, "no-answer": 1],
            "DescribeClustersV1": ["ok": 20, "error": 2],
        ]
        metrics.update(
            after: ScanRecord(
                id: 1, startedAt: start, finishedAt: start, report: DashboardTests.report(.pass),
                callCounts: ["GetClusterAddonInstance": 48, "DescribeClustersV1": 22], callOutcomes: outcomes))
        let text = metrics.exposition()
        let expected = [
            #"ackguard_api_calls_total{api="GetClusterAddonInstance",outcome="ok"} 40"#,
            #"ackguard_api_calls_total{api="GetClusterAddonInstance",outcome="throttled"} 7"#,
            #"ackguard_api_calls_total{api="GetClusterAddonInstance",outcome="no-answer"} 1"#,
            #"ackguard_api_calls_total{api="DescribeClustersV1",outcome="ok"} 20"#,
            #"ackguard_api_calls_total{api="DescribeClustersV1",outcome="error"} 2"#,
            "ackguard_api_throttled_total 7",
        ]
        let lines = Set(text.split(separator: "\n").map(String.init))
        for line in expected { #expect(lines.contains(line), "\(line) in\n\(text)") }

        // A second scan adds to the counters.
        metrics.update(
            after: ScanRecord(
                id: 2, startedAt: start, finishedAt: start, report: DashboardTests.report(.pass),
                callOutcomes: ["GetClusterAddonInstance": ["throttled": 3]]))
        let after = Set(metrics.exposition().split(separator: "\n").map(String.init))
        #expect(after.contains(#"ackguard_api_calls_total{api="GetClusterAddonInstance",outcome="throttled"} 10"#))
        #expect(after.contains("ackguard_api_throttled_total 10"))
    }
}
