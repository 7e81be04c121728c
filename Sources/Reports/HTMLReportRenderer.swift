public import Audit

/// One self-contained HTML page: a summary, a chart of statuses by region (inline SVG), a findings table that sorts
/// when a header is clicked, and each finding's warnings, evidence and remediation in `<details>` blocks.
///
/// No external assets (a Content-Security-Policy forbids loading any); everything is readable without JavaScript,
/// which only adds the sorting. Every value from the report is HTML-escaped.
public struct HTMLReportRenderer: ReportRenderer {
    /// Levels added to every heading (``sections(_:headingOffset:title:sortable:)``).
    var headingOffset = 0
    /// The page sorts the findings table (the hint above it says so).
    var sortable = true

    public init() {}

    /// Statuses in report order, with the colour the page gives them.
    static let palette: [(key: String, label: String, color: String)] = [
        ("FAIL", "FAIL", "#c62828"),
        ("UNKNOWN", "UNKNOWN", "#e65100"),
        ("PASS", "PASS", "#2e7d32"),
        ("NOT_APPLICABLE", "NOT APPLICABLE", "#757575"),
        ("SUPPRESSED", "SUPPRESSED", "#5e35b1"),
    ]

    /// The page title: the tool and the counts, so a browser tab (and the screenshot check) shows the outcome.
    public static func title(_ report: AuditReport) -> String {
        let summary = report.summary
        var parts = Status.allCases.sorted().map { "\(summary[$0]) \($0.rawValue)" }
        if summary.suppressed > 0 { parts.append("\(summary.suppressed) suppressed") }
        return "\(report.toolName) report: " + parts.joined(separator: ", ")
    }

    public func render(_ report: AuditReport) -> String {
        let generator = "\(ReportText.html(report.toolName)) \(ReportText.html(report.toolVersion))"
        return Self.document(
            title: Self.title(report), contentSecurityPolicy: Self.reportPolicy,
            head: ["<meta name=\"generator\" content=\"\(generator)\">"], style: Self.style,
            body: sections(report).all + "<script>\n\(Self.script)\n</script>\n")
    }

    /// The report's policy: nothing loaded, its own style and sorting script inline.
    static let reportPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

    /// One HTML document as every ackguard page is made (the report, the `serve` dashboard): the language, charset,
    /// viewport, a Content-Security-Policy (a constant of the caller, written as given), any further `<meta>` lines of
    /// `head` (written as given: the caller escapes), the escaped title, one stylesheet, then `body` (markup, written as given).
    public static func document(
        title: String, contentSecurityPolicy: String, head: [String] = [], style: String, body: String
    ) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">

