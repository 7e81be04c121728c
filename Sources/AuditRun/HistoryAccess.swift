import Foundation
public import History
import PostgresStore

/// Reading the scan history for `history` and `diff`: the store asked for (`--store`, else `--history`, else
/// `ACKGUARD_STORE`, else the default SQLite database), opened for reading only so that nothing is created or
/// written.
public enum HistoryAccess {
    /// The SQLite database at `explicitPath`, else the default one; `nil` when there is none yet (only possible for
    /// the default: an explicit path must name a database file or a new file in an existing folder).
    public static func openForReading(_ explicitPath: String?, environment: [String: String]) throws(RunFailure)
        -> (path: String, store: HistoryStore?)
    {
        let path =
            explicitPath
            ?? HistoryStore.defaultPath(environment: environment, home: HomeDirectory.path(environment: environment))
        do {
            try HistoryStore.checkPath(path, folderMayBeMissing: explicitPath == nil)
            guard FileManager.default.fileExists(atPath: path) else { return (path, nil) }
            return (path, try HistoryStore(readingFrom: path))
        } catch {
            throw RunFailure(error.description)
        }
    }

    /// The store named by `store` (`--store`: a PostgreSQL URL or an SQLite path), else `historyPath` (`--history`),
    /// else `ACKGUARD_STORE`, else the default SQLite database. `store` is `nil` when the default SQLite database
    /// does not exist yet. A bad URL, an unreachable server or a refused login is a one-line failure naming the
    /// option, without the password.
    public static func openStore(store: String?, historyPath: String?, environment: [String: String])
        async throws(RunFailure) -> (location: String, store: (any ScanStore)?)
    {
        if store != nil, historyPath != nil {
            throw RunFailure("conflicting options", at: "--store", "give --store or --history, not both")
        }
        var option = "--store"
        var named = store
        if named == nil, historyPath == nil, let fromEnvironment = environment["ACKGUARD_STORE"],
            !fromEnvironment.isEmpty
        {
            named = fromEnvironment
            option = "ACKGUARD_STORE"
        }
        guard let named else {
            let (path, sqlite) = try openForReading(historyPath, environment: environment)
            return (path, sqlite)
        }
        guard PostgresLocation.isPostgresURL(named) else {
            let (path, sqlite) = try openForReading(named, environment: environment)
            return (path, sqlite)
        }
        do {
            let postgres = try await PostgresStore.open(url: named, environment: environment, migrate: false)
            return (postgres.location, postgres)
        } catch {
            throw RunFailure("unusable store", at: option, error.description)
        }
    }
}

extension HistoryAccess {
    /// `ackguard history`: the stored scans, newest first, or the sharded run `runId` assembled from its parts, as
    /// text in `format`; `note` says when there is no history yet. Listing never creates a database.
    public static func list(
        store: String?, historyPath: String?, runId: String?, limit: Int, format: HistoryOutputFormat,
        environment: [String: String]
    ) async throws(RunFailure) -> (text: String, note: String?) {
        let renderer = HistoryListRenderer(format: format)
        let (location, opened) = try await openStore(store: store, historyPath: historyPath, environment: environment)
        guard let opened else {
            if let runId { throw RunFailure(HistoryError.runNotFound(path: location, runId: runId).description) }
            return (renderer.render([]), format == .table ? "no scan history at \(location)" : nil)
        }
        do {
            if let runId { return (renderer.render(try await opened.assembledScan(runId: runId)), nil) }
            return (renderer.render(try await opened.scans(limit: limit)), nil)
        } catch {
            throw RunFailure(error.description)
        }
    }

    /// `ackguard diff`: two scans (`old`/`new` ids, defaults as ``ScanStore/diffPair(old:new:)`` chooses) or two
    /// sharded runs, each assembled from its parts, as text in `format`.
    public static func diff(
        store: String?, historyPath: String?, old: Int64?, new: Int64?, runs: (old: String, new: String)?,
        format: HistoryOutputFormat, environment: [String: String]
    ) async throws(RunFailure) -> String {
        let (location, opened) = try await openStore(store: store, historyPath: historyPath, environment: environment)
        guard let opened else {
            throw RunFailure(HistoryError.notEnoughScans(path: location, scope: nil, found: 0).description)
        }
        let renderer = HistoryDiffRenderer(format: format)
        do {
            if let runs {
                let (diff, notes) = try await opened.diff(oldRun: runs.old, newRun: runs.new)
                return renderer.render(diff, notes: notes)
            }
            let pair = try await opened.diffPair(old: old, new: new)
            return renderer.render(try await opened.diff(old: pair.old, new: pair.new))
        } catch {
            throw RunFailure(error.description)
        }
    }
}

extension HistoryAccess {
    /// Why a `diff` command line does not hold together (one line), or `nil`: one of `--old-run`/`--new-run`
    /// without the other, run ids mixed with scan ids, an invalid run id.
    public static func diffProblem(old: Int64?, new: Int64?, oldRun: String?, newRun: String?) -> String? {
        if (oldRun == nil) != (newRun == nil) { return "--old-run and --new-run go together" }
        if oldRun != nil, old != nil || new != nil { return "give scan ids or --old-run/--new-run, not both" }
        for (name, value) in [("--old-run", oldRun), ("--new-run", newRun)] {
            if let value, let problem = ScanPart.runIdProblem(value) { return "\(name): \(problem)" }
        }
        return nil
    }
}
