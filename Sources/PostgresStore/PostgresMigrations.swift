/// The PostgreSQL schema, as append-only numbered migrations (version = position + 1). A migration that has
/// shipped is never edited: changes are new migrations. Its meaning is the SQLite history's (`HistoryStore`'s v1–v3):
/// `ackguard_scan` (one row per audit, or per shard part, with its notices as a JSON array) and `ackguard_finding`
/// (one row per finding, deleted with its scan).
public enum PostgresMigrations {
    /// The advisory lock every migrating process takes first ("ackguard" in ASCII, as a number).
    static let lockKey: Int64 = 0x61_636b_6775_6172

    static let versionTable = """
        CREATE TABLE IF NOT EXISTS ackguard_schema_migrations (
            version INTEGER PRIMARY KEY,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
        """

    /// Each migration's statements.
    static let all: [[String]] = [
        [
            """
            CREATE TABLE ackguard_scan (
                id BIGSERIAL PRIMARY KEY,
                scope TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT NOT NULL,
                tool_name TEXT NOT NULL,
                tool_version TEXT NOT NULL,
                source_kind TEXT NOT NULL,
                regions TEXT NOT NULL,
                account TEXT,
                rules TEXT NOT NULL,
                pass_count BIGINT NOT NULL,
                fail_count BIGINT NOT NULL,
                not_applicable_count BIGINT NOT NULL,
                unknown_count BIGINT NOT NULL,
                suppressed_count BIGINT NOT NULL,
                source_location TEXT,
                notices TEXT NOT NULL DEFAULT '[]',
                run_id TEXT,
                shard_index BIGINT,
                shard_count BIGINT,
                recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                CHECK ((run_id IS NULL) = (shard_index IS NULL) AND (run_id IS NULL) = (shard_count IS NULL)))
            """,
            "CREATE INDEX ackguard_scan_on_scope ON ackguard_scan (scope, id)",
            """
            CREATE UNIQUE INDEX ackguard_scan_on_run_shard ON ackguard_scan (run_id, shard_index)
                WHERE run_id IS NOT NULL
            """,
            """
            CREATE TABLE ackguard_finding (
                id BIGSERIAL PRIMARY KEY,
                scan_id BIGINT NOT NULL REFERENCES ackguard_scan (id) ON DELETE CASCADE,
                rule TEXT NOT NULL,
                account_id TEXT,
                region_id TEXT NOT NULL,
                cluster_id TEXT NOT NULL,
                cluster_name TEXT NOT NULL,
                status TEXT NOT NULL,
                reason TEXT NOT NULL,
                file TEXT,
                line BIGINT,
                col BIGINT,
                suppression_reason TEXT,
                suppression_expires TEXT,
                status_before_strict TEXT,
                json TEXT NOT NULL)
            """,
            "CREATE INDEX ackguard_finding_on_scan ON ackguard_finding (scan_id, id)",
        ]
    ]
}
