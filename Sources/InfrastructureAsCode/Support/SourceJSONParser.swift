import Audit

/// Reads a JSON document into `SourceNode`s with positions. The document is first checked with
/// `JSONValue.parse`, whose errors carry the line and column; strings and numbers are decoded by it too.
enum SourceJSONParser {
    static func parse(_ bytes: [UInt8], limits: ParseLimits = .default) throws(JSONSyntaxError) -> SourceNode {
        _ = try JSONValue.parse(bytes, limits: limits)
        var reader = Reader(bytes: bytes)
        return try reader.document()
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var column = 1

        init(bytes: [UInt8]) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        }

        var position: SourcePosition { SourcePosition(line: line, column: column) }

        func failure(_ problem: String) -> JSONSyntaxError {
            JSONSyntaxError(line: line, column: column, problem: problem)
        }

        mutating func advance() {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { advance() }
        }

        mutating func document() throws(JSONSyntaxError) -> SourceNode {
            skipWhitespace()
            return try value()
        }

        mutating func value() throws(JSONSyntaxError) -> SourceNode {
            guard index < bytes.count else { throw failure("unexpected end of file") }
            let start = position
            switch bytes[index] {
            case UInt8(ascii: "{"):
                advance()
                var members: [SourceNode.Member] = []
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    advance()
                    return SourceNode(value: .object(members), position: start)
                }
                while true {
                    skipWhitespace()
                    let keyPosition = position
                    guard case .string(let key) = try scalar().value else { throw failure("expected a member name") }
                    skipWhitespace()
                    advance()  // ':'
                    skipWhitespace()
                    members.append(SourceNode.Member(key: key, keyPosition: keyPosition, value: try value()))
                    skipWhitespace()
                    guard index < bytes.count else { throw failure("unexpected end of file") }
                    let separator = bytes[index]
                    advance()
                    if separator == UInt8(ascii: "}") { return SourceNode(value: .object(members), position: start) }
                }
            case UInt8(ascii: "["):
                advance()
                var items: [SourceNode] = []
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    advance()
                    return SourceNode(value: .array(items), position: start)
                }
                while true {
                    skipWhitespace()
                    items.append(try value())
                    skipWhitespace()
                    guard index < bytes.count else { throw failure("unexpected end of file") }
                    let separator = bytes[index]
                    advance()
                    if separator == UInt8(ascii: "]") { return SourceNode(value: .array(items), position: start) }
                }
            default:
                return try scalar()
            }
        }

        /// A string, number or literal: its extent is found here, its value decoded by `JSONValue.parse`.
        mutating func scalar() throws(JSONSyntaxError) -> SourceNode {
            let start = position
            let from = index
            if bytes[index] == UInt8(ascii: "\"") {
                advance()
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { advance() }
                    if index < bytes.count { advance() }
                }
                guard index < bytes.count else { throw failure("unterminated string") }
                advance()
            } else {
                let stops: Set<UInt8> = [
                    0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"),
                ]
                while index < bytes.count, !stops.contains(bytes[index]) { advance() }
            }
            let decoded = try JSONValue.parse(Array(bytes[from..<index]))
            let value: SourceNode.Value
            switch decoded {
            case .null: value = .null
            case .bool(let flag): value = .bool(flag)
            case .number(let number): value = .number(number)
            case .string(let text): value = .string(text)
            default: throw failure("expected a scalar")
            }
            return SourceNode(value: value, position: start)
        }
    }
}
