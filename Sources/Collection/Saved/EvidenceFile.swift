import Audit
import Foundation
import Yams

/// Reads one evidence file: JSON, or YAML (`-o yaml`) wherever JSON is accepted.
public enum EvidenceFile {
    public static let maximumSize = 256 << 20

    /// Loads and parses the file at `path`; `displayPath` names it in errors.
    public static func load(path: String, displayPath: String) throws(EvidenceFileError) -> JSONValue {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? Int, size > maximumSize {
                throw EvidenceFileError.unreadable(path: displayPath, reason: "larger than \(maximumSize >> 20) MiB")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as EvidenceFileError {
            throw error
        } catch {
            throw .unreadable(path: displayPath, reason: (error as NSError).localizedDescription)
        }
        return try parse(Array(data), displayPath: displayPath)
    }

    /// Parses JSON, or YAML when the text does not start like JSON (or the name ends in .yaml/.yml).
    public static func parse(_ bytes: [UInt8], displayPath: String) throws(EvidenceFileError) -> JSONValue {
        let lowered = displayPath.lowercased()
        let yamlName = lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml")
        let first = bytes.drop(while: { [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }).first
        let looksLikeJSON = first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        if !yamlName && (looksLikeJSON || first == nil) {
            do {
                return try JSONValue.parse(bytes)
            } catch {
                throw .syntax(path: displayPath, line: error.line, column: error.column, problem: error.problem)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .unreadable(path: displayPath, reason: "not UTF-8 text")
        }
        return try YAMLConversion.parse(text, displayPath: displayPath)
    }
}

/// YAML to `JSONValue` with YAML 1.2 core-schema scalars (so `no`, `yes`, `on` stay strings), and ConfigMap-style
/// `data` maps kept as the exact text written (Kubernetes data values are strings).
enum YAMLConversion {
    static func parse(_ text: String, displayPath: String) throws(EvidenceFileError) -> JSONValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, displayPath: displayPath)
        } catch {
            throw .syntax(path: displayPath, line: 1, column: 1, problem: "\(error)")
        }
        guard let node else { return .null }
        return try convert(node, keepText: false, displayPath: displayPath)
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

    static func convert(_ node: Node, keepText: Bool, displayPath: String) throws(EvidenceFileError) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if keepText || scalar.style != .plain { return .string(scalar.string) }
            return resolvePlain(scalar.string)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence { items.append(try convert(item, keepText: false, displayPath: displayPath)) }
            return .array(items)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    let line = key.mark?.line ?? 1
                    let column = key.mark?.column ?? 1
                    throw .syntax(path: displayPath, line: line, column: column, problem: "a mapping key must be text")
                }
                let name = keyScalar.string
                let isData = name == "data" || name == "stringData"
                if isData, case .mapping = value {
                    var data: [String: JSONValue] = [:]
                    for (dataKey, dataValue) in value.mapping! {
                        data[dataKey.string ?? ""] = try convert(dataValue, keepText: true, displayPath: displayPath)
                    }
                    members[name] = .object(data)
                } else {
                    members[name] = try convert(value, keepText: false, displayPath: displayPath)
                }
            }
            return .object(members)
        case .alias:
            return .null
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
