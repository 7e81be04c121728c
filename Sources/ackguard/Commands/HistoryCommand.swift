import ArgumentParser
import AuditRun
import Foundation
import History

/// `ackguard history`: the stored audits, newest first; or one sharded run assembled from its parts.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the audits stored in the scan history, newest first.",
        discussion: """
            Every audit is recorded unless it ran with --no-history. The database is
            $XDG_DATA_HOME/ackguard/history.sqlite, else ~/.local/share/ackguard/history.sqlite; --history PATH
            chooses another, and --store (or $ACKGUARD_STORE) a shared PostgreSQL database
            (postgres://user@host:port/db?sslmode=…). --run ID shows the organisation scan of a sharded run
            assembled from its parts, and which shards are missing. Compare two scans with `ackguard diff`.
            """
    )

    @Option(name: .customLong("history"), help: ArgumentHelp("The history database.", valueName: "path"))
    var historyPath: String?

    @Option(
        help: ArgumentHelp(
            "The store: a postgres:// URL (password in the URL or PGPASSWORD) or an SQLite path.", valueName: "url"))
    var store: String?

    @Option(name: .customLong("run"), help: ArgumentHelp("Show the sharded run with this run id.", valueName: "id"))
    var runId: String?

    @Option(help: "Output format: table or json.")
    var format: HistoryOutputFormat = .table

    @Option(help: "Show at most this many scans.")
    var limit = 20

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1 (got \(limit))") }
        if store != nil, historyPath != nil { throw ValidationError("give --store or --history, not both") }
        if let runId, let problem = ScanPart.runIdProblem(runId) { throw ValidationError("--run: \(problem)") }
    }

    func run() async throws {
        let renderer = HistoryListRenderer(format: format)
        let (location, store) = try await HistoryAccess.openStore(
            store: store, historyPath: historyPath, environment: ProcessInfo.processInfo.environment)
        guard let store else {
            // Listing must not create a database as a side effect.
            if runId != nil {
                throw RunFailure(HistoryError.runNotFound(path: location, runId: runId ?? "").description)
            }
            Terminal.writeStdout(renderer.render([]))
            if format == .table { Terminal.note("no scan history at \(location)") }
            return
        }
        do {
            if let runId {
                Terminal.writeStdout(renderer.render(try await store.assembledScan(runId: runId)))
            } else {
                Terminal.writeStdout(renderer.render(try await store.scans(limit: limit)))
            }
        } catch {
            throw RunFailure(error.description)
        }
    }
}
