import Yams

/// Reads a YAML document into `SourceNode`s with the positions libyaml reports (1-based, columns in scalars).
enum SourceYAMLReader {
    struct Failure: Error {
        var line: Int
        var column: Int
        var message: String
    }

    static func parse(_ text: String) throws(Failure) -> SourceNode? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw failure(from: error)
        } catch {
            throw Failure(line: 0, column: 0, message: "\(error)")
        }
        guard let root else { return nil }
        var budget = maximumNodes
        guard let converted = convert(root, budget: &budget) else {
            throw Failure(
                line: 0, column: 0,
                message: "the YAML document expands to more than \(maximumNodes) nodes (aliases); not read")
        }
        return converted
    }

    /// Aliases share nodes, so a small document can stand for an enormous tree; reading stops beyond this.
    static let maximumNodes = 1_000_000

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

    /// The node as a `SourceNode`, or `nil` when the budget of nodes runs out.
    static func convert(_ node: Node, budget: inout Int) -> SourceNode? {
        budget -= 1
        if budget < 0 { return nil }
        let position = node.mark.map { SourcePosition(line: $0.line, column: $0.column) } ?? .start
        let plain: SourceNode.Value
        let tag = node.tag.description
        switch node {
        case .scalar(let scalar):
            switch tag {
            case "tag:yaml.org,2002:null": plain = .null
            case "tag:yaml.org,2002:bool": plain = node.bool.map { .bool($0) } ?? .string(scalar.string)
            case "tag:yaml.org,2002:int": plain = node.int.map { .number(Double($0)) } ?? .string(scalar.string)
            case "tag:yaml.org,2002:float": plain = node.float.map { .number($0) } ?? .string(scalar.string)
            default: plain = .string(scalar.string)
            }
        case .mapping(let mapping):
            var members: [SourceNode.Member] = []
            for pair in mapping {
                let keyPosition = pair.key.mark.map { SourcePosition(line: $0.line, column: $0.column) } ?? position
                guard let value = convert(pair.value, budget: &budget) else { return nil }
                members.append(
                    SourceNode.Member(
                        key: pair.key.scalar?.string ?? "\(pair.key)", keyPosition: keyPosition, value: value))
            }
            plain = .object(members)
        case .sequence(let sequence):
            var items: [SourceNode] = []
            for item in sequence {
                guard let converted = convert(item, budget: &budget) else { return nil }
                items.append(converted)
            }
            plain = .array(items)
        case .alias(let alias):
            plain = .string(alias.anchor.rawValue)
        }
        let result = SourceNode(value: plain, position: position)
        if standardTags.contains(tag) { return result }
        return SourceNode(value: .tagged(tag: tag, result), position: position)
    }
}
