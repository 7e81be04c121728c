import Foundation
import History

/// Reading the scan history for `history` and `diff`: the database asked for (else the default one), opened
/// read-only so that nothing is created or written next to it.
public enum HistoryAccess {
    /// The database at `explicitPath`, else the default one; `nil` when there is none yet (only possible for the
    /// default: an explicit path must name a database file or a new file in an existing folder).
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
}
