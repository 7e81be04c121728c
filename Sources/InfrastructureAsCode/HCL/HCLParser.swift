import Audit

/// Parses HCL native syntax (the Terraform language's files) into bodies, blocks, attributes and expressions.
///
/// Newlines end attributes; inside parentheses, brackets and function calls they are ignored; inside object
/// constructors they separate items, as commas do.
struct HCLParser {
    private var tokens: [HCLToken]
    private var index = 0
    /// Whether newlines are tokens at the current nesting (`true` in bodies and objects).
    private var newlineSensitive: [Bool]
    /// How deep blocks and expressions nest here; bounded so a hostile file cannot exhaust the stack.
    private var depth = 0
    static let maximumDepth = 64

    /// The nesting allowed here: the smaller of `maximumDepth` and `ParseLimits.maximumDepth` (each HCL level costs
    /// several stack frames, so HCL keeps its own, smaller cap).
    private var depthLimit = Self.maximumDepth

    private init(tokens: [HCLToken], newlineSensitive: Bool, limits: ParseLimits = .default) {
        self.tokens = tokens
        self.newlineSensitive = [newlineSensitive]
        depthLimit = min(Self.maximumDepth, limits.maximumDepth)
    }

    /// A whole file, within `limits`.
    static func parseFile(_ text: String, limits: ParseLimits = .default) throws(HCLSyntaxError) -> HCLBody {
        var parser = HCLParser(
            tokens: try HCLLexer.tokenize(text, limits: limits), newlineSensitive: true, limits: limits)
        return try parser.body(opening: nil)
    }

    /// One expression (a `--var` value of a complex type).
    static func parseExpression(_ text: String) throws(HCLSyntaxError) -> HCLExpression {
        var parser = HCLParser(tokens: try HCLLexer.tokenize(text), newlineSensitive: false)
        let expression = try parser.expression()
        guard case .endOfFile = parser.current.kind else {
            throw parser.error("unexpected \(parser.current.display) after the expression")
        }
        return expression
    }

    // MARK: - Cursor

    private mutating func skipIgnoredNewlines() {
        if newlineSensitive.last == false {
            while tokens[index].isNewline { index += 1 }
        }
    }

    private var current: HCLToken {
        mutating get {
            skipIgnoredNewlines()
            return tokens[index]
        }
    }

    /// The token after the current one, without skipping newlines.
    private var next: HCLToken {
        mutating get {
            skipIgnoredNewlines()
            return tokens[min(index + 1, tokens.count - 1)]
        }
    }

    private mutating func advance() {
        skipIgnoredNewlines()
        if index < tokens.count - 1 { index += 1 }
    }

    private mutating func skipNewlines() {
        while tokens[index].isNewline { index += 1 }
    }

    private func error(_ message: String, at position: SourcePosition? = nil) -> HCLSyntaxError {
        HCLSyntaxError(position: position ?? tokens[index].position, message: message)
    }

    private mutating func expect(_ punctuation: String, _ context: String) throws(HCLSyntaxError) {
        guard current.isPunctuation(punctuation) else {
            throw error("'\(punctuation)' expected \(context), found \(current.display)")
        }
        advance()
    }

    private mutating func withNewlines<T>(
        significant: Bool, _ body: (inout HCLParser) throws(HCLSyntaxError) -> T
    ) throws(HCLSyntaxError) -> T {
        try enter()
        newlineSensitive.append(significant)
        defer {
            newlineSensitive.removeLast()
            depth -= 1
        }
        return try body(&self)
    }

    private mutating func enter() throws(HCLSyntaxError) {
        depth += 1
        if depth > depthLimit {
            depth -= 1
            throw error("blocks or expressions nest deeper than \(depthLimit) levels (limit maximumDepth)")
        }
    }

    // MARK: - Bodies

