/// A value as it was before ackguard changed it: present with its text, or absent (`{"state":"absent"}`).
public struct PriorValue: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum State: String, Sendable, Hashable, Codable {
        case present
        case absent
    }

    public var state: State
    public var value: String?

    public init(_ value: String?) {
        self.state = value == nil ? .absent : .present
        self.value = value
    }

    /// The value, `nil` when absent.
    public var text: String? { state == .present ? (value ?? "") : nil }

    public var description: String {
        guard let text else { return "(absent)" }
        return "\"\(text)\""
    }
}
