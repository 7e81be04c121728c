public import Audit
import Foundation
import Yams

/// A suppression file (`--suppressions FILE`): accepted risks, each with a reason and an expiry date.
///
/// ```yaml
/// version: 1                          # optional; only 1 exists
/// suppressions:                       # or the list itself as the whole document
///   - rule: ack-network-policy-support    # optional: rule id or alias (ACK-007, coverage)
///     clusterId: c4f1a2b3                  # optional: exact cluster id (`cluster` is an alias)
///     name: "sandbox-*"                    # optional: glob (* and ?) on the cluster name / IaC resource address
///     region: cn-*                         # optional: glob on the region id
///     tag: env=sandbox                     # optional: key=value, or a key the cluster must have
///     file: infra/legacy/*.tf              # optional: glob on the file of an IaC finding
///     reason: Isolated by VPC ACLs (SEC-42)   # required, non-empty
///     expires: 2025-12-31                  # required, YYYY-MM-DD; applies through that day
/// ```
///
/// Every entry needs at least one matcher, so a typo cannot suppress everything; unknown fields are errors for the
/// same reason. Only FAIL and UNKNOWN findings are suppressed; a suppressed finding stays in every report.
public struct SuppressionFile: Sendable, Hashable {
    /// The path as given (used in messages).
    public var path: String
    public var entries: [SuppressionEntry]

    public init(path: String, entries: [SuppressionEntry]) {
        self.path = path
        self.entries = entries
    }

    static let fields: Set<String> = [
        "rule", "clusterId", "cluster", "name", "region", "tag", "file", "reason", "expires",
    ]