            """
        for line in head { html += line + "\n" }
        html += "<title>\(ReportText.html(title))</title>\n<style>\n\(style)\n</style>\n</head>\n<body>\n"
        html += body
        html += "</body>\n</html>\n"
        return html
    }

    /// The report's stylesheet, for a page that embeds its ``sections(_:headingOffset:title:sortable:)``.
    public static var stylesheet: String { style }

    /// The report's content without a document around it: what the page shows, section by section, for a page that
    /// embeds a report (the `serve` dashboard) or rearranges it. Every value is escaped, as in ``render(_:)``.
    public struct Sections: Sendable {
        /// The title and the facts of the source (`<header>`).
        public var header: String
        /// The count cards and the verdict (`#summary`).
        public var summary: String
        /// Statuses by region or file, inline SVG (`#chart`).
        public var chart: String
        /// The report's notices (`#notices`), empty without any.
        public var notices: String
        /// The findings table (`#findings`, `#findings-table`).
        public var findings: String
        /// Each finding's evidence and remediation (`#details`), empty without findings.
        public var details: String
        public var footer: String

        /// Every section, in the report's order.
        public var all: String { header + summary + chart + notices + findings + details + footer }
    }

    /// The report's sections.
    /// - Parameters:
    ///   - headingOffset: levels to add to every heading (1: the title is an `<h2>`, sections `<h3>`), 0 to 3.
    ///   - title: the title instead of "TOOL report" (escaped).
    ///   - sortable: the page runs ``script`` (which sorts the table): say so above the table. A page without the
    ///     script says nothing about sorting.
    public func sections(_ report: AuditReport, headingOffset: Int = 0, title: String? = nil, sortable: Bool = true)
        -> Sections
    {
        var renderer = self
        renderer.headingOffset = max(0, min(headingOffset, 3))
        renderer.sortable = sortable
        var footer = "<footer>Generated by \(ReportText.html(report.toolName)) \(ReportText.html(report.toolVersion)). "
        footer += "Rules: \(ReportText.html(report.rules.map(\.rawValue).joined(separator: ", "))).</footer>\n"
        return Sections(
            header: renderer.header(report, title: title), summary: renderer.summary(report),
            chart: renderer.chart(report), notices: renderer.notices(report), findings: renderer.table(report),
            details: renderer.details(report), footer: footer)
    }

    /// `<hN>` at `level` plus ``headingOffset``, with an optional id.
    func heading(_ level: Int, _ text: String, id: String? = nil) -> String {
        let tag = "h\(level + headingOffset)"
        return "<\(tag)\(id.map { " id=\"\($0)\"" } ?? "")>\(text)</\(tag)>"
    }

    // MARK: - Sections

    func header(_ report: AuditReport, title: String? = nil) -> String {
        var facts: [(String, String)] = [("Source", report.source.kind.rawValue)]
        if !report.source.regions.isEmpty { facts.append(("Regions", report.source.regions.joined(separator: ", "))) }
        if let account = report.source.account { facts.append(("Account", account)) }
        if let location = report.source.location { facts.append(("Read from", location)) }
        facts.append(("Started", report.startedAt))
        facts.append(("Finished", report.finishedAt))
        facts.append(("Tool", "\(report.toolName) \(report.toolVersion)"))
        let shown = ReportText.html(title ?? "\(report.toolName) report")
        var html = "<header>\n\(heading(1, shown))\n<dl class=\"facts\">\n"
        for (name, value) in facts {
            html += "<div><dt>\(name)</dt><dd>\(ReportText.html(value))</dd></div>\n"
        }
        html += "</dl>\n</header>\n"
        return html
    }

    func summary(_ report: AuditReport) -> String {
        let summary = report.summary
        var html = "<section id=\"summary\" aria-labelledby=\"summary-title\">\n"
        html += heading(2, "Summary", id: "summary-title") + "\n<ul class=\"cards\">\n"
        for entry in Self.palette {
            let count = entry.key == "SUPPRESSED" ? summary.suppressed : summary[Status(rawValue: entry.key)!]
            html +=
                "<li class=\"card\" style=\"border-color:\(entry.color)\">"
                + "<span class=\"count\" id=\"count-\(entry.key)\">\(count)</span> "
                + "<span class=\"label\">\(entry.label)</span></li>\n"
        }
        html += "</ul>\n"
        let exit = summary.exitCode
        let verdict: String
        switch exit {
        case ExitStatus.failures: verdict = "At least one cluster fails: exit status 1."
        case ExitStatus.incomplete: verdict = "No failure, but the audit is incomplete (UNKNOWN): exit status 3."
        default: verdict = "No failure and nothing unknown: exit status 0."
        }
        html += "<p class=\"verdict\">\(verdict) \(report.findings.count) finding(s)"
        if summary.suppressed > 0 { html += ", \(summary.suppressed) suppressed (not counted)" }
        html += ".</p>\n</section>\n"
        return html
    }

    /// Chart group of a finding: its region, or for infrastructure code its file.
    static func group(_ finding: Finding) -> String {
        if let location = finding.location { return location.file }
        return finding.regionId.isEmpty ? "(no region)" : finding.regionId
    }

    static func chartKey(_ finding: Finding) -> String {
        finding.suppression == nil ? finding.status.rawValue : "SUPPRESSED"
    }

    func chart(_ report: AuditReport) -> String {
        var groups: [String: [String: Int]] = [:]
        for finding in report.findings {
            groups[Self.group(finding), default: [:]][Self.chartKey(finding), default: 0] += 1
        }
        let names = groups.keys.sorted()
        let isIaC = report.findings.contains { $0.location != nil }
        let heading = isIaC ? "Statuses by file" : "Statuses by region"
        var html =
            "<section id=\"chart\" aria-labelledby=\"chart-title\">\n\(self.heading(2, heading, id: "chart-title"))\n"
        guard !names.isEmpty else { return html + "<p>No findings.</p>\n</section>\n" }
        let labelWidth = 200
        let barWidth = 560
        let rowHeight = 34
        let top = 34
        let height = top + names.count * rowHeight + 8
        let maxTotal = max(1, groups.values.map { $0.values.reduce(0, +) }.max() ?? 1)
        let description = names.map { name in
            let counts = Self.palette.compactMap { entry in
                groups[name]![entry.key].map { "\($0) \(entry.label)" }
            }
            return "\(name): " + counts.joined(separator: ", ")
        }.joined(separator: "; ")
        html +=
            "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(labelWidth + barWidth + 60) \(height)\" "
            + "width=\"\(labelWidth + barWidth + 60)\" height=\"\(height)\" "
            + "aria-label=\"\(ReportText.html(heading + ": " + description))\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        var legendX = labelWidth
        for entry in Self.palette {
            html +=
                "<rect x=\"\(legendX)\" y=\"6\" width=\"14\" height=\"14\" fill=\"\(entry.color)\"/>"
                + "<text x=\"\(legendX + 18)\" y=\"18\" class=\"legend\">\(entry.label)</text>\n"
            legendX += 32 + entry.label.count * 9
        }
        for (row, name) in names.enumerated() {
            let y = top + row * rowHeight
            let counts = groups[name]!
            let total = counts.values.reduce(0, +)
            html +=
                "<g class=\"bar\">\n<text x=\"\(labelWidth - 8)\" y=\"\(y + 18)\" text-anchor=\"end\" "
                + "class=\"group\">\(ReportText.html(Self.shortened(name, to: 26)))<title>"
                + "\(ReportText.html(name))</title></text>\n"
            var x = labelWidth
            for entry in Self.palette {
                guard let count = counts[entry.key], count > 0 else { continue }
                let width = max(2, count * barWidth / maxTotal)
                html +=
                    "<rect x=\"\(x)\" y=\"\(y + 2)\" width=\"\(width)\" height=\"24\" fill=\"\(entry.color)\">"
                    + "<title>\(ReportText.html(name)): \(count) \(entry.label)</title></rect>\n"
                if width >= 18 {
                    html +=
                        "<text x=\"\(x + width / 2)\" y=\"\(y + 19)\" text-anchor=\"middle\" "
                        + "class=\"segment\">\(count)</text>\n"
                }
                x += width
            }
            html += "<text x=\"\(x + 6)\" y=\"\(y + 19)\" class=\"total\">\(total)</text>\n</g>\n"
        }
        html += "</svg>\n</section>\n"
        return html
    }

    func notices(_ report: AuditReport) -> String {
        guard !report.notices.isEmpty else { return "" }
        var html = "<section id=\"notices\" aria-labelledby=\"notices-title\">\n"
        html += heading(2, "Notices", id: "notices-title") + "\n<ul>\n"
        for notice in report.notices { html += "<li>\(ReportText.html(notice))</li>\n" }
        return html + "</ul>\n</section>\n"
    }

    func table(_ report: AuditReport) -> String {
        let isIaC = report.findings.contains { $0.location != nil }
        var html = "<section id=\"findings\" aria-labelledby=\"findings-title\">\n"
        html += heading(2, "Findings", id: "findings-title") + "\n"
        guard !report.findings.isEmpty else { return html + "<p>No clusters found.</p>\n</section>\n" }
        html +=
            sortable
            ? "<p class=\"hint\">Click a column header to sort. Rows link to their evidence below.</p>\n"
            : "<p class=\"hint\">Rows link to their evidence below.</p>\n"
        html += "<table id=\"findings-table\">\n<thead><tr>"
        let columns = [
            "Status", "Rule", isIaC ? "Resource" : "Cluster", isIaC ? "Location" : "Region", "Reason",
            "Message",
        ]
        for column in columns { html += "<th scope=\"col\">\(column)</th>" }
        html += "</tr></thead>\n<tbody>\n"
        for (index, finding) in report.findings.enumerated() {
            let status = finding.status.rawValue
            var statusCell = "<span class=\"badge status-\(status)\">\(status)</span>"
            if finding.suppression != nil { statusCell += " <span class=\"badge suppressed\">suppressed</span>" }
            if finding.statusBeforeStrict != nil { statusCell += " <span class=\"badge strict\">strict</span>" }
            let sortKey = "\(finding.suppression == nil ? 0 : 1)\(finding.status.severityRank)"
            let place = finding.location.map(ReportText.text) ?? finding.regionId
            html += "<tr class=\"row-\(status)\">"
            html += "<td class=\"nowrap\" data-sort=\"\(sortKey)\">\(statusCell)</td>"
            html += "<td>\(ReportText.html(finding.rule.rawValue))</td>"
            html += "<td>\(ReportText.html(Self.subject(finding)))</td>"
            html += "<td class=\"nowrap\">\(ReportText.html(place))</td>"
            html += "<td><code>\(ReportText.html(finding.reason.rawValue))</code></td>"
            html += "<td>\(ReportText.html(finding.message)) <a href=\"#finding-\(index + 1)\">details</a></td>"
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    func details(_ report: AuditReport) -> String {
        guard !report.findings.isEmpty else { return "" }
        var html = "<section id=\"details\" aria-labelledby=\"details-title\">\n"
        html += heading(2, "Evidence and remediation", id: "details-title") + "\n"
        for (index, finding) in report.findings.enumerated() {
            let status = finding.status.rawValue
            let open = finding.status == .fail || finding.status == .unknown ? " open" : ""
            html += "<details id=\"finding-\(index + 1)\" class=\"finding row-\(status)\"\(open)>\n"
            html +=
                "<summary><span class=\"badge status-\(status)\">\(status)</span> "
                + "\(ReportText.html(Self.subject(finding))) · \(ReportText.html(ReportText.place(finding))) · "
                + "<code>\(ReportText.html(finding.reason.rawValue))</code></summary>\n"
            html += "<p>\(ReportText.html(finding.message))</p>\n<dl class=\"facts\">\n"
            var facts: [(String, String)] = [
                ("Rule", "\(finding.rule.rawValue): \(finding.rule.title)"),
                ("Compliance", finding.compliance.joined(separator: ", ")),
            ]
            if let account = finding.accountId {
                facts.append(("Account", finding.accountName.map { "\(account) (\($0))" } ?? account))
            }
            if finding.location == nil {
                facts.append(("Cluster", "\(finding.clusterName) (\(finding.clusterId))"))
                facts.append(("Region", finding.regionId))
            }
            if let before = finding.statusBeforeStrict {
                facts.append(("Strict", "warnings turned \(before.rawValue) into FAIL"))
            }
            if let suppression = finding.suppression {
                facts.append(("Suppressed", "until \(suppression.expires): \(suppression.reason)"))
            }
            for (name, value) in facts {
                html += "<div><dt>\(name)</dt><dd>\(ReportText.html(value))</dd></div>\n"
            }
            html += "</dl>\n"
            if !finding.warnings.isEmpty {
                html += heading(3, "Warnings") + "\n<ul>\n"
                for warning in finding.warnings {
                    html +=
                        "<li><code>\(ReportText.html(warning.code.rawValue))</code> "
                        + "\(ReportText.html(warning.message))</li>\n"
                }
                html += "</ul>\n"
            }
            html += heading(3, "Remediation (\(ReportText.html(finding.remediation.kind.rawValue)))") + "\n"
            if finding.remediation.steps.isEmpty {
                let needsAction = finding.status == .fail || finding.status == .unknown
                html += needsAction ? "<p>\(ReportText.html(finding.rule.helpText))</p>\n" : "<p>Nothing to do.</p>\n"
            } else {
                html += "<ol>\n"
                for step in finding.remediation.steps { html += "<li>\(ReportText.html(step))</li>\n" }
                html += "</ol>\n"
            }
            html += heading(3, "Evidence") + "\n"
            if finding.evidence.isEmpty {
                html += "<p>No evidence recorded.</p>\n"
            } else {
                html += "<pre>\(ReportText.html(JSONValue.object(finding.evidence).serialized(pretty: true)))</pre>\n"
            }
            html += "</details>\n"
        }
        return html + "</section>\n"
    }

    // MARK: - Helpers

    static func subject(_ finding: Finding) -> String {
        if finding.location != nil || finding.clusterName.isEmpty || finding.clusterName == finding.clusterId {
            return finding.location != nil ? finding.clusterName : finding.clusterId
        }
        return "\(finding.clusterName) (\(finding.clusterId))"
    }

    static func shortened(_ text: String, to length: Int) -> String {
        text.count <= length ? text : "…" + text.suffix(length - 1)
    }

    static let style = """
        :root { color-scheme: light; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0 auto;
          max-width: 1200px; padding: 16px 24px; color: #1b1b1b; background: #ffffff; line-height: 1.4; }
        h1 { margin: 0 0 8px; font-size: 28px; }
        h2 { margin: 28px 0 10px; font-size: 20px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        h3 { font-size: 15px; margin: 14px 0 6px; }
        dl.facts { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 0; }
        dl.facts div { display: flex; gap: 6px; }
        dt { font-weight: 600; color: #555; }
        dd { margin: 0; }
        ul.cards { list-style: none; display: flex; flex-wrap: wrap; gap: 12px; padding: 0; margin: 0; }
        .card { border: 2px solid; border-left-width: 10px; border-radius: 6px; padding: 10px 16px; min-width: 130px; }
        .card .count { font-size: 30px; font-weight: 700; display: block; }
        .card .label { font-size: 13px; letter-spacing: 0.04em; color: #444; }
        .verdict { font-weight: 600; }
        svg.chart { max-width: 100%; height: auto; font-size: 13px; }
        svg .legend, svg .group, svg .total { fill: #333; }
        svg .segment { fill: #ffffff; font-weight: 700; }
        table { border-collapse: collapse; width: 100%; font-size: 14px; }
        th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #e3e3e3; }
        th { background: #f3f3f3; position: sticky; top: 0; }
        th button { font: inherit; font-weight: 700; background: none; border: 0; padding: 0; cursor: pointer; }
        th[aria-sort="ascending"] button::after { content: " \\25B2"; }
        th[aria-sort="descending"] button::after { content: " \\25BC"; }
        .badge { display: inline-block; padding: 1px 6px; border-radius: 4px; font-size: 12px; font-weight: 700;
          color: #ffffff; background: #757575; }
        .status-FAIL { background: #c62828; }
        .status-UNKNOWN { background: #e65100; }
        .status-PASS { background: #2e7d32; }
        .status-NOT_APPLICABLE { background: #757575; }
        .badge.suppressed { background: #5e35b1; }
        .badge.strict { background: #37474f; }
        .hint { color: #555; font-size: 13px; }
        td.nowrap, td code { white-space: nowrap; }
        details.finding { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
        details.finding summary { cursor: pointer; font-weight: 600; }
        pre { background: #f6f8fa; padding: 8px; overflow-x: auto; font-size: 12px; }
        code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        footer { margin-top: 32px; color: #666; font-size: 12px; }
        """

    /// Sorting for the findings table; the page reads the same without it.
    static let script = """
        (function () {
          var table = document.getElementById("findings-table");
          if (!table || !table.tHead) { return; }
          var headers = table.tHead.rows[0].cells;
          function key(row, index) {
            var cell = row.cells[index];
            return cell.getAttribute("data-sort") || cell.textContent.trim();
          }
          Array.prototype.forEach.call(headers, function (th, index) {
            var button = document.createElement("button");
            button.type = "button";
            button.textContent = th.textContent;
            th.textContent = "";
            th.appendChild(button);
            button.addEventListener("click", function () {
              var ascending = th.getAttribute("aria-sort") !== "ascending";
              Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
              th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
              var body = table.tBodies[0];
              var rows = Array.prototype.slice.call(body.rows);
              rows.sort(function (a, b) {
                var order = key(a, index).localeCompare(key(b, index), undefined, { numeric: true });
                return ascending ? order : -order;
              });
              rows.forEach(function (row) { body.appendChild(row); });
            });
          });
        })();
        """
}
