import Audit
import Foundation
import Reports

/// `GET /`: one self-contained HTML page, readable without JavaScript and loading nothing (a Content-Security-Policy
/// forbids scripts and every external asset): what the service does and the latest scan's state, an inline SVG trend
/// of the FAIL and UNKNOWN counts, what changed since the scan before, then the HTML report of the latest scan with a
/// report — the same sections as `audit --format html`, from ``HTMLReportRenderer``, one level down and without its
/// sorting script. One document head and one stylesheet (the report's, and the few rules the dashboard adds). Every
/// value from a scan (cluster names are hostile) is escaped by ``ReportText/html(_:)``.
public enum Dashboard {
    /// No script, no image, no font, no connection: only the inline stylesheet.
    static let policy = "default-src 'none'; style-src 'unsafe-inline'"

    public static func render(_ snapshot: ScanHistory.Snapshot, schedule: Schedule, refreshSeconds: Int = 60)
        -> String
    {
        let refresh = max(5, refreshSeconds)
        var body = """
            <header id="service">
            <h1>ackguard serve</h1>
            <p>Scans \(ReportText.html(schedule.description)); the first at start-up. This page reloads every \
            \(refresh) s.</p>
            </header>

            """
        body += latest(snapshot.latest)
        body += trend(snapshot.trend)
        body += changes(snapshot.diff)
        body += report(snapshot.diff?.new, latest: snapshot.latest)
        return HTMLReportRenderer.document(
            title: title(snapshot), contentSecurityPolicy: policy,
            head: ["<meta http-equiv=\"refresh\" content=\"\(refresh)\">"],
            style: HTMLReportRenderer.stylesheet + "\n" + style, body: body)
    }

    static func title(_ snapshot: ScanHistory.Snapshot) -> String {
        guard let latest = snapshot.latest else { return "ackguard serve: first scan in progress" }
        let counts = latest.counts
        return "ackguard serve: scan \(latest.id), \(counts[.fail] ?? 0) FAIL, \(counts[.unknown] ?? 0) UNKNOWN"
            + (latest.incomplete ? " (incomplete)" : "")
    }

    /// The latest scan: when, how long, and whether it saw everything (its counts are in the report below).
    static func latest(_ scan: ScanRecord?) -> String {
        var html =
            "<section id=\"latest\" aria-labelledby=\"latest-title\">\n<h2 id=\"latest-title\">Latest scan</h2>\n"
        guard let scan else { return html + "<p>The first scan is in progress.</p>\n</section>\n" }
        html += "<dl class=\"facts\">\n"
        html += fact("Scan", "\(scan.id)")
        html += fact("Finished", ServiceRoutes.rfc3339(scan.finishedAt))
        html += fact("Duration", String(format: "%.1f s", scan.durationSeconds))
        let counts = scan.counts
        html += fact("FAIL", "\(counts[.fail] ?? 0)")
        html += fact("UNKNOWN", "\(counts[.unknown] ?? 0)")
        html += "</dl>\n"
        if scan.cancelled {
            html += "<p class=\"warning\" id=\"incomplete\">This scan was cancelled (shutdown): incomplete.</p>\n"
        } else if let failure = scan.failure {
            html += "<p class=\"warning\" id=\"incomplete\">This scan failed: \(ReportText.html(failure))</p>\n"
        } else if !scan.completenessNotes.isEmpty {
            html += "<p class=\"warning\" id=\"incomplete\">This scan is incomplete:</p>\n<ul>\n"
            for note in scan.completenessNotes.prefix(20) { html += "<li>\(ReportText.html(note))</li>\n" }
            if scan.completenessNotes.count > 20 {
                html += "<li>… and \(scan.completenessNotes.count - 20) more (GET /api/scans)</li>\n"
            }
            html += "</ul>\n"
        }
        for warning in scan.warnings.prefix(5) { html += "<p class=\"warning\">\(ReportText.html(warning))</p>\n" }
        return html + "</section>\n"
    }

    static func fact(_ name: String, _ value: String) -> String {
        "<div><dt>\(name)</dt><dd>\(ReportText.html(value))</dd></div>\n"
    }