    /// Reads and validates the file at `path`.
    public static func load(path: String) throws(SuppressionFileError) -> SuppressionFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
            throw .unreadable(path: path, reason: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses and validates YAML text; `path` names the file in errors.
    public static func parse(_ text: String, path: String) throws(SuppressionFileError) -> SuppressionFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, path: path)
        } catch {
            throw .syntax(path: path, line: nil, column: nil, problem: String(describing: error))
        }
        guard let root else { return SuppressionFile(path: path, entries: []) }
        let list: Node.Sequence
        switch root {
        case .sequence(let sequence):
            list = sequence
        case .mapping(let mapping):
            for (key, _) in mapping {
                guard let name = key.scalar?.string, name == "version" || name == "suppressions" else {
                    throw .invalidDocument(
                        path: path, line: key.mark?.line,
                        problem: "unknown top-level key '\(key.scalar?.string ?? "?")' (expected 'suppressions')")
                }
            }
            if let version = mapping["version"], version.scalar?.string != "1" {
                throw .invalidDocument(
                    path: path, line: version.mark?.line, problem: "unsupported version (only 1 exists)")
            }
            guard let suppressions = mapping["suppressions"] else {
                throw .invalidDocument(path: path, line: root.mark?.line, problem: "no 'suppressions' list")
            }
            if suppressions.scalar != nil, suppressions.null != nil {
                return SuppressionFile(path: path, entries: [])
            }
            guard let sequence = suppressions.sequence else {
                throw .invalidDocument(
                    path: path, line: suppressions.mark?.line, problem: "'suppressions' must be a list of entries")
            }
            list = sequence
        case .scalar where root.null != nil:
            return SuppressionFile(path: path, entries: [])
        default:
            throw .invalidDocument(
                path: path, line: root.mark?.line,
                problem: "expected a list of entries or a mapping with 'suppressions'")
        }
        var entries: [SuppressionEntry] = []
        for (offset, node) in list.enumerated() {
            entries.append(try entry(node, index: offset + 1, path: path))
        }
        return SuppressionFile(path: path, entries: entries)
    }

    static func syntaxError(_ error: YamlError, path: String) -> SuppressionFileError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return .syntax(path: path, line: mark.line, column: mark.column, problem: problem)
        case .reader(let problem, _, _, _):
            return .syntax(path: path, line: nil, column: nil, problem: problem)
        default:
            return .syntax(
                path: path, line: nil, column: nil,
                problem: String(describing: error).split(separator: "\n").first.map(String.init) ?? "unknown error")
        }
    }

    static func entry(_ node: Node, index: Int, path: String) throws(SuppressionFileError) -> SuppressionEntry {
        let line = node.mark?.line
        func invalid(_ field: String, _ problem: String, at mark: Mark? = nil) -> SuppressionFileError {
            .invalidEntry(path: path, index: index, line: mark?.line ?? line, field: field, problem: problem)
        }
        guard let mapping = node.mapping else {
            throw invalid("(entry)", "an entry must be a mapping of fields")
        }
        var values: [String: (text: String, mark: Mark?)] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { throw invalid("(key)", "field names must be plain text") }
            guard fields.contains(name) else {
                let known = fields.sorted().joined(separator: ", ")
                throw invalid(name, "unknown field (known: \(known))", at: key.mark)
            }
            guard values[name] == nil else { throw invalid(name, "given twice", at: key.mark) }
            guard let scalar = value.scalar, value.null == nil else {
                throw invalid(name, "must be a single value", at: value.mark)
            }
            let text = scalar.string.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { throw invalid(name, "must not be empty", at: value.mark) }
            values[name] = (text, value.mark)
        }
        if values["cluster"] != nil, values["clusterId"] != nil {
            throw invalid("cluster", "give either 'cluster' or 'clusterId', not both", at: values["cluster"]?.mark)
        }
        guard let reason = values["reason"] else { throw invalid("reason", "required: say why the risk is accepted") }
        guard let expiresText = values["expires"] else {
            throw invalid("expires", "required: the last day the suppression applies, YYYY-MM-DD")
        }
        guard let expires = CalendarDate(expiresText.text) else {
            throw invalid(
                "expires", "'\(expiresText.text)' is not a date in the form YYYY-MM-DD", at: expiresText.mark)
        }
        var rule: RuleID?
        if let ruleText = values["rule"] {
            guard let rules = RuleID.named(ruleText.text), rules.count == 1 else {
                let known = RuleID.allCases.map(\.rawValue).joined(separator: ", ")
                throw invalid("rule", "unknown rule '\(ruleText.text)' (known: \(known))", at: ruleText.mark)
            }
            rule = rules[0]
        }
        if let tag = values["tag"], tag.text.hasPrefix("=") {
            throw invalid("tag", "'\(tag.text)' has no key (use key=value or key)", at: tag.mark)
        }
        let entry = SuppressionEntry(
            index: index, line: line, rule: rule, clusterId: (values["clusterId"] ?? values["cluster"])?.text,
            name: values["name"].map { GlobPattern($0.text) }, region: values["region"].map { GlobPattern($0.text) },
            tag: values["tag"]?.text, file: values["file"].map { GlobPattern($0.text) }, reason: reason.text,
            expires: expires)
        if entry.rule == nil, entry.clusterId == nil, entry.name == nil, entry.region == nil, entry.tag == nil,
            entry.file == nil
        {
            throw invalid("(matchers)", "needs at least one of rule, clusterId, name, region, tag, file")
        }
        return entry
    }

    /// Marks the FAIL and UNKNOWN findings that an unexpired entry covers (`finding.suppression`), first entry wins.
    ///
    /// - Parameters:
    ///   - today: `YYYY-MM-DD`; an entry applies through its `expires` day.
    ///   - tags: cluster id → the cluster's tags (for `tag:` entries).
    /// - Returns: the findings, in the same order, and one notice per expired entry and per entry that matched
    ///   nothing.
    public func apply(to findings: [Finding], today: String, tags: [String: [String: String]])
        -> (findings: [Finding], notices: [String])
    {
        guard let date = CalendarDate(today) else {
            // Fail closed: without a valid date no entry can be known to be current, so none applies.
            return (findings, ["suppressions from \(path) not applied: today's date '\(today)' is not YYYY-MM-DD"])
        }
        var used = Array(repeating: 0, count: entries.count)
        var blocked = Array(repeating: 0, count: entries.count)
        var result = findings
        for position in result.indices {
            let finding = result[position]
            guard finding.status == .fail || finding.status == .unknown, finding.suppression == nil else { continue }
            for (number, entry) in entries.enumerated() where entry.matches(finding, tags: tags) {
                if entry.isExpired(today: date) {
                    blocked[number] += 1
                    continue
                }
                result[position].suppression = Suppression(reason: entry.reason, expires: entry.expires.description)
                used[number] += 1
                break
            }
        }
        var notices: [String] = []
        for (number, entry) in entries.enumerated() {
            if entry.isExpired(today: date) {
                let effect =
                    blocked[number] > 0
                    ? "no longer suppresses \(blocked[number]) finding(s)" : "it matches nothing either"
                notices.append("suppression \(path) \(entry.label) expired on \(entry.expires): \(effect)")
            } else if used[number] == 0 {
                notices.append(
                    "suppression \(path) \(entry.label) matched no FAIL or UNKNOWN finding: "
                        + "remove it if the risk is gone")
            }
        }
        return (result, notices)
    }
}
