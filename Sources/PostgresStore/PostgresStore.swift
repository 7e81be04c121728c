import History
import PostgresNIO

/// Scan history in PostgreSQL (placeholder until the store lands).
public enum PostgresStoreVersion {
    public static let schema = 0
}
