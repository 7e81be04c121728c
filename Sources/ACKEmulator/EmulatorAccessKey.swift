/// An AccessKey pair the emulator accepts. `description` never shows the secret.
public struct EmulatorAccessKey: Sendable, Hashable, CustomStringConvertible {
    public var id: String
    public var secret: String

    public init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// The documented demo key: `ackguard-demo-key` / `ackguard-demo-secret` (obviously not a real AccessKey).
    public static let demo = EmulatorAccessKey(id: "ackguard-demo-key", secret: "ackguard-demo-secret")

    /// Parses `ID:SECRET` (the secret may itself contain `:`); `nil` when either part is empty.
    public init?(parsing text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let id = String(text[..<colon])
        let secret = String(text[text.index(after: colon)...])
        guard !id.isEmpty, !secret.isEmpty else { return nil }
        self.init(id: id, secret: secret)
    }

    public var description: String { "EmulatorAccessKey(id: \(id), secret: <redacted>)" }
}
