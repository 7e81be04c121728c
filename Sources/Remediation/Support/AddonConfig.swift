import Audit

/// A Terway add-on `config` (a JSON object encoded as a string, string values).
struct AddonConfig: Sendable, Hashable {
    static let networkPolicyKey = "NetworkPolicy"

    /// The config as the API returned it.
    var text: String
    /// Parsed; `nil` when the text is not a JSON object (an empty text is an empty object).
    var values: [String: JSONValue]?

    init(text: String) {
        self.text = text
        if text.isEmpty {
            values = [:]
            return
        }
        do {
            values = try JSONValue.parse(text).objectValue
        } catch {
            values = nil
        }
    }

    /// From an add-on instance object (`config` as a string, or an object some APIs send).
    init(instance: JSONValue) {
        switch instance["config"] {
        case .string(let text)?: self.init(text: text)
        case .object(let object)?:
            self.init(text: JSONValue.object(object).serialized())
        default: self.init(text: "")
        }
    }

    /// `NetworkPolicy` as text (`nil` when absent).
    var networkPolicy: String? {
        guard let value = values?[Self.networkPolicyKey], !value.isNull else { return nil }
        return value.scalarText ?? value.serialized()
    }
}
