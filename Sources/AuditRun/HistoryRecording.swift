import Audit
import History
import PostgresStore

extension AuditRequest {
    /// Where the scan is kept.
    public enum HistoryPolicy: Sendable, Equatable {
        /// Not stored.
        case off
        /// The default: `ACKGUARD_STORE` when set (a PostgreSQL URL or an SQLite path), else the default SQLite
        /// database (``HistoryStore/defaultPath(environment:home:)``).
        case standard
        /// An SQLite database (`--history PATH`, or `--store PATH`).
        case at(path: String)
        /// A shared PostgreSQL database (`--store postgres://…`); the password may be in the URL or `PGPASSWORD`.
        case postgres(url: String)

        /// `--store VALUE` (or `ACKGUARD_STORE`): a `postgres://`/`postgresql://` URL, else an SQLite path.
        public static func store(_ value: String) -> HistoryPolicy {
            PostgresLocation.isPostgresURL(value) ? .postgres(url: value) : .at(path: value)
        }
    }
}

/// Where a run's scan will be recorded, checked before any API call.
enum HistoryTarget {
    case sqlite(path: String)
    /// The store, connected to and migrated before the run began (a bad URL or server stopped it).
    case postgres(store: PostgresStore, location: PostgresLocation)
}

extension AuditRun {
    /// The history destination the request names, checked: a bad one is an input error before anything is read.
    /// A PostgreSQL store is connected to (and its schema brought up to date) now, so that an unreachable server or
    /// a refused login stops the run before any API call rather than losing the scan after it.
    func prepareHistory() async throws(RunFailure) -> HistoryTarget? {
        let environment = request.environment
        var policy = request.history
        var option = "--history"
        if policy == .standard, let store = environment["ACKGUARD_STORE"], !store.isEmpty {
            policy = .store(store)
            option = "ACKGUARD_STORE"
        } else if case .postgres = policy {
            option = "--store"
        }
        if let part = request.part, let problem = part.problem {
            throw RunFailure("unusable shard", at: "--run-id", problem)
        }
        switch policy {
        case .off:
            return nil
        case .standard:
            let home = HomeDirectory.path(environment: environment)
            return .sqlite(path: HistoryStore.defaultPath(environment: environment, home: home))
        case .at(let path):
            do {
                try HistoryStore.checkPath(path, folderMayBeMissing: false)
            } catch {
                throw RunFailure("unusable history database", at: option, error.description)
            }
            return .sqlite(path: path)
        case .postgres(let url):
            let at = option == "--history" ? "--store" : option
            let location: PostgresLocation
            do {
                location = try PostgresLocation(url: url, environment: environment)
            } catch {
                throw RunFailure("unusable store", at: at, error.description)
            }
            let store: PostgresStore
            do {
                store = try await PostgresStore.open(url: url, environment: environment)
            } catch {
                throw RunFailure("cannot use the store", at: at, error.description)
            }
            return .postgres(store: store, location: location)
        }
    }

    /// Records the report (with the request's shard part); a failure is a warning (the verdict stands), returned
    /// as one line. A PostgreSQL URL's password never appears in it.
    func recordHistory(_ report: AuditReport, in target: HistoryTarget?) async -> [String] {
        guard let target else { return [] }
        let scope = HistoryStore.scope(of: report)
        switch target {
        case .sqlite(let path):
            do {
                try HistoryStore(path: path).record(report, scope: scope, part: request.part)
                return []
            } catch {
                return ["warning: the scan was not stored in the history (\(path)): \(error)"]
            }
        case .postgres(let store, let location):
            do {
                try await store.record(report, scope: scope, part: request.part)
                return []
            } catch {
                return ["warning: the scan was not stored in the store (\(location)): \(error)"]
            }
        }
    }
}
