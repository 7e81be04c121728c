/// One lexical token of HCL native syntax.
struct HCLToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case identifier(String)
        case number(Double)
        /// A quoted string: a template (literal text, `${…}` interpolations, `%{…}` directives).
        case quoted([HCLTemplateToken])
        /// A heredoc (`<<EOF`, `<<-EOF`): a template too.
        case heredoc([HCLTemplateToken])
        case punctuation(String)
        case newline
        case endOfFile
    }

    var kind: Kind
    var position: SourcePosition

    var isNewline: Bool {
        if case .newline = kind { return true }
        return false
    }

    func isPunctuation(_ text: String) -> Bool {
        if case .punctuation(let value) = kind { return value == text }
        return false
    }

    var identifier: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }

    /// For messages: how the token looks in the file.
    var display: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .number(let value): return "the number \(IaCValue.number(value).stringValue ?? "")"
        case .quoted: return "a quoted string"
        case .heredoc: return "a heredoc"
        case .punctuation(let text): return "'\(text)'"
        case .newline: return "a newline"
        case .endOfFile: return "the end of the file"
        }
    }
}

/// A piece of a template, with the tokens of each interpolation and directive (parsed later).
enum HCLTemplateToken: Sendable, Hashable {
    case literal(String)
    case interpolation([HCLToken], position: SourcePosition, stripBefore: Bool, stripAfter: Bool)
    case directive([HCLToken], position: SourcePosition, stripBefore: Bool, stripAfter: Bool)
}
