import Audit
import Foundation

/// JSON rendering with a stable byte layout (sorted keys, unescaped slashes), used for every body and file the
/// emulator writes, so the same state always gives the same bytes.
enum JSONText {
    static func data(_ value: JSONValue, pretty: Bool = false) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail: it has no non-conforming floats once built from JSON or literals.
        do {
            return try encoder.encode(value)
        } catch {
            return Data("null".utf8)
        }
    }

    static func string(_ value: JSONValue) -> String {
        String(decoding: data(value), as: UTF8.self)
    }

    /// Parses JSON text; `nil` when it is not JSON.
    static func parse(_ text: String) -> JSONValue? {
        parse(Data(text.utf8))
    }

    static func parse(_ data: Data) -> JSONValue? {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            return nil
        }
    }
}
