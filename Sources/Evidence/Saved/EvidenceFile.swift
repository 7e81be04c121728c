public import Audit
import Foundation
import Yams

/// Reads one evidence file: JSON, or YAML (`-o yaml`) wherever JSON is accepted, within `ParseLimits`.
///
/// Evidence that exists but cannot be read is an error, never "not collected": a missing file lets another layer
/// decide (possibly PASS), so only a path that does not exist at all may mean that. The kind of a path is checked
/// with `lstat`/`stat` before it is opened, so a FIFO never blocks the audit and `/dev/zero` is never read; files
/// are read with a size bound (at most the limit plus one byte, whatever `stat` said).
public enum EvidenceFile {
    public static var maximumSize: Int { ParseLimits.default.maximumInputSize }

    /// What is at a path of the layout.
    public enum PathKind: Sendable, Equatable {
        /// Nothing: the evidence was not collected.
        case absent
        /// A regular file (directly or through symbolic links).
        case file
        /// A folder (directly or through symbolic links).
        case directory
    }

    /// What is at `path`, following symbolic links; anything that exists but is neither a regular file nor a folder,
    /// or cannot be examined, is an error naming `displayPath` and why.
    public static func kind(of path: String, displayPath: String) throws(EvidenceFileError) -> PathKind {
        var link = stat()
        if lstat(path, &link) != 0 {
            let code = errno
            if code == ENOENT { return .absent }
            throw .unreadable(path: displayPath, reason: reason(errno: code, path: path))
        }
        var target = stat()
        if stat(path, &target) != 0 {
            let code = errno
            let isLink = link.st_mode & S_IFMT == S_IFLNK
            if isLink && code == ENOENT {
                let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                throw .unreadable(
                    path: displayPath,
                    reason: "dangling symbolic link (its target \(escaped(destination)) does not exist)")
            }
            throw .unreadable(path: displayPath, reason: reason(errno: code, path: path))
        }
        switch target.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case let other: throw .unreadable(path: displayPath, reason: "\(describe(mode: other)), not a regular file")
        }
    }

    /// Loads and parses the regular file at `path`; `displayPath` names it in errors.
    public static func load(path: String, displayPath: String, limits: ParseLimits = .default)
        throws(EvidenceFileError) -> JSONValue
    {
        switch try kind(of: path, displayPath: displayPath) {
        case .file: break
        case .directory: throw .unreadable(path: displayPath, reason: "a folder, not a file")
        case .absent: throw .unreadable(path: displayPath, reason: "no such file")
        }
        return try parse(
            try read(path: path, displayPath: displayPath, limits: limits), displayPath: displayPath,
            limits: limits)
    }

    /// The bytes of a regular file, at most `limits.maximumInputSize`. Opened without blocking and checked again on
    /// the open descriptor, so a file swapped for a FIFO or device after `kind(of:)` is still refused.
    static func read(path: String, displayPath: String, limits: ParseLimits) throws(EvidenceFileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .unreadable(path: displayPath, reason: reason(errno: errno, path: path))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw .unreadable(path: displayPath, reason: reason(errno: errno, path: path))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .unreadable(path: displayPath, reason: "\(describe(mode: info.st_mode & S_IFMT)), not a regular file")
        }
        let limit = limits.maximumInputSize
        let tooLarge = EvidenceFileError.unreadable(
            path: displayPath,
            reason: "larger than \(ParseLimits.describeSize(limit)) (limit maximumInputSize)")
        if Int(info.st_size) > limit { throw tooLarge }
        var bytes = [UInt8](repeating: 0, count: min(Int(info.st_size), limit) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                if count > limit { throw tooLarge }
                bytes.append(contentsOf: repeatElement(0, count: min(max(count, 4096), limit + 1 - count)))
            }
            let got = bytes.withUnsafeMutableBytes { buffer in
                Foundation.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: displayPath, reason: reason(errno: errno, path: path))
            }
            if got == 0 { break }
            count += got
        }
        if count > limit { throw tooLarge }
        bytes.removeSubrange(count...)
        return bytes
    }

    static func reason(errno code: Int32, path: String) -> String {
        switch code {
        case ELOOP: return "symbolic link loop"
        case EACCES, EPERM: return "permission denied"
        case ENOTDIR: return "a parent folder is a file, not a folder"
        case ENOENT: return "no such file"
        case ENAMETOOLONG: return "the path is too long"
        default: return String(cString: strerror(code))
        }
    }

    static func describe(mode: mode_t) -> String {
        switch mode {
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file"
        }
    }

    /// Control characters escaped, so a hostile link target cannot forge terminal output.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Parses JSON, or YAML when the text does not start like JSON (or the name ends in .yaml/.yml).
    public static func parse(_ bytes: [UInt8], displayPath: String, limits: ParseLimits = .default)
        throws(EvidenceFileError) -> JSONValue
    {
        let lowered = displayPath.lowercased()
        let yamlName = lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml")
        let first = bytes.drop(while: { [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }).first
        let looksLikeJSON = first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        if !yamlName && (looksLikeJSON || first == nil) {
            do {
                return try JSONValue.parse(bytes, limits: limits)
            } catch {
                throw .syntax(path: displayPath, line: error.line, column: error.column, problem: error.problem)
            }
        }
        if bytes.count > limits.maximumInputSize {
            throw .unreadable(
                path: displayPath,
                reason: "larger than \(ParseLimits.describeSize(limits.maximumInputSize)) (limit maximumInputSize)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .unreadable(path: displayPath, reason: "not UTF-8 text")
        }
        return try YAMLConversion.parse(text, displayPath: displayPath, limits: limits)
    }
}

/// YAML to `JSONValue` with YAML 1.2 core-schema scalars (so `no`, `yes`, `on` stay strings), within `ParseLimits`.
///
/// ConfigMap `data` values are typed like every other scalar, as the Kubernetes API server types them: `kubectl`
/// always prints data values as quoted strings, and an unquoted `false` or `0` is a YAML boolean or number that
/// the API server would refuse, so it reaches the rules as the non-string it is (RULE.md: never coerced to text).
///
/// libyaml hands back an aliased node as the anchored node itself, so a reader that converts it pays once per use
/// and nested aliases multiply (a 413-byte file of 8 levels stands for 43 million values): `ParseBudget` counts the
/// expansions while converting and refuses the document past `maximumAliasExpansions`.
enum YAMLConversion {
    static func parse(_ text: String, displayPath: String, limits: ParseLimits = .default)
        throws(EvidenceFileError) -> JSONValue
    {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, displayPath: displayPath)
        } catch {
            throw .syntax(path: displayPath, line: 1, column: 1, problem: "\(error)")
        }
        guard let node else { return .null }
        var converter = Converter(budget: ParseBudget(limits: limits), displayPath: displayPath)
        return try converter.convert(node)
    }

    static func syntaxError(_ error: YamlError, displayPath: String) -> EvidenceFileError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return .syntax(path: displayPath, line: mark.line, column: mark.column, problem: problem)
        case .duplicatedKeysInMapping(let duplicates, _):
            return .unexpectedContent(
                path: displayPath, problem: "duplicated keys: \(duplicates.joined(separator: ", "))")
        default:
            let firstLine = "\(error)".split(separator: "\n").first.map(String.init) ?? "invalid YAML"
            return .syntax(path: displayPath, line: 1, column: 1, problem: firstLine)
        }
    }

    struct Converter {
        var budget: ParseBudget
        let displayPath: String

        mutating func enter(_ kind: ParseBudget.NodeKind, _ node: Node) throws(EvidenceFileError) {
            do {
                try budget.enter(kind, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
            } catch {
                throw .syntax(path: displayPath, line: error.line, column: error.column, problem: error.problem)
            }
        }

        mutating func convert(_ node: Node) throws(EvidenceFileError) -> JSONValue {
            switch node {
            case .scalar(let scalar):
                try enter(.scalar, node)
                do {
                    try budget.check(
                        stringOfLength: scalar.string.utf8.count, line: node.mark?.line ?? 1,
                        column: node.mark?.column ?? 1)
                } catch {
                    throw .syntax(path: displayPath, line: error.line, column: error.column, problem: error.problem)
                }
                if scalar.style != .plain { return .string(scalar.string) }
                return YAMLConversion.resolvePlain(scalar.string)
            case .sequence(let sequence):
                try enter(.sequence, node)
                defer { budget.leave() }
                var items: [JSONValue] = []
                for item in sequence { items.append(try convert(item)) }
                return .array(items)
            case .mapping(let mapping):
                try enter(.mapping, node)
                defer { budget.leave() }
                var members: [String: JSONValue] = [:]
                for (key, value) in mapping {
                    guard case .scalar = key else {
                        let line = key.mark?.line ?? 1
                        let column = key.mark?.column ?? 1
                        throw .syntax(
                            path: displayPath, line: line, column: column, problem: "a mapping key must be text")
                    }
                    guard case .string(let name) = try convert(key) else {
                        // `true:` or `1:` as a key: keep the text written, as JSON object keys are text.
                        members[key.scalar!.string] = try convert(value)
                        continue
                    }
                    members[name] = try convert(value)
                }
                return .object(members)
            case .alias:
                try enter(.scalar, node)
                return .null
            }
        }
    }

    /// YAML 1.2 core schema for plain scalars.
    static func resolvePlain(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if isInteger(text), let value = Double(text) { return .number(value) }
        if isFloat(text), let value = Double(text) { return .number(value) }
        return .string(text)
    }

    static func isInteger(_ text: String) -> Bool {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        return !body.isEmpty && body.allSatisfy(\.isASCII) && body.allSatisfy(\.isNumber)
    }

    static func isFloat(_ text: String) -> Bool {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || "eE.+-".contains($0)) }) else {
            return false
        }
        return body.contains(where: \.isNumber) && (body.first?.isNumber == true || body.first == ".")
    }
}
