/// Why the scan history could not be used. One line each, naming the database and what failed.
public enum HistoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database file (or its directory) could not be opened or created.
    case cannotOpen(path: String, reason: String)
    /// The schema could not be brought up to date.
    case migrationFailed(path: String, reason: String)
    /// A read or write failed.
    case database(path: String, operation: String, reason: String)
    /// No scan has this id.
    case scanNotFound(path: String, id: Int64)
    /// `diff` without both ids needs two scans of the same scope.
    case notEnoughScans(path: String, scope: String?, found: Int)
    /// No part of this sharded run is stored.
    case runNotFound(path: String, runId: String)
    /// A stored row does not hold what ackguard writes.
    case corruptRow(path: String, table: String, id: Int64, problem: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "history database \(path): cannot open: \(reason)"
        case .migrationFailed(let path, let reason):
            "history database \(path): cannot update the schema: \(reason)"
        case .database(let path, let operation, let reason):
            "history database \(path): \(operation) failed: \(reason)"
        case .scanNotFound(let path, let id):
            "history database \(path): no scan with id \(id) (see `ackguard history`)"
        case .notEnoughScans(let path, let scope, let found):
            "history database \(path): a diff needs two scans"
                + (scope.map { " of the same scope (\($0))" } ?? "") + ", found \(found)"
        case .runNotFound(let path, let runId):
            "history database \(path): no scan of run '\(runId)' (see `ackguard history`)"
        case .corruptRow(let path, let table, let id, let problem):
            "history database \(path): \(table) row \(id) is not readable: \(problem)"
        }
    }
}
