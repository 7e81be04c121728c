import Audit

/// `.tfvars` (HCL attributes) and `.tfvars.json` files: variable values.
enum TerraformVariableFile {
    static func read(_ path: String, workspace: IaCWorkspace) -> [String: IaCValue] {
        guard let text = workspace.readText(path) else { return [:] }
        workspace.markScanned(path)
        if path.hasSuffix(".json") {
            do {
                guard case .object(let members) = try JSONValue.parse(text) else {
                    workspace.diagnose(path, .start, "a .tfvars.json file must hold a JSON object")
                    return [:]
                }
                return members.mapValues(IaCValue.init)
            } catch {
                workspace.diagnose(path, SourcePosition(line: error.line, column: error.column), error.problem)
                return [:]
            }
        }
        let body: HCLBody
        do {
            body = try HCLParser.parseFile(text, limits: workspace.limits)
        } catch {
            workspace.diagnose(path, error.position, error.message)
            return [:]
        }
        if let block = body.blocks.first {
            workspace.diagnose(path, block.position, "a .tfvars file holds only 'name = value' assignments, not blocks")
            return [:]
        }
        let evaluator = HCLEvaluator(
            resolveReference: { _, _ in nil }, readFile: { _ in .unknown("file() in a .tfvars file") },
            budget: workspace.budget)
        var values: [String: IaCValue] = [:]
        for attribute in body.attributes {
            workspace.budget.begin()
            values[attribute.name] = evaluator.evaluate(attribute.expression)
            workspace.budget.end()
            if let stop = workspace.budget.unclaimedStop {
                workspace.budget.unclaimedStop = nil
                workspace.notice(
                    "\(path):\(attribute.position.line):\(attribute.position.column): \(attribute.name) is not "
                        + "evaluated: \(stop); values that use it are unknown")
            }
        }
        return values
    }

    /// A `--var NAME=VALUE` value: the raw string for primitive (or undeclared) types, else an HCL expression.
    static func commandLineValue(_ text: String, type: HCLExpression?) -> IaCValue {
        guard let type, !["string", "number", "bool"].contains(type.traversalText ?? "") else { return .string(text) }
        do {
            let expression = try HCLParser.parseExpression(text)
            let budget = EvaluationBudget()
            budget.begin()
            defer { budget.end() }
            return HCLEvaluator(
                resolveReference: { _, _ in nil }, readFile: { _ in .unknown("file() in --var") }, budget: budget
            )
            .evaluate(expression)
        } catch {
            return .invalid("the --var value is not a valid expression (\(error.description))")
        }
    }

    /// Terraform's conversion of a value to a primitive type constraint (`string`, `number`, `bool`).
    static func convert(_ value: IaCValue, to type: HCLExpression?) -> IaCValue {
        guard case .unknown = value else {
            switch type?.traversalText {
            case "string":
                if value.isNull { return value }
                return value.stringValue.map(IaCValue.string) ?? value
            case "bool":
                return value.boolValue.map(IaCValue.bool) ?? value
            case "number":
                return value.numberValue.map(IaCValue.number) ?? value
            default:
                return value
            }
        }
        return value
    }
}
