import Foundation

/// The `~/.alibabacloud/credentials` ini format as the official SDKs read it (Python `configparser` plus their
/// post-processing): `[section]` headers, `key = value` or `key: value` lines, keys case-insensitive, values
/// trimmed and cut at the first `#`, whole-line comments starting with `#` or `;`.
struct INIFile: Sendable {
    /// Section name → lower-cased key → value.
    var sections: [String: [String: String]]

    /// - Throws: `CredentialError.malformedFile` naming the line for a key outside a section, a line that is
    ///   neither a header nor a key/value pair, a duplicate section or a duplicate key.
    static func parse(_ text: String, path: String) throws -> INIFile {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw CredentialError.malformedFile(path: path, reason: "line \(lineNumber): bad section header")
                }
                let name = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                guard sections[name] == nil else {
                    throw CredentialError.malformedFile(
                        path: path, reason: "line \(lineNumber): section [\(name)] appears twice")
                }
                sections[name] = [:]
                current = name
                continue
            }
            guard let section = current else {
                throw CredentialError.malformedFile(
                    path: path, reason: "line \(lineNumber): key outside of any [section]")
            }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw CredentialError.malformedFile(
                    path: path, reason: "line \(lineNumber): expected 'key = value'")
            }
            let key = line[..<separator].trimmingCharacters(in: .whitespaces).lowercased()
            var value = Substring(line[line.index(after: separator)...])
            if let comment = value.firstIndex(of: "#") {
                value = value[..<comment]
            }
            guard !key.isEmpty else {
                throw CredentialError.malformedFile(path: path, reason: "line \(lineNumber): empty key")
            }
            guard sections[section]?[key] == nil else {
                throw CredentialError.malformedFile(
                    path: path, reason: "line \(lineNumber): key '\(key)' appears twice in [\(section)]")
            }
            sections[section]?[key] = value.trimmingCharacters(in: .whitespaces)
        }
        return INIFile(sections: sections)
    }
}
