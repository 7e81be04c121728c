import ArgumentParser
import Audit
import Foundation
import History
import Suppressions

/// What happens to findings after evaluation: accepted risks and scan history.
struct ResultOptions: ParsableArguments {
    @Option(
        help:
            "YAML file of accepted findings (by rule, cluster id or name glob, region, tag), each with a reason and an expiry date."
    )
    var suppressions: String?

    @Option(name: .customLong("history"), help: ArgumentHelp("The scan history database.", valueName: "path"))
    var historyPath: String?

    @Flag(help: "Do not store this scan in the history.")
    var noHistory = false

    /// A `--history` that can never hold a database (`/dev/null`, a FIFO, a folder, a missing folder) is refused
    /// before any API call, not reported as a warning after the audit. (Not `validate()`: argument-parser would
    /// report it as a usage error.)
    func checkHistoryPath() throws {
        guard !noHistory, let historyPath else { return }
        do {
            try HistoryStore.checkPath(historyPath, folderMayBeMissing: false)
        } catch {
            throw CommandFailure("unusable history database", at: "--history", error.description)
        }
    }

    /// Marks suppressed findings; returns the findings and the notices (expired or unused entries).
    func applySuppressions(_ findings: [Finding], tags: [String: [String: String]], today: Date) throws -> (
        [Finding], [String]
    ) {
        guard let suppressions else { return (findings, []) }
        let file: SuppressionFile
        do {
            file = try SuppressionFile.load(path: suppressions)
        } catch {
            throw inputError(error.description)
        }
        let result = file.apply(to: findings, today: Self.localDate(today), tags: tags)
        return (result.findings, result.notices)
    }

    /// Stores the scan unless `--no-history`; a failure is a warning, never a change of the verdict.
    func record(_ report: AuditReport, environment: [String: String]) {
        guard !noHistory else { return }
        let path =
            historyPath
            ?? HistoryStore.defaultPath(
                environment: environment, home: HomeDirectory.path(environment: environment))
        do {
            try HistoryStore(path: path).record(report, scope: HistoryStore.scope(of: report))
        } catch {
            Terminal.note("warning: the scan was not stored in the history (\(path)): \(error)")
        }
    }

    static func localDate(_ date: Date) -> String {
        let components = Calendar.current.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", components.year ?? 1970, components.month ?? 1, components.day ?? 1)
    }
}
