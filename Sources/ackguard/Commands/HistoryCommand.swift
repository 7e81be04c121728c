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

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .customLong("run"), help: ArgumentHelp("Show the sharded run with this run id.", valueName: "id"))
    var runId: String?

    @Option(help: "Output format: table or json.")
    var format: HistoryOutputFormat = .table

    @Option(help: "Show at most this many scans.")
    var limit = 20

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1 (got \(limit))") }
        if let runId, let problem = ScanPart.runIdProblem(runId) { throw ValidationError("--run: \(problem)") }
    }

    func run() async throws {
        let (text, note) = try await HistoryAccess.list(
            store: storeOptions.store, historyPath: storeOptions.historyPath, runId: runId, limit: limit,
            format: format, environment: ProcessInfo.processInfo.environment)
        Terminal.writeStdout(text)
        if let note { Terminal.note(note) }
    }
}
