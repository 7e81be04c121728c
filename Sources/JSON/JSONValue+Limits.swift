/// The bounds every reader of outside input works within: saved evidence (JSON and YAML), API bodies parsed with
/// `JSONValue.parse`, and infrastructure code (HCL, Terraform plans, ROS templates).
///
/// Input comes from cloud APIs, folders people pass around and code from many authors, so a reader must refuse a
/// hostile document in bounded time and memory instead of trusting it: a 413-byte YAML file of nested aliases
/// stands for billions of nodes, and a few kilobytes of `[` exhaust the stack of a recursive parser. One set of
/// limits, shared by all readers, keeps the refusals consistent; each refusal names the limit it hit.
///
/// The defaults are far above what real evidence needs (a 50,000-pod `pods.json` has about 8 million nodes and
/// nests 15 levels deep) and far below what exhausts a laptop.
public struct ParseLimits: Sendable, Hashable {
    /// Bytes in one file or body. Larger inputs are refused before they are read.
    public var maximumInputSize: Int
    /// Nesting of arrays and objects (YAML sequences and mappings; HCL uses the smaller of this and its own cap,
    /// because each of its levels costs several stack frames).
    public var maximumDepth: Int
    /// Values in one document (every scalar, array and object counts; YAML aliases count each time they expand).
    public var maximumNodes: Int
    /// UTF-8 bytes in one string (a JSON string, a YAML scalar, an HCL token).
    public var maximumStringLength: Int
    /// Nodes produced by expanding YAML aliases (`*name`): libyaml shares the anchored node, so a reader that
    /// converts it pays once per use, and nested aliases multiply.
    public var maximumAliasExpansions: Int

    public init(
        maximumInputSize: Int = 256 << 20, maximumDepth: Int = 128, maximumNodes: Int = 10_000_000,
        maximumStringLength: Int = 16 << 20, maximumAliasExpansions: Int = 100_000
    ) {
        self.maximumInputSize = maximumInputSize
        self.maximumDepth = maximumDepth
        self.maximumNodes = maximumNodes
        self.maximumStringLength = maximumStringLength
        self.maximumAliasExpansions = maximumAliasExpansions
    }

    /// The limits ackguard uses unless a caller narrows them (tests and the fuzz suite do).
    public static let `default` = ParseLimits()

    /// `N MiB` for sizes that are whole mebibytes, else `N bytes`: how the limits appear in messages.
    public static func describeSize(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}

/// Counts what a tree reader has built against `ParseLimits`: nodes, nesting and YAML alias expansions.
///
/// YAML readers call `enter` for every node with its kind and position. libyaml hands back an aliased collection as
/// the very node the anchor marked (same kind, same line and column), so a collection met a second time at the same
/// place is an alias expansion: from there down, every node also counts against `maximumAliasExpansions`.
public struct ParseBudget: Sendable {
    public let limits: ParseLimits
    public private(set) var nodes = 0
    public private(set) var depth = 0
    public private(set) var aliasNodes = 0
    private var expanding = 0
    private var collectionsSeen: Set<Place> = []
    private var expansions: [Bool] = []

    private struct Place: Hashable {
        var isMapping: Bool
        var line: Int
        var column: Int
    }

    /// The kind of node entered.
    public enum NodeKind: Sendable {
        case scalar, sequence, mapping
    }

    public init(limits: ParseLimits = .default) {
        self.limits = limits
    }

    /// Counts one node; pair every successful `enter` with `leave`. Throws a message naming the limit exceeded.
    public mutating func enter(_ kind: NodeKind, line: Int, column: Int) throws(ParseLimitExceeded) {
        nodes += 1
        if nodes > limits.maximumNodes {
            throw ParseLimitExceeded(
                line: line, column: column,
                problem: "the document has more than \(limits.maximumNodes) values (limit maximumNodes)")
        }
        var isExpansion = false
        if kind != .scalar {
            let place = Place(isMapping: kind == .mapping, line: line, column: column)
            isExpansion = !collectionsSeen.insert(place).inserted
        }
        if isExpansion { expanding += 1 }
        if expanding > 0 {
            aliasNodes += 1
            if aliasNodes > limits.maximumAliasExpansions {
                if isExpansion { expanding -= 1 }
                throw ParseLimitExceeded(
                    line: line, column: column,
                    problem: "YAML aliases expand to more than \(limits.maximumAliasExpansions) values (limit "
                        + "maximumAliasExpansions); the anchor defined here is repeated too often")
            }
        }
        if kind == .scalar {
            if isExpansion { expanding -= 1 }
            return
        }
        depth += 1
        expansions.append(isExpansion)
        if depth > limits.maximumDepth {
            leave()
            throw ParseLimitExceeded(
                line: line, column: column,
                problem: "nesting deeper than \(limits.maximumDepth) levels (limit maximumDepth)")
        }
    }

    /// Leaves the sequence or mapping last entered.
    public mutating func leave() {
        depth -= 1
        if expansions.popLast() == true { expanding -= 1 }
    }

    /// Checks one string's length in UTF-8 bytes.
    public func check(stringOfLength length: Int, line: Int, column: Int) throws(ParseLimitExceeded) {
        if length > limits.maximumStringLength {
            throw ParseLimitExceeded(
                line: line, column: column,
                problem: "a string longer than \(ParseLimits.describeSize(limits.maximumStringLength)) (limit "
                    + "maximumStringLength)")
        }
    }
}

/// A document refused by `ParseLimits`, with the position where the limit was reached: the same positioned problem
/// as a syntax error, so callers report both alike.
public typealias ParseLimitExceeded = JSONSyntaxError
