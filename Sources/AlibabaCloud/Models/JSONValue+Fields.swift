import Foundation
import JSON

/// Tolerant field access for the CS models: wrong types give `nil`, never an error.
extension JSONValue {
    /// A scalar member as text (numbers and booleans rendered), or `nil`.
    func text(_ key: String) -> String? { self[key]?.scalarText }

    /// An integral member; digit strings are accepted.
    func integer(_ key: String) -> Int? { self[key]?.intValue }

    /// A boolean member; the strings "true"/"false" (any case) are accepted.
    func flag(_ key: String) -> Bool? {
        switch self[key] {
        case .bool(let value)?: return value
        case .string(let text)?:
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// An array of scalars as text; a JSON-encoded array string is accepted too.
    func texts(_ key: String) -> [String]? {
        switch self[key] {
        case .array(let items)?: return items.compactMap(\.scalarText)
        case .string(let text)?:
            guard let parsed = JSONValue.parse(text), case .array(let items) = parsed else { return nil }
            return items.compactMap(\.scalarText)
        default: return nil
        }
    }

    /// A member that is an object, or a string holding a JSON object.
    func embeddedObject(_ key: String) -> JSONValue? {
        switch self[key] {
        case .object?: return self[key]
        case .string(let text)?:
            guard let parsed = JSONValue.parse(text), case .object = parsed else { return nil }
            return parsed
        default: return nil
        }
    }

    /// Parses JSON text; `nil` when it is not JSON.
    static func parse(_ text: String) -> JSONValue? {
        parse(Array(text.utf8))
    }

    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        guard !bytes.isEmpty else { return nil }
        return try? JSONValue.parse(bytes, maxDepth: 512)
    }
}
