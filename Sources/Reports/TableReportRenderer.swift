public import Audit

/// The human table: one row per finding, then a summary that says what the exit code means and what to run next.
/// `verbose` adds each finding's warnings, evidence and remediation under its row. Colour (ANSI) only when `color`
/// is true: the caller decides (TTY, `NO_COLOR`, `--color`).
///
/// The table fits `width` columns (the terminal's). The columns that decide come first (cluster, status, reason),
/// and the layout narrows in steps rather than cutting anything: the message wraps in its own column when there is
/// room, else under the row; at the narrowest the cluster id and region join it there. A message wraps only between
/// words, so a value (`"true"`, a path, an id) is never cut; a word longer than the line overflows it whole.
/// Continuation lines start with spaces and a row never does, so one finding always reads as one row.
///
/// Every value from outside (names, ids, messages, evidence, notes) goes through ``InertText``: a newline, a
/// carriage return or an escape sequence in a cluster name is shown as `\n`, `\r`, `\u{1b}`, so the terminal only
/// displays what it is given, with or without colour.
public struct TableReportRenderer: ReportRenderer {
    /// A command worth running after this one, with what it gives (shown under the summary).
    public struct NextStep: Sendable, Equatable {
        public var purpose: String
        public var command: String

        public init(purpose: String, command: String) {
            self.purpose = purpose
            self.command = command
        }
    }

    /// The width when nothing says otherwise (not a terminal, no `COLUMNS`).
    public static let defaultWidth = 100
    /// Narrower than this, the layout would only get worse: the table is laid out for this width and overflows.
    public static let minimumWidth = 40
    /// The narrowest message column worth wrapping into; below it the message goes under the row.
    static let minimumMessageWidth = 40
    static let separator = "  "
    static let indent = "    "

    public var color: Bool
    public var verbose: Bool
    public var width: Int
    /// The exit code the command will return (nil: the report's own, ``FindingSummary/exitCode``).
    public var exitCode: Int32?
    public var nextSteps: [NextStep]

    public init(
        color: Bool = false, verbose: Bool = false, width: Int = Self.defaultWidth, exitCode: Int32? = nil,
        nextSteps: [NextStep] = []
    ) {
        self.color = color
        self.verbose = verbose
        self.width = max(width, Self.minimumWidth)
        self.exitCode = exitCode
        self.nextSteps = nextSteps
    }

    /// One finding's cells, already made inert.
    struct Row {
        var rule: String?
        /// `name (id)`, or the id alone when the cluster has no other name.
        var cluster: String
        /// The name alone, and the id that goes under the row in the narrow layout.
        var name: String
        var identity: String?
        var place: String
        var status: String
        var reason: String
        var message: String
    }

    enum Layout: Equatable {
        /// Everything on the row; the message wraps in a column of this width.
        case wide(messageWidth: Int)
        /// Cluster, status, reason and region on the row; the message under it.
        case messageBelow
        /// Name, status and reason on the row; id, region and message under it.
        case narrow
    }

    public func render(_ report: AuditReport) -> String {
        let multipleRules = Set(report.findings.map(\.rule)).count > 1
        let isIaC = report.findings.contains { $0.location != nil }
        let multipleAccounts =
            Set(report.findings.compactMap(\.accountId)).count > 1 || report.findings.contains { $0.accountName != nil }
        let rows = report.findings.map { row($0, rule: multipleRules, account: multipleAccounts) }
        var output = ""
        if rows.isEmpty {
            output += "No \(isIaC || report.source.kind == .iac ? "resources" : "clusters") found.\n"
        } else {
            let header = Row(
                rule: multipleRules ? "RULE" : nil, cluster: isIaC ? "RESOURCE" : "CLUSTER",
                name: isIaC ? "RESOURCE" : "CLUSTER", identity: nil, place: isIaC ? "LOCATION" : "REGION",
                status: "STATUS", reason: "REASON", message: "MESSAGE")
            let layout = layout(header: header, rows: rows)
            let widths = columnWidths(layout: layout, rows: [header] + rows)
            output += lines(header, layout: layout, widths: widths, status: nil, isHeader: true)
            for (index, row) in rows.enumerated() {
                let finding = report.findings[index]
                output += lines(row, layout: layout, widths: widths, status: finding.status, isHeader: false)
                if verbose { output += details(finding) }
            }
        }
        output += "\n" + Self.wrapped(summaryLine(report), width: width, indent: "  ")
        output += guidance(report)
        for notice in report.notices {
            output += Self.wrapped("note: \(InertText.escaped(notice))", width: width, indent: "      ")
        }
        return output
    }