    private mutating func body(opening: (type: String, position: SourcePosition)?) throws(HCLSyntaxError) -> HCLBody {
        var body = HCLBody()
        var seen: [String: SourcePosition] = [:]
        while true {
            skipNewlines()
            let token = tokens[index]
            if case .endOfFile = token.kind {
                if let opening {
                    throw error(
                        "unclosed block '\(opening.type)' opened at line \(opening.position.line), column "
                            + "\(opening.position.column): '}' expected", at: token.position)
                }
                return body
            }
            if token.isPunctuation("}") {
                if opening != nil { return body }
                throw error("unexpected '}': no block is open here")
            }
            guard let name = token.identifier else {
                throw error("an argument or block definition is expected here, found \(token.display)")
            }
            index += 1
            let after = tokens[index]
            if after.isPunctuation("=") {
                index += 1
                let expression = try expression()
                if let previous = seen[name] {
                    throw error(
                        "the argument '\(name)' was already set at line \(previous.line), column \(previous.column)",
                        at: token.position)
                }
                seen[name] = token.position
                body.attributes.append(HCLAttribute(name: name, expression: expression, position: token.position))
                try endOfItem(after: "the argument '\(name)'", insideBlock: opening != nil)
                continue
            }
            var labels: [String] = []
            while true {
                let label = tokens[index]
                if let identifier = label.identifier {
                    labels.append(identifier)
                } else if case .quoted(let parts) = label.kind {
                    guard parts.allSatisfy({ if case .literal = $0 { true } else { false } }) else {
                        throw error("a block label cannot contain interpolations", at: label.position)
                    }
                    labels.append(parts.map { if case .literal(let text) = $0 { text } else { "" } }.joined())
                } else {
                    break
                }
                index += 1
            }
            guard tokens[index].isPunctuation("{") else {
                if labels.isEmpty {
                    throw error("'=' or a block expected after '\(name)', found \(tokens[index].display)")
                }
                throw error("'{' expected to open the block '\(name)', found \(tokens[index].display)")
            }
            index += 1
            try enter()
            let inner = try self.body(opening: (name, token.position))
            depth -= 1
            index += 1  // '}'
            body.blocks.append(HCLBlock(type: name, labels: labels, body: inner, position: token.position))
            try endOfItem(after: "the block '\(name)'", insideBlock: opening != nil)
        }
    }

    /// After an attribute or block: a newline, the end of the file or (inside a block) its closing brace. A
    /// following `name =` on the same line is accepted inside a block (one-line blocks with several arguments).
    private mutating func endOfItem(after what: String, insideBlock: Bool) throws(HCLSyntaxError) {
        let token = tokens[index]
        switch token.kind {
        case .newline, .endOfFile: return
        case .punctuation("}") where insideBlock: return
        case .identifier where insideBlock && tokens[index + 1].isPunctuation("="): return
        default: throw error("a newline is expected after \(what), found \(token.display)")
        }
    }

    // MARK: - Expressions

    mutating func expression() throws(HCLSyntaxError) -> HCLExpression {
        let condition = try binary(level: 0)
        guard current.isPunctuation("?") else { return condition }
        advance()
        let whenTrue = try expression()
        try expect(":", "in the conditional expression")
        let whenFalse = try expression()
        return .conditional(condition, whenTrue, whenFalse, condition.position)
    }

    private static let binaryLevels: [[String]] = [
        ["||"], ["&&"], ["==", "!="], ["<", ">", "<=", ">="], ["+", "-"], ["*", "/", "%"],
    ]

    private mutating func binary(level: Int) throws(HCLSyntaxError) -> HCLExpression {
        guard level < Self.binaryLevels.count else { return try unary() }
        var lhs = try binary(level: level + 1)
        while case .punctuation(let op) = current.kind, Self.binaryLevels[level].contains(op) {
            advance()
            let rhs = try binary(level: level + 1)
            lhs = .binary(op, lhs, rhs, lhs.position)
        }
        return lhs
    }

    private mutating func unary() throws(HCLSyntaxError) -> HCLExpression {
        let token = current
        if token.isPunctuation("!") || token.isPunctuation("-") {
            advance()
            try enter()
            defer { depth -= 1 }
            guard case .punctuation(let op) = token.kind else { return try unary() }
            return .unary(op, try unary(), token.position)
        }
        return try postfix()
    }

    private mutating func postfix() throws(HCLSyntaxError) -> HCLExpression {
        var expression = try primary()
        while true {
            // A newline where newlines count ends the expression.
            let token = newlineSensitive.last == true ? tokens[index] : current
            if token.isPunctuation(".") {
                advance()
                let step = current
                switch step.kind {
                case .identifier(let name):
                    advance()
                    expression = .attribute(expression, name, expression.position)
                case .number(let number):
                    advance()
                    expression = .index(expression, .literal(.number(number), step.position), expression.position)
                case .punctuation("*"):
                    advance()
                    expression = .splat(expression, try splatSteps(), expression.position)
                default:
                    throw error("an attribute name is expected after '.', found \(step.display)")
                }
            } else if token.isPunctuation("[") {
                advance()
                if current.isPunctuation("*") && next.isPunctuation("]") {
                    advance()
                    advance()
                    expression = .splat(expression, try splatSteps(), expression.position)
                    continue
                }
                let key = try withNewlines(significant: false) { (parser: inout HCLParser) throws(HCLSyntaxError) in
                    let key = try parser.expression()
                    try parser.expect("]", "to close the index")
                    return key
                }
                expression = .index(expression, key, expression.position)
            } else {
                return expression
            }
        }
    }

