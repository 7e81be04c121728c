import Foundation
import History
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
