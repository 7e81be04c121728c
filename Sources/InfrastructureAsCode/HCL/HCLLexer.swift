import Audit

/// Splits HCL native syntax into tokens with positions. Comments (`#`, `//`, `/* */`) are dropped; newlines are
/// tokens because they end attributes. Quoted strings and heredocs become templates whose interpolations carry
/// their own tokens.
struct HCLLexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line: Int
    private var column: Int
    /// Columns removed from the start of every line (the content of a `<<-` heredoc).
    private let columnShift: Int
    /// How deep templates nest inside interpolations; bounded so a hostile file cannot exhaust the stack.
    private var depth = 0
    static let maximumDepth = 16

    init(_ text: String, start: SourcePosition = .start, columnShift: Int = 0) {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        self.scalars = scalars
        self.line = start.line
        self.column = start.column
        self.columnShift = columnShift
    }

    /// The tokens of a file, within `limits`: its size before lexing; then the number of tokens (`maximumNodes`) and
    /// the length of each literal piece of a string (`maximumStringLength`).
    static func tokenize(_ text: String, limits: ParseLimits = .default) throws(HCLSyntaxError) -> [HCLToken] {
        if text.utf8.count > limits.maximumInputSize {
            throw HCLSyntaxError(
                position: .start,
                message: "the file is larger than \(ParseLimits.describeSize(limits.maximumInputSize)) (limit "
                    + "maximumInputSize)")
        }
        var lexer = HCLLexer(text)
        let tokens = try lexer.tokens(insideInterpolation: false, opening: .start).tokens
        var count = 0
        try check(tokens, limits: limits, count: &count)
        return tokens
    }

    private static func check(_ tokens: [HCLToken], limits: ParseLimits, count: inout Int) throws(HCLSyntaxError) {
        for token in tokens {
            count += 1
            if count > limits.maximumNodes {
                throw HCLSyntaxError(
                    position: token.position,
                    message: "the file has more than \(limits.maximumNodes) tokens (limit maximumNodes)")
            }
            switch token.kind {
            case .quoted(let parts), .heredoc(let parts):
                for part in parts {
                    switch part {
                    case .literal(let text):
                        if text.utf8.count > limits.maximumStringLength {
                            throw HCLSyntaxError(
                                position: token.position,
                                message: "a string longer than "
                                    + "\(ParseLimits.describeSize(limits.maximumStringLength)) (limit "
                                    + "maximumStringLength)")
                        }
                    case .interpolation(let inner, _, _, _), .directive(let inner, _, _, _):
                        try check(inner, limits: limits, count: &count)
                    }
                }
            default:
                break
            }
        }
    }

    // MARK: - Cursor

    private var position: SourcePosition { SourcePosition(line: line, column: column) }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1 + columnShift
        } else {
            column += 1
        }
        index += 1
    }

    private func error(_ message: String, at position: SourcePosition? = nil) -> HCLSyntaxError {
        HCLSyntaxError(position: position ?? self.position, message: message)
    }

    // MARK: - Tokens

    /// Tokens up to the end of the input, or (inside `${…}` / `%{…}`) up to the `}` that closes the interpolation,
    /// which is consumed. Ends with an end-of-file token.
    private mutating func tokens(insideInterpolation: Bool, opening: SourcePosition) throws(HCLSyntaxError) -> (
        tokens: [HCLToken], stripAfter: Bool
    ) {
        var tokens: [HCLToken] = []
        var depth = 0
        while true {
            skipSpaceAndComments()
            let start = position
            guard let scalar = peek() else {
                if insideInterpolation { throw error("unterminated template interpolation: '}' expected", at: opening) }
                tokens.append(HCLToken(kind: .endOfFile, position: start))
                return (tokens, false)
            }
            if insideInterpolation, depth == 0 {
                if scalar == "}" {
                    advance()
                    tokens.append(HCLToken(kind: .endOfFile, position: start))
                    return (tokens, false)
                }
                if scalar == "~", peek(1) == "}" {
                    advance()
                    advance()
                    tokens.append(HCLToken(kind: .endOfFile, position: start))
                    return (tokens, true)
                }
            }
            switch scalar {
            case "\n":
                advance()
                tokens.append(HCLToken(kind: .newline, position: start))
            case "\"":
                advance()
                let parts = try template(quoted: true, opening: start)
                tokens.append(HCLToken(kind: .quoted(parts), position: start))
            case "<" where peek(1) == "<" && (Self.isIdentifierStart(peek(2)) || peek(2) == "-"):
                tokens.append(HCLToken(kind: .heredoc(try heredoc(start: start)), position: start))
            case _ where Self.isIdentifierStart(scalar):
                var name = String.UnicodeScalarView()
                while let next = peek(), Self.isIdentifierPart(next) {
                    name.append(next)
                    advance()
                }
                tokens.append(HCLToken(kind: .identifier(String(name)), position: start))
            case "0"..."9":
                tokens.append(HCLToken(kind: .number(try number()), position: start))
            default:
                let text = punctuation()
                guard let text else { throw error("unexpected character '\(scalar.escaped(asASCII: true))'") }
                if text == "{" { depth += 1 }
                if text == "}" { depth -= 1 }
                tokens.append(HCLToken(kind: .punctuation(text), position: start))
            }
        }
    }

    private static let punctuations3: Set<String> = ["..."]
    private static let punctuations2: Set<String> = ["==", "!=", "<=", ">=", "&&", "||", "=>", "::"]
    private static let punctuations1: Set<Unicode.Scalar> = [
        "{", "}", "[", "]", "(", ")", "=", ",", ".", ":", "?", "!", "<", ">", "+", "-", "*", "/", "%",
    ]

    private mutating func punctuation() -> String? {
        for length in [3, 2] {
            guard index + length <= scalars.count else { continue }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars[index..<index + length])
            let candidate = String(text)
            if (length == 3 ? Self.punctuations3 : Self.punctuations2).contains(candidate) {
                for _ in 0..<length { advance() }
                return candidate
            }
        }
        guard let scalar = peek(), Self.punctuations1.contains(scalar) else { return nil }
        advance()
        return String(Character(scalar))
    }

    private mutating func number() throws(HCLSyntaxError) -> Double {
        let start = position
        var text = ""
        func digits(_ lexer: inout HCLLexer, into text: inout String) {
            while let next = lexer.peek(), ("0"..."9").contains(next) {
                text.unicodeScalars.append(next)
                lexer.advance()
            }
        }
        digits(&self, into: &text)
        if peek() == ".", let after = peek(1), ("0"..."9").contains(after) {
            text += "."
            advance()
            digits(&self, into: &text)
        }
        if peek() == "e" || peek() == "E" {
            let sign = peek(1)
            let digitAt = (sign == "+" || sign == "-") ? 2 : 1
            if let digit = peek(digitAt), ("0"..."9").contains(digit) {
                text += "e"
                advance()
                if digitAt == 2 {
                    text.unicodeScalars.append(sign!)
                    advance()
                }
                digits(&self, into: &text)
            }
        }
        guard let value = Double(text) else { throw error("invalid number '\(text)'", at: start) }
        return value
    }

    private mutating func skipSpaceAndComments() {
        while let scalar = peek() {
            switch scalar {
            case " ", "\t", "\r":
                advance()
            case "#":
                while let next = peek(), next != "\n" { advance() }
            case "/" where peek(1) == "/":
                while let next = peek(), next != "\n" { advance() }
            case "/" where peek(1) == "*":
                advance()
                advance()
                while peek() != nil, !(peek() == "*" && peek(1) == "/") { advance() }
                if peek() != nil {
                    advance()
                    advance()
                }
            default:
                return
            }
        }
    }

    static func isIdentifierStart(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return scalar == "_" || scalar.properties.isAlphabetic
    }

    static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "-" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    // MARK: - Templates

    /// The parts of a quoted string (after its opening quote, through its closing quote) or of heredoc content.
    private mutating func template(quoted: Bool, opening: SourcePosition) throws(HCLSyntaxError) -> [HCLTemplateToken] {
        var parts: [HCLTemplateToken] = []
        var literal = String.UnicodeScalarView()
        func flush() {
            if !literal.isEmpty { parts.append(.literal(String(literal))) }
            literal = String.UnicodeScalarView()
        }
        while true {
            guard let scalar = peek() else {
                if quoted { throw error("unterminated quoted string: '\"' expected", at: opening) }
                flush()
                return parts
            }
            if quoted, scalar == "\"" {
                advance()
                flush()
                return parts
            }
            if quoted, scalar == "\n" {
                throw error(
                    "unterminated quoted string: a quoted string cannot span lines (use a heredoc)", at: opening)
            }
            if scalar == "$" || scalar == "%", peek(1) == scalar, peek(2) == "{" {
                literal.append(scalar)
                literal.append("{")
                advance()
                advance()
                advance()
                continue
            }
            if scalar == "$" || scalar == "%", peek(1) == "{" {
                let start = position
                advance()
                advance()
                var stripBefore = false
                if peek() == "~" {
                    stripBefore = true
                    advance()
                }
                depth += 1
                defer { depth -= 1 }
                guard depth <= Self.maximumDepth else {
                    throw error("templates nest deeper than \(Self.maximumDepth) levels", at: start)
                }
                let (tokens, stripAfter) = try tokens(insideInterpolation: true, opening: start)
                flush()
                parts.append(
                    scalar == "$"
                        ? .interpolation(tokens, position: start, stripBefore: stripBefore, stripAfter: stripAfter)
                        : .directive(tokens, position: start, stripBefore: stripBefore, stripAfter: stripAfter))
                continue
            }
            if quoted, scalar == "\\" {
                literal.append(try escape())
                continue
            }
            literal.append(scalar)
            advance()
        }
    }

    private mutating func escape() throws(HCLSyntaxError) -> Unicode.Scalar {
        let start = position
        advance()
        guard let code = peek() else { throw error("unterminated escape sequence", at: start) }
        advance()
        switch code {
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = code == "u" ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<count {
                guard let digit = peek(), digit.isASCII, let number = UInt32(String(Character(digit)), radix: 16)
                else { throw error("invalid \\\(code) escape: \(count) hexadecimal digits expected", at: start) }
                value = value * 16 + number
                advance()
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw error("invalid \\\(code) escape: not a Unicode scalar", at: start)
            }
            return scalar
        default:
            throw error("invalid escape sequence '\\\(code)'", at: start)
        }
    }

    /// `<<EOF` or `<<-EOF` through the line holding only the marker; the content is a template.
    private mutating func heredoc(start: SourcePosition) throws(HCLSyntaxError) -> [HCLTemplateToken] {
        advance()
        advance()
        var flush = false
        if peek() == "-" {
            flush = true
            advance()
        }
        guard Self.isIdentifierStart(peek()) else { throw error("heredoc marker expected after '<<'", at: start) }
        var marker = String.UnicodeScalarView()
        while let next = peek(), Self.isIdentifierPart(next) {
            marker.append(next)
            advance()
        }
        let delimiter = String(marker)
        while peek() == " " || peek() == "\t" || peek() == "\r" { advance() }
        guard peek() == "\n" else { throw error("a heredoc must continue on the next line after '<<\(delimiter)'") }
        advance()
        let contentStart = position
        var lines: [String] = []
        while true {
            guard peek() != nil else {
                throw error("unterminated heredoc: no line holding only '\(delimiter)'", at: start)
            }
            var text = String.UnicodeScalarView()
            while let next = peek(), next != "\n" {
                text.append(next)
                advance()
            }
            let content = String(text)
            if content.trimmingSpaces() == delimiter {
                // The cursor stays after the marker: the newline that follows ends the attribute.
                break
            }
            lines.append(content.hasSuffix("\r") ? String(content.dropLast()) : content)
            if peek() == "\n" { advance() }
        }
        var shift = 0
        if flush {
            let indents = lines.filter { !$0.trimmingSpaces().isEmpty }.map { line in
                line.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count
            }
            shift = indents.min() ?? 0
            lines = lines.map { line in
                let leading = line.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count
                return String(String.UnicodeScalarView(line.unicodeScalars.dropFirst(min(shift, leading))))
            }
        }
        let content = lines.map { $0 + "\n" }.joined()
        var sub = HCLLexer(
            content, start: SourcePosition(line: contentStart.line, column: 1 + shift), columnShift: shift)
        sub.depth = depth
        return try sub.template(quoted: false, opening: start)
    }
}
