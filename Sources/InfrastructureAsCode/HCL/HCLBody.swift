/// The content of a file or of a block: attributes and nested blocks, in file order.
struct HCLBody: Sendable, Hashable {
    var attributes: [HCLAttribute] = []
    var blocks: [HCLBlock] = []

    func attribute(_ name: String) -> HCLAttribute? {
        attributes.first { $0.name == name }
    }

    func blocks(_ type: String) -> [HCLBlock] {
        blocks.filter { $0.type == type }
    }
}

/// `name = expression`.
struct HCLAttribute: Sendable, Hashable {
    var name: String
    var expression: HCLExpression
    /// Where the attribute's name starts.
    var position: SourcePosition
}

/// `type "label" … { body }`.
struct HCLBlock: Sendable, Hashable {
    var type: String
    var labels: [String]
    var body: HCLBody
    /// Where the block's type keyword starts.
    var position: SourcePosition
}
