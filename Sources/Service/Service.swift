import AuditRun
import Hummingbird
import Prometheus
import ServiceLifecycle

/// `ackguard serve` (placeholder until the service lands).
public enum ServiceVersion {
    public static let api = 0
}