    /// FAIL and UNKNOWN counts per scan, oldest left; scans without a report are left out.
    static func trend(_ points: [TrendPoint]) -> String {
        var html = "<section id=\"trend\" aria-labelledby=\"trend-title\">\n<h2 id=\"trend-title\">Trend</h2>\n"
        let shown = points.filter(\.hasReport).suffix(200)
        guard let latest = shown.last else { return html + "<p>No scan has finished yet.</p>\n</section>\n" }
        let width = 720
        let height = 200
        let left = 40
        let top = 24
        let plotWidth = width - left - 16
        let plotHeight = height - top - 24
        let maximum = max(1, shown.map { max($0.counts[.fail] ?? 0, $0.counts[.unknown] ?? 0) }.max() ?? 1)
        let step = shown.count > 1 ? Double(plotWidth) / Double(shown.count - 1) : 0
        func point(_ index: Int, _ value: Int) -> (x: String, y: String) {
            let x = Double(left) + step * Double(index)
            let y = Double(top + plotHeight) - Double(plotHeight) * Double(value) / Double(maximum)
            return (String(format: "%.1f", x), String(format: "%.1f", y))
        }
        let label =
            "FAIL and UNKNOWN over the last \(shown.count) scan(s); latest: \(latest.counts[.fail] ?? 0) FAIL, "
            + "\(latest.counts[.unknown] ?? 0) UNKNOWN"
        html +=
            "<svg class=\"trend\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" "
            + "height=\"\(height)\" aria-label=\"\(ReportText.html(label))\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        html += "<title>\(ReportText.html(label))</title>\n"
        html +=
            "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(width - 16)\" y2=\"\(top + plotHeight)\" "
            + "stroke=\"#999\"/>\n<text x=\"4\" y=\"\(top + 4)\" class=\"axis\">\(maximum)</text>"
            + "<text x=\"4\" y=\"\(top + plotHeight)\" class=\"axis\">0</text>\n"
        for (status, color) in [(Status.fail, "#c62828"), (Status.unknown, "#e65100")] {
            let values = shown.enumerated().map { point($0.offset, $0.element.counts[status] ?? 0) }
            html +=
                "<polyline id=\"trend-\(status.rawValue)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" "
                + "points=\"\(values.map { "\($0.x),\($0.y)" }.joined(separator: " "))\"/>\n"
            if let only = values.first, values.count == 1 {
                html += "<circle cx=\"\(only.x)\" cy=\"\(only.y)\" r=\"3\" fill=\"\(color)\"/>\n"
            }
        }
        html +=
            "<rect x=\"\(left)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#c62828\"/>"
            + "<text x=\"\(left + 16)\" y=\"15\" class=\"axis\">FAIL</text>"
            + "<rect x=\"\(left + 70)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#e65100\"/>"
            + "<text x=\"\(left + 86)\" y=\"15\" class=\"axis\">UNKNOWN</text>\n"
        // The time axis: the first and the last scan shown, by id and finish time (UTC).
        let first = shown.first ?? latest
        let bottom = top + plotHeight + 16
        html +=
            "<text x=\"\(left)\" y=\"\(bottom)\" class=\"axis\" id=\"trend-from\">scan \(first.scanId), "
            + "\(ServiceRoutes.rfc3339(first.time))</text>"
        if shown.count > 1 {
            html +=
                "<text x=\"\(width - 16)\" y=\"\(bottom)\" text-anchor=\"end\" class=\"axis\" id=\"trend-to\">"
                + "scan \(latest.scanId), \(ServiceRoutes.rfc3339(latest.time))</text>"
        }
        html += "\n</svg>\n"
        return html + "</section>\n"
    }

    static func changes(_ diff: ScanDiff?) -> String {
        var html =
            "<section id=\"changes\" aria-labelledby=\"changes-title\">\n"
            + "<h2 id=\"changes-title\">Changed since the previous scan</h2>\n"
        guard let diff, let old = diff.old else {
            return html + "<p>Nothing to compare yet: this is the first scan with a report.</p>\n</section>\n"
        }
        html += "<p>Scan \(diff.new.id) against scan \(old.id).</p>\n"
        guard !diff.changes.isEmpty else { return html + "<p>No cluster changed status.</p>\n</section>\n" }
        html += "<table id=\"changes-table\">\n<thead><tr><th scope=\"col\">Change</th><th scope=\"col\">Cluster</th>"
        html += "<th scope=\"col\">Region</th><th scope=\"col\">Account</th><th scope=\"col\">Rule</th>"
        html += "<th scope=\"col\">Before</th><th scope=\"col\">Now</th><th scope=\"col\">Reason</th></tr></thead>\n"
        html += "<tbody>\n"
        for change in diff.changes.prefix(1000) {
            let cluster =
                change.clusterName.isEmpty || change.clusterName == change.clusterId
                ? change.clusterId : "\(change.clusterName) (\(change.clusterId))"
            html += "<tr class=\"\(change.kind.rawValue)\">"
            html += "<td><span class=\"badge change-\(change.kind.rawValue)\">\(change.kind.rawValue)</span></td>"
            html += "<td>\(ReportText.html(cluster))</td><td class=\"nowrap\">\(ReportText.html(change.regionId))</td>"
            html += "<td>\(ReportText.html(change.accountId ?? ""))</td><td>\(change.rule.rawValue)</td>"
            html += "<td>\(badge(change.oldStatus))</td><td>\(badge(change.newStatus))</td>"
            html += "<td><code>\(change.reason?.rawValue ?? "")</code></td></tr>\n"
        }
        if diff.changes.count > 1000 {
            html += "<tr><td colspan=\"8\">… and \(diff.changes.count - 1000) more (GET /api/diff)</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static func badge(_ status: Status?) -> String {
        guard let status else { return "(absent)" }
        return "<span class=\"badge status-\(status.rawValue)\">\(status.rawValue)</span>"
    }

    /// The HTML report of `scan` (the latest with a report), its headings one level below the dashboard's.
    static func report(_ scan: ScanRecord?, latest: ScanRecord?) -> String {
        var html = "<div id=\"report\">\n"
        guard let scan, let report = scan.report else {
            return html + "<p>No report yet: the first scan with one will show here.</p>\n</div>\n"
        }
        var title = "Report of scan \(scan.id)"
        if let latest, latest.id != scan.id { title += " (scan \(latest.id) has no report)" }
        html += HTMLReportRenderer().sections(report, headingOffset: 1, title: title, sortable: false).all
        return html + "</div>\n"
    }

    /// What the dashboard adds to the report's stylesheet.
    static let style = """
        header#service p { margin: 4px 0 0; color: #444; }
        #report > header { margin-top: 28px; }
        .warning { color: #e65100; font-weight: 600; }
        svg.trend { max-width: 100%; height: auto; }
        svg .axis { font-size: 11px; fill: #555; }
        .change-new-fail { background: #c62828; }
        .change-new-unknown { background: #e65100; }
        .change-fixed { background: #2e7d32; }
        .change-changed { background: #757575; }
        """
}
