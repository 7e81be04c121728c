import ArgumentParser
import AuditRun
import Foundation
import History

/// `ackguard history`: the stored audits, newest first.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the audits stored in the scan history, newest first.",
        discussion: """
            Every audit is recorded unless it ran with --no-history. The database is
            $XDG_DATA_HOME/ackguard/history.sqlite, else ~/.local/share/ackguard/history.sqlite; --history PATH
            chooses another. Compare two scans with `ackguard diff`.
            """
    )

    @Option(name: .customLong("history"), help: ArgumentHelp("The history database.", valueName: "path"))
    var historyPath: String?

    @Option(help: "Output format: table or json.")
    var format: HistoryOutputFormat = .table

    @Option(help: "Show at most this many scans.")
    var limit = 20

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1 (got \(limit))") }
    }

    func run() async throws {
        let renderer = HistoryListRenderer(format: format)
        let (path, store) = try HistoryAccess.openForReading(
            historyPath, environment: ProcessInfo.processInfo.environment)
        guard let store else {
            // Listing must not create a database as a side effect.
            Terminal.writeStdout(renderer.render([]))
            if format == .table { Terminal.note("no scan history at \(path)") }
            return
        }
        do {
            Terminal.writeStdout(renderer.render(try store.scans(limit: limit)))
        } catch {
            throw RunFailure(error.description)
        }
    }
}