    func row(_ finding: Finding, rule: Bool, account: Bool) -> Row {
        let id = finding.clusterId
        // A resource in code is named by its address (the id); its `name` attribute adds nothing to the row.
        let named = finding.location == nil && !finding.clusterName.isEmpty && finding.clusterName != id
        var name = named ? finding.clusterName : id
        if name.isEmpty { name = finding.clusterName }
        var cluster = named && !id.isEmpty ? "\(finding.clusterName) (\(id))" : name
        if account, let accountId = finding.accountId {
            let prefix = accountId + (finding.accountName.map { " (\($0))" } ?? "")
            cluster = prefix + "/" + cluster
            name = prefix + "/" + name
        }
        var status = finding.status.rawValue
        if finding.suppression != nil { status += " (suppressed)" }
        return Row(
            rule: rule ? Self.shortRule(finding.rule) : nil, cluster: Self.rowStart(InertText.escaped(cluster)),
            name: Self.rowStart(InertText.escaped(name)),
            identity: named && !id.isEmpty ? InertText.escaped(id) : nil,
            place: InertText.escaped(finding.location.map { "\($0.file):\($0.line):\($0.column)" } ?? finding.regionId),
            status: status, reason: finding.reason.rawValue, message: InertText.escaped(finding.message))
    }

    /// The widest layout that fits: the message beside the row, then under it, then the narrow row.
    func layout(header: Row, rows: [Row]) -> Layout {
        let all = [header] + rows
        let full = fixedWidth(columnWidths(layout: .messageBelow, rows: all))
        let longestMessage = rows.map(\.message.count).max() ?? 0
        let messageWidth = width - full - Self.separator.count
        if messageWidth >= max(header.message.count, min(longestMessage, Self.minimumMessageWidth)) {
            return .wide(messageWidth: messageWidth)
        }
        return full <= width ? .messageBelow : .narrow
    }

    /// The cells on the row (without the message) in order: the rule, the cluster, status, reason, region.
    func rowCells(_ row: Row, layout: Layout) -> [String] {
        var cells: [String] = []
        if let rule = row.rule { cells.append(rule) }
        switch layout {
        case .narrow: cells += [row.name, row.status, row.reason]
        case .wide, .messageBelow: cells += [row.cluster, row.status, row.reason, row.place]
        }
        return cells
    }

    func columnWidths(layout: Layout, rows: [Row]) -> [Int] {
        TextTable.columnWidths(rows.map { rowCells($0, layout: layout) })
    }

    func fixedWidth(_ widths: [Int]) -> Int {
        widths.reduce(0, +) + Self.separator.count * max(widths.count - 1, 0)
    }

    func lines(_ row: Row, layout: Layout, widths: [Int], status: Status?, isHeader: Bool) -> String {
        let cells = rowCells(row, layout: layout)
        let statusColumn = row.rule == nil ? 1 : 2
        var parts: [String] = []
        for (column, cell) in cells.enumerated() {
            let padded = TextTable.padded(cell, to: widths[column])
            if column == statusColumn, let status, color {
                parts.append(Self.paint(padded, status))
            } else {
                parts.append(padded)
            }
        }
        let start = parts.joined(separator: Self.separator)
        var text = ""
        switch layout {
        case .wide(let messageWidth):
            let message = Self.wrap(row.message, width: messageWidth)
            text += (start + Self.separator + (message.first ?? "")).trailingSpacesRemoved + "\n"
            let blank = String(repeating: " ", count: fixedWidth(widths) + Self.separator.count)
            for line in message.dropFirst() { text += blank + line + "\n" }
        case .messageBelow, .narrow:
            text += start.trailingSpacesRemoved + "\n"
            if isHeader { break }
            if layout == .narrow {
                let under = [row.identity ?? "", row.place].filter { !$0.isEmpty }
                let joined = under.joined(separator: Self.separator)
                // Id and region share a line when they fit; else each has its own (neither is ever cut).
                for line in joined.count <= width - Self.indent.count ? [joined] : under {
                    text += Self.indent + line + "\n"
                }
            }
            for line in Self.wrap(row.message, width: width - Self.indent.count) {
                text += Self.indent + line + "\n"
            }
        }
        return text
    }

    func details(_ finding: Finding) -> String {
        var text = ""
        let indent = Self.indent
        for warning in finding.warnings {
            text += indent + "warning \(warning.code.rawValue): \(InertText.escaped(warning.message))\n"
        }
        if let suppression = finding.suppression {
            text += indent + InertText.escaped("suppressed until \(suppression.expires): \(suppression.reason)") + "\n"
        }
        for key in finding.evidence.keys.sorted() {
            text += indent + InertText.escaped("evidence \(key): \(finding.evidence[key]!.serialized())") + "\n"
        }
        if !finding.remediation.steps.isEmpty {
            text += indent + Self.remediationLabel(finding.remediation.kind) + ":\n"
            for (number, step) in finding.remediation.steps.enumerated() {
                text += indent + "  \(number + 1). \(InertText.escaped(step))\n"
            }
        }
        return text + "\n"
    }

