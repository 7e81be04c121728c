import Foundation

/// Runs `operation` and gives its result, or `nil` when it did not finish within `limit` (it is then cancelled and
/// awaited). The one deadline race of live collection: a cluster's Kubernetes reads, and a run's `--max-duration`.
func result<T: Sendable>(within limit: Duration, of operation: @escaping @Sendable () async -> T) async -> T? {
    guard limit > .zero else { return nil }
    return await withTaskGroup(of: T?.self) { group in
        group.addTask { await operation() }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        let first = await group.next()!
        group.cancelAll()
        return first
    }
}

/// A duration as seconds, for messages (`30`, `1.5`).
func secondsText(_ duration: Duration) -> String {
    let parts = duration.components
    let value = Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    return String(format: "%g", value)
}
