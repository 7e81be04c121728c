import GRDB

extension HistoryStore {
    /// The schema, as append-only migrations. A migration that has shipped is never edited: changes are new
    /// migrations. They use table and column names only, never app types.
    ///
    /// - `v1`: `scan` (one row per audit) and `finding` (one row per finding, cascading with its scan).
    /// - `v2`: infrastructure-code locations, suppressions, strict and run notices.
    /// - `v3`: the shard a scan row holds (`runId`, `shardIndex`, `shardCount`; null for a whole scan), at most one
    ///   row per run id and shard.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "scan") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("scope", .text).notNull()
                table.column("startedAt", .text).notNull()
                table.column("finishedAt", .text).notNull()
                table.column("toolName", .text).notNull()
                table.column("toolVersion", .text).notNull()
                table.column("sourceKind", .text).notNull()
                table.column("regions", .text).notNull()
                table.column("account", .text)
                table.column("rules", .text).notNull()
                table.column("passCount", .integer).notNull()
                table.column("failCount", .integer).notNull()
                table.column("notApplicableCount", .integer).notNull()
                table.column("unknownCount", .integer).notNull()
                table.column("suppressedCount", .integer).notNull()
            }
            try db.create(index: "scan_on_scope", on: "scan", columns: ["scope", "id"])
            try db.create(table: "finding") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("scan", onDelete: .cascade).notNull()
                table.column("rule", .text).notNull()
                table.column("accountId", .text)
                table.column("regionId", .text).notNull()
                table.column("clusterId", .text).notNull()
                table.column("clusterName", .text).notNull()
                table.column("status", .text).notNull()
                table.column("reason", .text).notNull()
                table.column("json", .text).notNull()
            }
        }
        migrator.registerMigration("v2") { db in
            try db.alter(table: "scan") { table in
                table.add(column: "sourceLocation", .text)
                table.add(column: "notices", .text).notNull().defaults(to: "[]")
            }
            try db.alter(table: "finding") { table in
                table.add(column: "file", .text)
                table.add(column: "line", .integer)
                table.add(column: "column", .integer)
                table.add(column: "suppressionReason", .text)
                table.add(column: "suppressionExpires", .text)
                table.add(column: "statusBeforeStrict", .text)
            }
        }
        migrator.registerMigration("v3") { db in
            try db.alter(table: "scan") { table in
                table.add(column: "runId", .text)
                table.add(column: "shardIndex", .integer)
                table.add(column: "shardCount", .integer)
            }
            try db.execute(
                sql: "CREATE UNIQUE INDEX scan_on_run_shard ON scan(runId, shardIndex) WHERE runId IS NOT NULL")
        }
        return migrator
    }

    /// Applies the migrations. Two processes opening a new database at once can both decide a migration is due;
    /// the loser's transaction fails (the table exists) and rolls back, so it retries and finds the work done.
    func migrate(upTo target: String?) throws(HistoryError) {
        let migrator = Self.migrator
        var lastError: (any Error)?
        for _ in 0..<4 {
            do {
                if let target {
                    try migrator.migrate(writer, upTo: target)
                } else {
                    try migrator.migrate(writer)
                }
                return
            } catch {
                lastError = error
                let done = try? writer.read { db in try migrator.hasCompletedMigrations(db) }
                if done == true, target == nil { return }
            }
        }
        throw .migrationFailed(path: path, reason: lastError.map(Self.reason) ?? "unknown error")
    }
}