    private mutating func splatSteps() throws(HCLSyntaxError) -> [HCLSplatStep] {
        var steps: [HCLSplatStep] = []
        while true {
            let token = newlineSensitive.last == true ? tokens[index] : current
            if token.isPunctuation("."), case .identifier(let name) = tokens[index + 1].kind {
                advance()
                advance()
                steps.append(.attribute(name))
            } else if token.isPunctuation("[") {
                advance()
                let key = try withNewlines(significant: false) { (parser: inout HCLParser) throws(HCLSyntaxError) in
                    let key = try parser.expression()
                    try parser.expect("]", "to close the index")
                    return key
                }
                steps.append(.index(key))
            } else {
                return steps
            }
        }
    }

    private mutating func primary() throws(HCLSyntaxError) -> HCLExpression {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return .literal(.number(value), token.position)
        case .quoted(let parts), .heredoc(let parts):
            advance()
            return .template(try template(parts), token.position)
        case .identifier(let name):
            advance()
            switch name {
            case "true": return .literal(.bool(true), token.position)
            case "false": return .literal(.bool(false), token.position)
            case "null": return .literal(.null, token.position)
            default: break
            }
            var function = name
            while tokens[index].isPunctuation("::"), case .identifier(let part) = tokens[index + 1].kind {
                index += 2
                function += "::" + part
            }
            if tokens[index].isPunctuation("(") {
                return try call(function, at: token.position)
            }
            return .variable(name, token.position)
        case .punctuation("("):
            advance()
            return try withNewlines(significant: false) { (parser: inout HCLParser) throws(HCLSyntaxError) in
                let inner = try parser.expression()
                try parser.expect(")", "to close the parenthesis")
                return .parenthesized(inner, token.position)
            }
        case .punctuation("["):
            advance()
            return try withNewlines(significant: false) { (parser: inout HCLParser) throws(HCLSyntaxError) in
                if parser.current.identifier == "for" {
                    let forExpression = try parser.forExpression(object: false, closing: "]")
                    return .forExpression(forExpression, token.position)
                }
                var items: [HCLExpression] = []
                while !parser.current.isPunctuation("]") {
                    items.append(try parser.expression())
                    if parser.current.isPunctuation(",") {
                        parser.advance()
                    } else if !parser.current.isPunctuation("]") {
                        throw parser.error("',' or ']' expected in the list, found \(parser.current.display)")
                    }
                }
                parser.advance()
                return .tuple(items, token.position)
            }
        case .punctuation("{"):
            advance()
            return try object(at: token.position)
        default:
            throw error("an expression is expected here, found \(token.display)")
        }
    }

    private mutating func call(_ name: String, at position: SourcePosition) throws(HCLSyntaxError) -> HCLExpression {
        index += 1  // '('
        return try withNewlines(significant: false) { (parser: inout HCLParser) throws(HCLSyntaxError) in
            var arguments: [HCLExpression] = []
            var expandLast = false
            while !parser.current.isPunctuation(")") {
                arguments.append(try parser.expression())
                if parser.current.isPunctuation("...") {
                    parser.advance()
                    expandLast = true
                    guard parser.current.isPunctuation(")") else {
                        throw parser.error("')' expected after '...', found \(parser.current.display)")
                    }
                    break
                }
                if parser.current.isPunctuation(",") {
                    parser.advance()
                } else if !parser.current.isPunctuation(")") {
                    throw parser.error(
                        "',' or ')' expected in the arguments of \(name)(), found \(parser.current.display)")
                }
            }
            parser.advance()
            return .call(name, arguments, expandLast: expandLast, position)
        }
    }

    private mutating func object(at position: SourcePosition) throws(HCLSyntaxError) -> HCLExpression {
        try withNewlines(significant: true) { (parser: inout HCLParser) throws(HCLSyntaxError) in
            parser.skipNewlines()
            if parser.current.identifier == "for" {
                return try parser.withNewlines(significant: false) { (inner: inout HCLParser) throws(HCLSyntaxError) in
                    .forExpression(try inner.forExpression(object: true, closing: "}"), position)
                }
            }
            var items: [HCLObjectItem] = []
            while true {
                parser.skipNewlines()
                if parser.current.isPunctuation("}") {
                    parser.advance()
                    return .object(items, position)
                }
                let key: HCLObjectItem.Key
                if let name = parser.current.identifier,
                    parser.next.isPunctuation("=") || parser.next.isPunctuation(":")
                {
                    parser.advance()
                    key = .name(name)
                } else {
                    key = .expression(try parser.expression())
                }
                guard parser.current.isPunctuation("=") || parser.current.isPunctuation(":") else {
                    throw parser.error("'=' or ':' expected after the object key, found \(parser.current.display)")
                }
                parser.advance()
                let value = try parser.expression()
                items.append(HCLObjectItem(key: key, value: value))
                let separator = parser.tokens[parser.index]
                if separator.isPunctuation(",") {
                    parser.index += 1
                } else if separator.isNewline {
                    parser.skipNewlines()
                } else if !separator.isPunctuation("}") {
                    throw parser.error("',' or a newline expected between object items, found \(separator.display)")
                }
            }
        }
    }

    private mutating func forExpression(object: Bool, closing: String) throws(HCLSyntaxError) -> HCLForExpression {
        advance()  // 'for'
        guard let first = current.identifier else {
            throw error("a variable name is expected after 'for', found \(current.display)")
        }
        advance()
        var keyName: String?
        var valueName = first
        if current.isPunctuation(",") {
            advance()
            guard let second = current.identifier else {
                throw error("a variable name is expected after ',', found \(current.display)")
            }
            advance()
            keyName = first
            valueName = second
        }
        guard current.identifier == "in" else {
            throw error("'in' expected in the for expression, found \(current.display)")
        }
        advance()
        let collection = try expression()
        try expect(":", "after the collection of the for expression")
        var keyExpression: HCLExpression?
        var valueExpression = try expression()
        var grouping = false
        if object {
            try expect("=>", "between the key and the value of the for expression")
            keyExpression = valueExpression
            valueExpression = try expression()
            if current.isPunctuation("...") {
                advance()
                grouping = true
            }
        }
        var condition: HCLExpression?
        if current.identifier == "if" {
            advance()
            condition = try expression()
        }
        try expect(closing, "to close the for expression")
        return HCLForExpression(
            keyName: keyName, valueName: valueName, collection: collection, keyExpression: keyExpression,
            valueExpression: valueExpression, grouping: grouping, condition: condition)
    }

    // MARK: - Templates

    private func template(_ tokens: [HCLTemplateToken]) throws(HCLSyntaxError) -> [HCLTemplatePart] {
        var parts: [HCLTemplatePart] = []
        var stripNext = false
        for token in tokens {
            switch token {
            case .literal(var text):
                if stripNext { text = String(text.drop { $0.isWhitespace }) }
                stripNext = false
                parts.append(.literal(text))
            case .interpolation(let inner, let position, let stripBefore, let stripAfter):
                if stripBefore { Self.stripTrailingWhitespace(&parts) }
                var parser = HCLParser(tokens: inner, newlineSensitive: false)
                // An interpolation nests inside the expression around it: the same stack, the same cap.
                parser.depth = depth
                parser.depthLimit = depthLimit
                guard !(parser.current.kind == .endOfFile) else {
                    throw HCLSyntaxError(position: position, message: "an empty interpolation '${}'")
                }
                let expression = try parser.expression()
                guard case .endOfFile = parser.current.kind else {
                    throw parser.error("unexpected \(parser.current.display) in the interpolation")
                }
                parts.append(.interpolation(expression))
                stripNext = stripAfter
            case .directive(let inner, let position, let stripBefore, let stripAfter):
                if stripBefore { Self.stripTrailingWhitespace(&parts) }
                let keyword = inner.first?.identifier ?? "?"
                parts.append(.directive(keyword, position))
                stripNext = stripAfter
            }
        }
        return parts
    }

    private static func stripTrailingWhitespace(_ parts: inout [HCLTemplatePart]) {
        guard case .literal(let text)? = parts.last else { return }
        var trimmed = text
        while let last = trimmed.last, last.isWhitespace { trimmed.removeLast() }
        parts[parts.count - 1] = .literal(trimmed)
    }
}
