/// What remediation reports while it works. The handler is awaited, so a caller sees each step before the next one
/// starts (the CLI prints progress; tests use `willPatchConfigMap` to race a concurrent writer).
public enum FixEvent: Sendable {
    /// A step started or finished (one line for people).
    case progress(clusterId: String, message: String)
    /// A write was made.
    case wrote(WriteRecord)
    /// The `eni-config` patch guarded by `resourceVersion` is about to be sent (attempt 1, 2, …).
    case willPatchConfigMap(clusterId: String, attempt: Int, resourceVersion: String)
}

/// Receives remediation events.
public typealias FixEventHandler = @Sendable (FixEvent) async -> Void
