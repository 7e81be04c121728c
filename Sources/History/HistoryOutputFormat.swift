/// Output of `ackguard history` and `ackguard diff`.
public enum HistoryOutputFormat: String, Sendable, CaseIterable {
    case table
    case json
}
