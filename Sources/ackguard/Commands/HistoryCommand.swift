import ArgumentParser
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
    var format = "table"

    @Option(help: "Show at most this many scans.")
    var limit = 20

    func validate() throws {
        guard HistoryOutputFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be one of: table, json (got '\(format)')")
        }
        guard limit > 0 else { throw ValidationError("--limit must be at least 1 (got \(limit))") }
    }

    func run() async throws {
        let outputFormat = HistoryOutputFormat(rawValue: format) ?? .table
        let path =
            historyPath
            ?? HistoryStore.defaultPath(
                environment: ProcessInfo.processInfo.environment,
                home: HomeDirectory.path(environment: ProcessInfo.processInfo.environment))
        let renderer = HistoryListRenderer(format: outputFormat)
        do {
            // An explicit --history must name a database file or a new file in an existing folder; the default one
            // may not exist yet (no audit was stored).
            try HistoryStore.checkPath(path, folderMayBeMissing: historyPath == nil)
        } catch {
            throw inputError(error.description)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            // Listing must not create a database as a side effect.
            Terminal.writeStdout(renderer.render([]))
            if outputFormat == .table { Terminal.note("no scan history at \(path)") }
            return
        }
        do {
            // Read-only: a database the user may only read can be listed, and nothing is written next to it.
            let store = try HistoryStore(readingFrom: path)
            Terminal.writeStdout(renderer.render(try store.scans(limit: limit)))
        } catch {
            throw inputError(error.description)
        }
    }
}
