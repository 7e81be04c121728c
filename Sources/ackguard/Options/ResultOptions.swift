import ArgumentParser
import AuditRun

/// Where scans are kept: shared by every command that writes or reads the scan history.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("history"), help: ArgumentHelp("The scan history database.", valueName: "path"))
    var historyPath: String?

    @Option(
        help: ArgumentHelp(
            "Where scans are kept: postgres://user@host:port/db?sslmode=… (password in the URL or PGPASSWORD) or an SQLite path. Default: $ACKGUARD_STORE, else the SQLite history.",
            valueName: "url"))
    var store: String?

    func validate() throws {
        if store != nil, historyPath != nil { throw ValidationError("give --store or --history, not both") }
    }
}

/// What happens to findings after evaluation: accepted risks and scan history.
struct ResultOptions: ParsableArguments {
    @Option(
        help:
            "YAML file of accepted findings (by rule, cluster id or name glob, region, tag), each with a reason and an expiry date."
    )
    var suppressions: String?

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Do not store this scan in the history.")
    var noHistory = false

    /// Where the scan goes. A `--history` that can never hold a database (`/dev/null`, a FIFO, a folder, a missing
    /// folder) is refused by the run before any API call (not in `validate()`: argument-parser would report it as a
    /// usage error).
    var historyPolicy: AuditRequest.HistoryPolicy {
        if noHistory { return .off }
        if let store = storeOptions.store { return .store(store) }
        return storeOptions.historyPath.map { .at(path: $0) } ?? .standard
    }
}
