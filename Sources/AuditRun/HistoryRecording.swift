import Audit
import History

extension AuditRequest {
    /// Where the scan is kept.
    public enum HistoryPolicy: Sendable, Equatable {
        /// Not stored.
        case off
        /// The default database (``HistoryStore/defaultPath(environment:home:)``).
        case standard
        case at(path: String)
    }
}

/// Where a run's scan will be recorded, checked before any API call.
struct HistoryTarget {
    var path: String
}

extension AuditRun {
    /// The history destination the request names, checked: a bad one is an input error before anything is read.
    func prepareHistory() throws(RunFailure) -> HistoryTarget? {
        let environment = request.environment
        switch request.history {
        case .off:
            return nil
        case .standard:
            let home = HomeDirectory.path(environment: environment)
            return HistoryTarget(path: HistoryStore.defaultPath(environment: environment, home: home))
        case .at(let path):
            do {
                try HistoryStore.checkPath(path, folderMayBeMissing: false)
            } catch {
                throw RunFailure("unusable history database", at: "--history", error.description)
            }
            return HistoryTarget(path: path)
        }
    }

    /// Records the report; a failure is a warning (the verdict stands), returned as one line.
    func recordHistory(_ report: AuditReport, in target: HistoryTarget?) async -> [String] {
        guard let target else { return [] }
        do {
            try HistoryStore(path: target.path).record(report, scope: HistoryStore.scope(of: report))
            return []
        } catch {
            return ["warning: the scan was not stored in the history (\(target.path)): \(error)"]
        }
    }
}
