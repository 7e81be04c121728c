import Audit
import Foundation
public import Prometheus
import Synchronization

/// The service's Prometheus metrics (swift-prometheus), updated after every scan:
///
/// - `ackguard_finding_status{account,region,cluster_id,cluster_name,rule,status,reason}` 1 per finding of the
///   latest scan with a report (series of findings no longer there are removed);
/// - `ackguard_findings{status}` counts by status (suppressed findings as `status="SUPPRESSED"`);
/// - `ackguard_scan_duration_seconds`, `ackguard_last_scan_timestamp_seconds`,
///   `ackguard_last_success_timestamp_seconds` (a scan with a report that saw everything), `ackguard_scan_incomplete`
///   (1 when the latest scan was cancelled, failed or could not see everything);
/// - `ackguard_api_calls_total{api,outcome}`: CS API calls (attempts, retries included) by operation and outcome:
///   `ok`, `throttled`, `error` (another error answer), `no-answer` (a timeout or a broken connection);
///   `ackguard_api_throttled_total`: the throttled ones, all operations together.
///
/// Label values are escaped by the library (backslash, quote, line feed).
public final class ServiceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let findingSeries = Mutex<[String: Gauge]>([:])
    let apiCounters = Mutex<[String: Counter]>([:])
    let findings: [String: Gauge]
    let duration: Gauge
    let lastScan: Gauge
    let lastSuccess: Gauge
    let incomplete: Gauge
    let throttled: Counter
    let scans: Counter

    static var findingStatus: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "ackguard_finding_status", unitName: "",
            helpText: "1 per finding of the latest scan, labelled by cluster, rule, status and reason.")
    }
    static var apiCalls: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "ackguard_api_calls", unitName: "total",
            helpText: "API calls made by scans, by operation (outcome is ok: runs report calls made, not answers).")
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        let countsName = MetricNameDescriptor(
            metricName: "ackguard_findings", unitName: "", helpText: "Findings of the latest scan by status.")
        var findings: [String: Gauge] = [:]
        for status in Status.allCases.map(\.rawValue) + ["SUPPRESSED"] {
            findings[status] = registry.makeGauge(descriptor: countsName, labels: [("status", status)])
        }
        self.findings = findings
        duration = registry.makeGauge(
            descriptor: .init(
                metricName: "ackguard_scan_duration", unitName: "seconds", helpText: "How long the latest scan took."))
        lastScan = registry.makeGauge(
            descriptor: .init(
                metricName: "ackguard_last_scan_timestamp", unitName: "seconds",
                helpText: "When the latest scan finished (Unix time)."))
        lastSuccess = registry.makeGauge(
            descriptor: .init(
                metricName: "ackguard_last_success_timestamp", unitName: "seconds",
                helpText: "When the latest complete scan finished (Unix time); 0 before one."))
        incomplete = registry.makeGauge(
            descriptor: .init(
                metricName: "ackguard_scan_incomplete", unitName: "",
                helpText: "1 when the latest scan was cancelled, failed or could not see every cluster."))
        throttled = registry.makeCounter(
            descriptor: .init(
                metricName: "ackguard_api_throttled", unitName: "total",
                helpText: "Throttled API answers, every operation."))
        scans = registry.makeCounter(
            descriptor: .init(metricName: "ackguard_scans", unitName: "total", helpText: "Scans finished."))
    }

    /// The metrics after `scan`.
    public func update(after scan: ScanRecord) {
        scans.increment()
        duration.set(to: scan.durationSeconds)
        lastScan.set(to: scan.finishedAt.timeIntervalSince1970)
        incomplete.set(to: scan.incomplete ? 1 : 0)
        if scan.succeeded { lastSuccess.set(to: scan.finishedAt.timeIntervalSince1970) }
        // A run without outcomes (saved evidence has none) counts its calls as answered.
        let outcomes = scan.callOutcomes.isEmpty ? scan.callCounts.mapValues { ["ok": $0] } : scan.callOutcomes
        for (api, byOutcome) in outcomes {
            for (outcome, count) in byOutcome where count > 0 {
                let key = api + "\u{0}" + outcome
                let counter = apiCounters.withLock { counters in
                    if let existing = counters[key] { return existing }
                    let made = registry.makeCounter(
                        descriptor: Self.apiCalls, labels: [("api", api), ("outcome", outcome)])
                    counters[key] = made
                    return made
                }
                counter.increment(by: Int64(count))
                if outcome == "throttled" { throttled.increment(by: Int64(count)) }
            }
        }
        // Without a report (a failed or cancelled run) the findings stay those of the last scan that had one.
        guard let report = scan.report else { return }
        let counts = scan.counts
        for status in Status.allCases { findings[status.rawValue]?.set(to: Double(counts[status] ?? 0)) }
        findings["SUPPRESSED"]?.set(to: Double(scan.suppressed))
        replaceFindingSeries(report)
    }

    /// One series per finding; series of findings gone since are unregistered.
    func replaceFindingSeries(_ report: AuditReport) {
        var fresh: [String: [(String, String)]] = [:]
        for finding in report.findings {
            let labels = Self.labels(finding, report: report)
            fresh[labels.map { "\($0.0)=\($0.1)" }.joined(separator: "\u{0}")] = labels
        }
        findingSeries.withLock { series in
            for (key, labels) in fresh where series[key] == nil {
                series[key] = registry.makeGauge(descriptor: Self.findingStatus, labels: labels)
            }
            for (key, gauge) in series where fresh[key] == nil {
                registry.unregisterGauge(gauge)
                series[key] = nil
            }
            for gauge in series.values { gauge.set(to: 1.0) }
        }
    }

    static func labels(_ finding: Finding, report: AuditReport) -> [(String, String)] {
        [
            ("account", finding.accountId ?? report.source.account ?? ""), ("region", finding.regionId),
            ("cluster_id", finding.clusterId), ("cluster_name", finding.clusterName),
            ("rule", finding.rule.rawValue),
            ("status", finding.suppression == nil ? finding.status.rawValue : "SUPPRESSED"),
            ("reason", finding.reason.rawValue),
        ]
    }

    /// The Prometheus text exposition.
    public func exposition() -> String { registry.emitToString() }
}
