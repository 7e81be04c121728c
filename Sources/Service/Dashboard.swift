import Audit
import Foundation
import Reports

/// `GET /`: one self-contained HTML page, readable without JavaScript and loading nothing (a Content-Security-Policy
/// forbids it): the latest scan's status table, what changed since the scan before, and an inline SVG trend of the
/// FAIL and UNKNOWN counts. Every value from a scan (cluster names are hostile) is escaped by ``ReportText/html(_:)``.
public enum Dashboard {
    public static func render(_ snapshot: ScanHistory.Snapshot, schedule: Schedule, refreshSeconds: Int = 60)
        -> String
    {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta http-equiv="refresh" content="\(max(5, refreshSeconds))">
            <title>\(ReportText.html(title(snapshot)))</title>
            <style>
            \(style)
            </style>
            </head>
            <body>
            <header><h1>ackguard serve</h1>
            <p>Scans \(ReportText.html(schedule.description)); the first at start-up. This page reloads every \
            \(max(5, refreshSeconds)) s.</p></header>

            """
        html += latest(snapshot.latest)
        html += trend(snapshot.trend)
        html += changes(snapshot.diff)
        html += statusTable(snapshot.diff?.new)
        html += "</body>\n</html>\n"
        return html
    }

    static func title(_ snapshot: ScanHistory.Snapshot) -> String {
        guard let latest = snapshot.latest else { return "ackguard serve: first scan in progress" }
        let counts = latest.counts
        return "ackguard serve: scan \(latest.id), \(counts[.fail] ?? 0) FAIL, \(counts[.unknown] ?? 0) UNKNOWN"
            + (latest.incomplete ? " (incomplete)" : "")
    }

    static func latest(_ scan: ScanRecord?) -> String {
        var html =
            "<section id=\"latest\" aria-labelledby=\"latest-title\">\n<h2 id=\"latest-title\">Latest scan</h2>\n"
        guard let scan else { return html + "<p>The first scan is in progress.</p>\n</section>\n" }
        html += "<dl class=\"facts\">\n"
        html += fact("Scan", "\(scan.id)")
        html += fact("Finished", Timestamp.rfc3339(epochSeconds: Int64(scan.finishedAt.timeIntervalSince1970)))
        html += fact("Duration", String(format: "%.1f s", scan.durationSeconds))
        if let report = scan.report {
            html += fact("Source", report.source.kind.rawValue)
            if !report.source.regions.isEmpty { html += fact("Regions", report.source.regions.joined(separator: ", ")) }
        }
        html += "</dl>\n<ul class=\"cards\">\n"
        let counts = scan.counts
        for status in Status.allCases.sorted() {
            html +=
                "<li class=\"card \(status.rawValue)\"><span class=\"count\" id=\"count-\(status.rawValue)\">"
                + "\(counts[status] ?? 0)</span> \(status.rawValue)</li>\n"
        }
        html += "</ul>\n"
        if scan.cancelled {
            html += "<p class=\"warning\" id=\"incomplete\">This scan was cancelled (shutdown): incomplete.</p>\n"
        } else if let failure = scan.failure {
            html += "<p class=\"warning\" id=\"incomplete\">This scan failed: \(ReportText.html(failure))</p>\n"
        } else if !scan.completenessNotes.isEmpty {
            html += "<p class=\"warning\" id=\"incomplete\">This scan is incomplete:</p>\n<ul>\n"
            for note in scan.completenessNotes.prefix(20) { html += "<li>\(ReportText.html(note))</li>\n" }
            html += "</ul>\n"
        }
        return html + "</section>\n"
    }

    static func fact(_ name: String, _ value: String) -> String {
        "<div><dt>\(name)</dt><dd>\(ReportText.html(value))</dd></div>\n"
    }

    /// FAIL and UNKNOWN counts per scan, oldest left; scans without a report are gaps.
    static func trend(_ points: [TrendPoint]) -> String {
        var html = "<section id=\"trend\" aria-labelledby=\"trend-title\">\n<h2 id=\"trend-title\">Trend</h2>\n"
        let shown = points.filter(\.hasReport).suffix(200)
        guard !shown.isEmpty else { return html + "<p>No scan has finished yet.</p>\n</section>\n" }
        let width = 720
        let height = 200
        let left = 40
        let top = 24
        let plotWidth = width - left - 16
        let plotHeight = height - top - 24
        let maximum = max(1, shown.map { max($0.counts[.fail] ?? 0, $0.counts[.unknown] ?? 0) }.max() ?? 1)
        let step = shown.count > 1 ? Double(plotWidth) / Double(shown.count - 1) : 0
        func point(_ index: Int, _ value: Int) -> String {
            let x = Double(left) + step * Double(index)
            let y = Double(top + plotHeight) - Double(plotHeight) * Double(value) / Double(maximum)
            return String(format: "%.1f,%.1f", x, y)
        }
        let latest = shown.last!
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
                + "points=\"\(values.joined(separator: " "))\"/>\n"
            if shown.count == 1 {
                let xy = values[0].split(separator: ",")
                html += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(color)\"/>\n"
            }
        }
        html +=
            "<rect x=\"\(left)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#c62828\"/>"
            + "<text x=\"\(left + 16)\" y=\"15\" class=\"axis\">FAIL</text>"
            + "<rect x=\"\(left + 70)\" y=\"4\" width=\"12\" height=\"12\" fill=\"#e65100\"/>"
            + "<text x=\"\(left + 86)\" y=\"15\" class=\"axis\">UNKNOWN</text>\n</svg>\n"
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
        html += "<table id=\"changes-table\">\n<thead><tr><th>Change</th><th>Cluster</th><th>Cluster id</th>"
        html += "<th>Region</th><th>Rule</th><th>Before</th><th>Now</th><th>Reason</th></tr></thead>\n<tbody>\n"
        for change in diff.changes.prefix(1000) {
            html += "<tr class=\"\(change.kind.rawValue)\"><td>\(change.kind.rawValue)</td>"
            html += "<td>\(ReportText.html(change.clusterName))</td><td>\(ReportText.html(change.clusterId))</td>"
            html += "<td>\(ReportText.html(change.regionId))</td><td>\(change.rule.rawValue)</td>"
            html += "<td>\(change.oldStatus?.rawValue ?? "(absent)")</td>"
            html += "<td>\(change.newStatus?.rawValue ?? "(absent)")</td>"
            html += "<td>\(change.reason?.rawValue ?? "")</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static func statusTable(_ scan: ScanRecord?) -> String {
        var html =
            "<section id=\"status\" aria-labelledby=\"status-title\">\n<h2 id=\"status-title\">Clusters</h2>\n"
        guard let scan, let report = scan.report else { return html + "<p>No report yet.</p>\n</section>\n" }
        html += "<p>From scan \(scan.id), \(report.findings.count) finding(s).</p>\n"
        html += "<table id=\"status-table\">\n<thead><tr><th>Status</th><th>Cluster</th><th>Cluster id</th>"
        html += "<th>Region</th><th>Account</th><th>Rule</th><th>Reason</th><th>Message</th></tr></thead>\n<tbody>\n"
        for finding in report.findings {
            let status = finding.suppression == nil ? finding.status.rawValue : "SUPPRESSED"
            html += "<tr class=\"\(status)\"><td>\(status)</td><td>\(ReportText.html(finding.clusterName))</td>"
            html += "<td>\(ReportText.html(finding.clusterId))</td><td>\(ReportText.html(finding.regionId))</td>"
            html += "<td>\(ReportText.html(finding.accountId ?? report.source.account ?? ""))</td>"
            html += "<td>\(finding.rule.rawValue)</td><td>\(finding.reason.rawValue)</td>"
            html += "<td>\(ReportText.html(finding.message))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:1.5rem;color:#212121}
        h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:1.6rem}
        dl.facts{display:flex;flex-wrap:wrap;gap:.4rem 1.6rem}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
        ul.cards{display:flex;gap:.8rem;list-style:none;padding:0}
        .card{border-left:4px solid #999;padding:.3rem .7rem;background:#fafafa}
        .card.FAIL{border-color:#c62828}.card.UNKNOWN{border-color:#e65100}.card.PASS{border-color:#2e7d32}
        .count{font-size:1.3rem;font-weight:700}
        table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
        tr.FAIL td:first-child,tr.new-fail td:first-child{color:#c62828;font-weight:600}
        tr.UNKNOWN td:first-child,tr.new-unknown td:first-child{color:#e65100;font-weight:600}
        tr.fixed td:first-child{color:#2e7d32;font-weight:600}
        .warning{color:#e65100;font-weight:600}.axis{font-size:11px;fill:#555}
        """
}
