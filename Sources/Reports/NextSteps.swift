public import Audit
import Foundation

/// The commands worth running after a table: the same command with `-v` for the evidence, and for an audit with a
/// FAIL or UNKNOWN, `fix` with the same scope for a plan. Built from the words the user typed, shell-quoted.
public enum NextSteps {
    /// `audit` options `fix` does not take, with whether each takes a value.
    public static let auditOnly: [String: Bool] = [
        "--from": true, "--rule": true, "--exclude-namespace": true, "-f": true, "--format": true, "-o": true,
        "--output": true, "--color": true, "--suppressions": true, "--history": true, "--strict": false,
        "-v": false, "--verbose": false, "--no-history": false, "--no-kubernetes": false,
    ]

    public static func suggest(for report: AuditReport, arguments: [String], verbose: Bool) -> [TableReportRenderer
        .NextStep]
    {
        guard let command = arguments.first, ["audit", "iac"].contains(command), !report.findings.isEmpty else {
            return []
        }
        var steps: [TableReportRenderer.NextStep] = []
        if !verbose {
            steps.append(
                .init(
                    purpose: "evidence and remediation", command: shellLine(["ackguard"] + arguments + ["-v"])))
        }
        let summary = report.summary
        if command == "audit", summary[.fail] + summary[.unknown] > 0 {
            var kept: [String] = []
            var words = arguments.dropFirst()[...]
            var saved = false
            while let word = words.popFirst() {
                let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
                if let takesValue = auditOnly[name] {
                    if name == "--from" { saved = true }
                    if takesValue && !word.contains("=") { _ = words.popFirst() }
                    continue
                }
                kept.append(word)
            }
            // A saved folder cannot be fixed: the plan is made against the live account it came from.
            steps.append(
                .init(
                    purpose: saved ? "a fix plan (live account)" : "a fix plan",
                    command: shellLine(["ackguard", "fix"] + kept)))
        }
        return steps
    }

    /// Words joined as a shell would read them back: plain words as they are, others in single quotes.
    public static func shellLine(_ words: [String]) -> String {
        words.map { word in
            let plain =
                !word.isEmpty
                && word.unicodeScalars.allSatisfy { scalar in
                    CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII
                        || "-_./=:,@%+".unicodeScalars.contains(scalar)
                }
            return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}
