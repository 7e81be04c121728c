public import Foundation

/// What `ackguard fix` may do, beyond planning.
public struct FixOptions: Sendable {
    /// Enable policy on clusters with more than 100 nodes and the Felix datapath (ACK advises Typha first).
    public var allowLarge: Bool
    /// Pod vSwitches for replacement clusters (`--pod-vswitch`); empty means a placeholder that `--apply` refuses.
    public var podVSwitches: [String]
    /// Submit CreateCluster for the migration plans (`--create-replacement`).
    public var createReplacement: Bool
    /// Where rollback files go (`--rollback-dir`).
    public var rollbackDirectory: URL

    public init(
        allowLarge: Bool = false, podVSwitches: [String] = [], createReplacement: Bool = false,
        rollbackDirectory: URL
    ) {
        self.allowLarge = allowLarge
        self.podVSwitches = podVSwitches
        self.createReplacement = createReplacement
        self.rollbackDirectory = rollbackDirectory
    }

    /// The default rollback folder: `$XDG_STATE_HOME/ackguard/rollback`, else `~/.local/state/ackguard/rollback`.
    /// A relative `XDG_STATE_HOME` is ignored, as the XDG base directory specification says.
    public static func defaultRollbackDirectory(environment: [String: String], homeDirectory: String) -> URL {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return URL(fileURLWithPath: state).appendingPathComponent("ackguard/rollback", isDirectory: true)
        }
        return URL(fileURLWithPath: homeDirectory).appendingPathComponent(
            ".local/state/ackguard/rollback", isDirectory: true)
    }
}

/// How long remediation waits, and how often it looks.
public struct RemediationTiming: Sendable {
    /// Between two polls of an add-on update, a rollout or a task.
    public var pollInterval: Duration
    /// The most an add-on config change (ModifyClusterAddon) may take.
    public var addonTimeout: Duration
    /// The most the `terway-eniip` rollout may take.
    public var rolloutTimeout: Duration
    /// The most a replacement cluster's creation task may take.
    public var createTimeout: Duration
    /// How many times a ConfigMap patch answered 409 is re-read, re-checked and retried.
    public var maxConflictRetries: Int

    public init(
        pollInterval: Duration = .seconds(2), addonTimeout: Duration = .seconds(600),
        rolloutTimeout: Duration = .seconds(300), createTimeout: Duration = .seconds(3600), maxConflictRetries: Int = 5
    ) {
        self.pollInterval = pollInterval
        self.addonTimeout = addonTimeout
        self.rolloutTimeout = rolloutTimeout
        self.createTimeout = createTimeout
        self.maxConflictRetries = max(0, maxConflictRetries)
    }
}