    /// The heading of the remediation steps: their kind (as JUnit and JSON name it), or none at all when the
    /// kind is `none` — the steps are still worth doing, there is just no automatic fix.
    static func remediationLabel(_ kind: Remediation.Kind) -> String {
        kind == .none ? "remediation" : "remediation (\(kind.rawValue))"
    }

    public func summaryLine(_ report: AuditReport) -> String {
        let summary = report.summary
        // A resource in code has no cluster id yet: it is told apart by its name and place.
        let clusters = Set(
            report.findings.map { finding in
                let location = finding.location.map { "\($0.file):\($0.line):\($0.column)" } ?? ""
                let id = finding.clusterId.isEmpty ? finding.clusterName + "@" + location : finding.clusterId
                return (finding.accountId ?? "") + "/" + id
            }
        ).count
        let noun = report.findings.contains { $0.location != nil } ? "resource" : "cluster"
        var parts = Status.allCases.sorted().map { status -> String in
            let text = "\(summary[status]) \(status.rawValue)"
            return color && summary[status] > 0 ? Self.paint(text, status) : text
        }
        if summary.suppressed > 0 { parts.append("\(summary.suppressed) suppressed") }
        return "\(clusters) \(noun)\(clusters == 1 ? "" : "s"), \(report.findings.count) finding"
            + "\(report.findings.count == 1 ? "" : "s"): " + parts.joined(separator: ", ")
    }

    /// The exit code in words, then the next commands, their purposes aligned.
    func guidance(_ report: AuditReport) -> String {
        let code = exitCode ?? report.summary.exitCode
        var text = "exit code \(code): \(Self.exitMeaning(code))\n"
        let labelWidth = (nextSteps.map(\.purpose.count).max() ?? 0) + 1
        for step in nextSteps {
            text +=
                TextTable.padded(InertText.escaped(step.purpose) + ":", to: labelWidth) + Self.separator
                + InertText.escaped(step.command) + "\n"
        }
        return text
    }

    public static func exitMeaning(_ code: Int32) -> String {
        switch code {
        case ExitStatus.clean: "no FAIL and no UNKNOWN"
        case ExitStatus.failures: "at least one FAIL"
        case ExitStatus.incomplete: "no FAIL, but the audit is incomplete (an UNKNOWN or a region not listed)"
        case ExitStatus.inputError: "some input could not be read (the errors are on stderr)"
        default: "see the exit codes in ackguard --help"
        }
    }

    /// `text` in lines of at most `width` characters, broken only at spaces: a word is never cut, and one longer
    /// than `width` gets a line of its own.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard visibleCount(text) > width else { return [text] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if line.isEmpty {
                line = String(word)
            } else if visibleCount(line) + 1 + visibleCount(word) <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// `text` wrapped to `width`, each line after the first indented (so it cannot pass for a row), with newlines.
    static func wrapped(_ text: String, width: Int, indent: String) -> String {
        var lines = wrap(text, width: width)
        if lines.count > 1 {
            let first = lines.removeFirst()
            lines = [first] + wrap(lines.joined(separator: " "), width: width - indent.count).map { indent + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Characters a terminal shows: the renderer's own colour sequences (`ESC [ … m`) take no room.
    static func visibleCount(_ text: some StringProtocol) -> Int {
        guard text.contains("\u{1B}") else { return text.count }
        var count = 0
        var inEscape = false
        for character in text {
            if inEscape {
                if character == "m" { inEscape = false }
            } else if character == "\u{1B}" {
                inEscape = true
            } else {
                count += 1
            }
        }
        return count
    }

    /// A row must not start with a space (it would read as a continuation line): leading spaces become escapes.
    static func rowStart(_ cell: String) -> String {
        guard cell.first == " " else { return cell }
        let spaces = cell.prefix { $0 == " " }.count
        return String(repeating: "\\u{20}", count: spaces) + cell.dropFirst(spaces)
    }

    static func paint(_ text: String, _ status: Status) -> String {
        let code: String
        switch status {
        case .pass: code = "32"
        case .fail: code = "1;31"
        case .unknown: code = "33"
        case .notApplicable: code = "2"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    static func shortRule(_ rule: RuleID) -> String {
        switch rule {
        case .networkPolicySupport: "support"
        case .networkPolicyCoverage: "coverage"
        }
    }
}

extension String {
    fileprivate var trailingSpacesRemoved: String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
