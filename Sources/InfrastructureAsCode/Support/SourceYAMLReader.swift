import Audit
import Yams

/// Reads a YAML document into `SourceNode`s with the positions libyaml reports (1-based, columns in scalars).
enum SourceYAMLReader {
    struct Failure: Error {
        var line: Int
        var column: Int
        var message: String
    }

    static func parse(_ text: String, limits: ParseLimits = .default) throws(Failure) -> SourceNode? {
        if text.utf8.count > limits.maximumInputSize {
            throw Failure(
                line: 0, column: 0,
                message: "the file is larger than \(ParseLimits.describeSize(limits.maximumInputSize)) (limit "
                    + "maximumInputSize)")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw failure(from: error)
        } catch {
            throw Failure(line: 0, column: 0, message: "\(error)")
        }
        guard let root else { return nil }
        var budget = ParseBudget(limits: limits)
        do {
            return try convert(root, budget: &budget)
        } catch {
            throw Failure(line: error.line, column: error.column, message: error.problem + "; not read")
        }
    }

    static func failure(from error: YamlError) -> Failure {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text) (line \($0.mark.line), column \($0.mark.column)): " } ?? ""
            return Failure(line: mark.line, column: mark.column, message: "invalid YAML: \(detail)\(problem)")
        case .reader(let problem, _, _, _):
            return Failure(line: 0, column: 0, message: "cannot read the YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Failure(
                line: context.mark.line, column: context.mark.column,
                message: "duplicate keys in a mapping: \(duplicates.joined(separator: ", "))")
        default:
            return Failure(line: 0, column: 0, message: "invalid YAML: \(error)")
        }
    }

    static let standardTags: Set<String> = [
        "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:timestamp",
        "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value", "tag:yaml.org,2002:binary", "!", "",
    ]

    /// The node as a `SourceNode`, counting nodes, nesting and alias expansions against the limits (aliases share
    /// nodes, so a small document can stand for an enormous tree).
    static func convert(_ node: Node, budget: inout ParseBudget) throws(ParseLimitExceeded) -> SourceNode {
        let position = node.mark.map { SourcePosition(line: $0.line, column: $0.column) } ?? .start
        let plain: SourceNode.Value
        let tag = node.tag.description
        switch node {
        case .scalar(let scalar):
            try budget.enter(.scalar, line: position.line, column: position.column)
            try budget.check(stringOfLength: scalar.string.utf8.count, line: position.line, column: position.column)
            switch tag {
            case "tag:yaml.org,2002:null": plain = .null
            case "tag:yaml.org,2002:bool": plain = node.bool.map { .bool($0) } ?? .string(scalar.string)
            case "tag:yaml.org,2002:int": plain = node.int.map { .number(Double($0)) } ?? .string(scalar.string)
            case "tag:yaml.org,2002:float":
                plain = node.float.flatMap { $0.isFinite ? .number($0) : nil } ?? .string(scalar.string)
            default: plain = .string(scalar.string)
            }
        case .mapping(let mapping):
            try budget.enter(.mapping, line: position.line, column: position.column)
            defer { budget.leave() }
            var members: [SourceNode.Member] = []
            for pair in mapping {
                let keyPosition = pair.key.mark.map { SourcePosition(line: $0.line, column: $0.column) } ?? position
                let value = try convert(pair.value, budget: &budget)
                members.append(
                    SourceNode.Member(
                        key: pair.key.scalar?.string ?? "(a key that is not text)", keyPosition: keyPosition,
                        value: value))
            }
            plain = .object(members)
        case .sequence(let sequence):
            try budget.enter(.sequence, line: position.line, column: position.column)
            defer { budget.leave() }
            var items: [SourceNode] = []
            for item in sequence { items.append(try convert(item, budget: &budget)) }
            plain = .array(items)
        case .alias(let alias):
            try budget.enter(.scalar, line: position.line, column: position.column)
            plain = .string(alias.anchor.rawValue)
        }
        let result = SourceNode(value: plain, position: position)
        if standardTags.contains(tag) { return result }
        return SourceNode(value: .tagged(tag: tag, result), position: position)
    }
}
