/// One Terraform folder: the declarations of all its `.tf` files (a module), as parsed.
struct TerraformModule: Sendable {
    struct Variable: Sendable {
        var name: String
        var defaultValue: HCLExpression?
        var type: HCLExpression?
        var file: String
        var position: SourcePosition
    }

    struct Declaration: Sendable {
        var expression: HCLExpression
        var file: String
        /// Where the name is declared (`l1 = …`), for notes.
        var position: SourcePosition = .start
    }

    struct Resource: Sendable {
        var type: String
        var name: String
        var block: HCLBlock
        var file: String

        var address: String { "\(type).\(name)" }
    }

    struct ModuleCall: Sendable {
        var name: String
        var block: HCLBlock
        var file: String
        /// The `source` when it is a literal string.
        var source: String?
    }

    struct Provider: Sendable {
        var name: String
        var alias: String?
        var body: HCLBody
        var file: String
    }

    var directory: String
    var files: [String] = []
    var variables: [String: Variable] = [:]
    var locals: [String: Declaration] = [:]
    var resources: [Resource] = []
    var moduleCalls: [ModuleCall] = []
    var outputs: [String: Declaration] = [:]
    var providers: [Provider] = []
    /// `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars(.json)` in name order: what Terraform loads
    /// for a root module.
    var automaticVariableFiles: [String] = []
    /// Other `.tfvars` files of the folder (Terraform reads them only with `-var-file`).
    var otherVariableFiles: [String] = []

    /// Adds the declarations of one parsed file.
    mutating func add(_ body: HCLBody, file: String) {
        files.append(file)
        for block in body.blocks {
            switch block.type {
            case "variable" where block.labels.count == 1:
                let name = block.labels[0]
                variables[name] = Variable(
                    name: name, defaultValue: block.body.attribute("default")?.expression,
                    type: block.body.attribute("type")?.expression, file: file, position: block.position)
            case "locals":
                for attribute in block.body.attributes {
                    locals[attribute.name] = Declaration(
                        expression: attribute.expression, file: file, position: attribute.position)
                }
            case "resource" where block.labels.count == 2:
                resources.append(Resource(type: block.labels[0], name: block.labels[1], block: block, file: file))
            case "module" where block.labels.count == 1:
                var source: String?
                if case .template(let parts, _)? = block.body.attribute("source")?.expression,
                    parts.allSatisfy({ if case .literal = $0 { true } else { false } })
                {
                    source = parts.map { if case .literal(let text) = $0 { text } else { "" } }.joined()
                }
                moduleCalls.append(ModuleCall(name: block.labels[0], block: block, file: file, source: source))
            case "output" where block.labels.count == 1:
                if let value = block.body.attribute("value")?.expression {
                    outputs[block.labels[0]] = Declaration(expression: value, file: file)
                }
            case "provider" where block.labels.count == 1:
                var alias: String?
                if case .template(let parts, _)? = block.body.attribute("alias")?.expression,
                    parts.count == 1, case .literal(let text) = parts[0]
                {
                    alias = text
                }
                providers.append(Provider(name: block.labels[0], alias: alias, body: block.body, file: file))
            default:
                break
            }
        }
    }

    /// Whether `source` names a folder on disk (Terraform: it starts with `./` or `../`).
    static func isLocalSource(_ source: String) -> Bool {
        source.hasPrefix("./") || source.hasPrefix("../") || source == "." || source == ".."
    }
}
