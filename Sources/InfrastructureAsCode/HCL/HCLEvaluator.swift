import Audit

/// A traversal step with its index already evaluated.
enum HCLResolvedStep: Sendable, Hashable {
    case attribute(String)
    case index(IaCValue)

    var text: String {
        switch self {
        case .attribute(let name): return ".\(name)"
        case .index(let key): return "[\(key.json?.serialized() ?? "…")]"
        }
    }
}

/// Evaluates HCL expressions to values, marking as unknown what the files cannot tell.
struct HCLEvaluator {
    /// Resolves a root name (`var`, `local`, a resource type, …) with the steps that follow it: the value and how
    /// many steps it used, or `nil` when the name means nothing here.
    var resolveReference: (String, [HCLResolvedStep]) -> (value: IaCValue, consumed: Int)?
    /// Reads a file for `file()`, relative to the module folder.
    var readFile: (String) -> IaCValue
    /// Names bound by `for` expressions.
    var scope: [String: IaCValue] = [:]
    /// The evaluation budget of the scan (`nil`: unbounded, for constants the parser already bounded).
    var budget: EvaluationBudget?

    init(
        resolveReference: @escaping (String, [HCLResolvedStep]) -> (value: IaCValue, consumed: Int)?,
        readFile: @escaping (String) -> IaCValue, budget: EvaluationBudget? = nil
    ) {
        self.resolveReference = resolveReference
        self.readFile = readFile
        self.budget = budget
    }

    func evaluate(_ expression: HCLExpression) -> IaCValue {
        guard let budget else { return evaluateExpression(expression) }
        if let stopped = budget.spend() { return stopped }
        let value = evaluateExpression(expression)
        if case .string(let text) = value, let stopped = budget.admit(stringOfLength: text.utf8.count) {
            return stopped
        }
        return value
    }

    private func evaluateExpression(_ expression: HCLExpression) -> IaCValue {
        switch expression {
        case .literal(let value, _):
            return value
        case .template(let parts, _):
            return template(parts)
        case .variable, .attribute, .index:
            if let traversal = expression.traversal { return evaluateTraversal(traversal.root, traversal.steps) }
            switch expression {
            case .attribute(let base, let name, _):
                return Self.apply(.attribute(name), to: evaluate(base))
            case .index(let base, let key, _):
                return Self.apply(.index(evaluate(key)), to: evaluate(base))
            default:
                return .invalid("an invalid reference")
            }
        case .splat(let base, let steps, _):
            let collection = evaluate(base)
            let resolved = steps.map { step -> HCLResolvedStep in
                switch step {
                case .attribute(let name): return .attribute(name)
                case .index(let key): return .index(evaluate(key))
                }
            }
            func applyAll(_ value: IaCValue) -> IaCValue {
                resolved.reduce(value) { Self.apply($1, to: $0) }
            }
            switch collection {
            case .unknown: return collection
            case .null: return .list([])
            case .list(let items): return .list(items.map(applyAll))
            default: return .list([applyAll(collection)])
            }
        case .call(let name, let argumentExpressions, let expandLast, _):
            var arguments = argumentExpressions.map(evaluate)
            if expandLast, let last = arguments.popLast() {
                switch last {
                case .list(let items): arguments.append(contentsOf: items)
                case .unknown: return last
                default: return .invalid("\(name)(): the argument before '...' is not a list")
                }
            }
            let result = HCLFunctions.call(
                name, arguments, readFile: readFile,
                maximumSize: budget?.maximumValueSize ?? EvaluationBudget.defaultMaximumValueSize)
            // A function that refused to build a too-large value (rather than passing on an unknown argument)
            // stopped evaluation here: the local around it is named in a note.
            if let budget, case .unknown(let unknown) = result, unknown.reason.hasSuffix("(limit maximumValueSize)"),
                arguments.allSatisfy(\.isKnown)
            {
                budget.unclaimedStop = unknown.reason
            }
            return result
        case .tuple(let items, _):
            return .list(items.map(evaluate))
        case .object(let items, _):
            var members: [String: IaCValue] = [:]
            for item in items {
                let key: String
                switch item.key {
                case .name(let name):
                    key = name
                case .expression(let keyExpression):
                    let value = evaluate(keyExpression)
                    if case .unknown = value { return value }
                    guard let text = value.stringValue else { return .invalid("an object key is not a string") }
                    key = text
                }
                members[key] = evaluate(item.value)
            }
            return .object(members)
        case .conditional(let condition, let whenTrue, let whenFalse, _):
            let test = evaluate(condition)
            if let flag = test.boolValue { return evaluate(flag ? whenTrue : whenFalse) }
            if case .unknown = test {
                let left = evaluate(whenTrue)
                let right = evaluate(whenFalse)
                if left.isKnown, left == right { return left }
                return test
            }
            return .invalid("the condition is not a bool")
        case .binary(let op, let lhs, let rhs, _):
            return binary(op, evaluate(lhs), rhs)
        case .unary(let op, let operand, _):
            let value = evaluate(operand)
            if case .unknown = value { return value }
            if op == "!" {
                guard let flag = value.boolValue else { return .invalid("'!' needs a bool") }
                return .bool(!flag)
            }
            guard let number = value.numberValue else { return .invalid("'-' needs a number") }
            return .number(-number)
        case .forExpression(let forExpression, _):
            return evaluateFor(forExpression)
        case .parenthesized(let inner, _):
            return evaluate(inner)
        }
    }

    // MARK: - References

    private func evaluateTraversal(_ root: String, _ steps: [HCLTraversalStep]) -> IaCValue {
        let resolved = steps.map { step -> HCLResolvedStep in
            switch step {
            case .attribute(let name): return .attribute(name)
            case .index(let key): return .index(evaluate(key))
            }
        }
        let start: IaCValue
        let consumed: Int
        if let bound = scope[root] {
            start = bound
            consumed = 0
        } else if let result = resolveReference(root, resolved) {
            start = result.value
            consumed = result.consumed
        } else {
            return .invalid("'\(root)' is not a known name")
        }
        if let budget, let stopped = budget.admit(start) { return stopped }
        return resolved.dropFirst(consumed).reduce(start) { Self.apply($1, to: $0) }
    }

    static func apply(_ step: HCLResolvedStep, to value: IaCValue) -> IaCValue {
        if case .unknown = value { return value }
        switch step {
        case .attribute(let name):
            guard case .object(let members) = value else {
                return .invalid("'.\(name)' on a value that is not an object")
            }
            return members[name] ?? .invalid("no attribute '\(name)'")
        case .index(let key):
            if case .unknown = key { return key }
            switch value {
            case .list(let items):
                guard let number = key.numberValue, number.rounded() == number, number >= 0,
                    number < Double(items.count)
                else { return .invalid("index \(key.display) is out of range") }
                return items[Int(number)]
            case .object(let members):
                guard let name = key.stringValue else { return .invalid("an object key must be a string") }
                return members[name] ?? .invalid("no key \(IaCValue.string(name).display)")
            default:
                return .invalid("cannot index a value that is neither a list nor an object")
            }
        }
    }

    // MARK: - Templates and operators

    private func template(_ parts: [HCLTemplatePart]) -> IaCValue {
        if parts.count == 1, case .interpolation(let expression) = parts[0] { return evaluate(expression) }
        var text = ""
        for part in parts {
            switch part {
            case .literal(let literal):
                text += literal
            case .interpolation(let expression):
                let value = evaluate(expression)
                switch value {
                case .unknown: return value
                case .null: return .invalid("null cannot be interpolated into a string")
                case .list, .object: return .invalid("a list or object cannot be interpolated into a string")
                default: text += value.stringValue ?? ""
                }
                if let budget, let stopped = budget.admit(stringOfLength: text.utf8.count) { return stopped }
            case .directive(let keyword, let position):
                return .unknown(
                    "the template directive %{\(keyword)} at line \(position.line), column \(position.column) is not "
                        + "evaluated by ackguard")
            }
        }
        return .string(text)
    }

    private func binary(_ op: String, _ left: IaCValue, _ rightExpression: HCLExpression) -> IaCValue {
        if op == "&&" || op == "||" {
            if let flag = left.boolValue, flag == (op == "||") { return .bool(flag) }
            let right = evaluate(rightExpression)
            if case .unknown = left {
                if let flag = right.boolValue, flag == (op == "||") { return .bool(flag) }
                return left
            }
            if case .unknown = right { return right }
            guard left.boolValue != nil, let flag = right.boolValue else { return .invalid("'\(op)' needs bools") }
            return .bool(flag)
        }
        let right = evaluate(rightExpression)
        if case .unknown = left { return left }
        if case .unknown = right { return right }
        switch op {
        case "==", "!=":
            guard let lhs = left.json, let rhs = right.json else {
                return .unknown("a comparison with a value that is not fully known")
            }
            return .bool((lhs == rhs) == (op == "=="))
        default:
            guard let lhs = left.numberValue, let rhs = right.numberValue else {
                return .invalid("'\(op)' needs numbers")
            }
            switch op {
            case "+": return .number(lhs + rhs)
            case "-": return .number(lhs - rhs)
            case "*": return .number(lhs * rhs)
            case "/": return rhs == 0 ? .invalid("division by zero") : .number(lhs / rhs)
            case "%": return rhs == 0 ? .invalid("modulo by zero") : .number(lhs.truncatingRemainder(dividingBy: rhs))
            case "<": return .bool(lhs < rhs)
            case ">": return .bool(lhs > rhs)
            case "<=": return .bool(lhs <= rhs)
            case ">=": return .bool(lhs >= rhs)
            default: return .invalid("unknown operator '\(op)'")
            }
        }
    }

    private func evaluateFor(_ expression: HCLForExpression) -> IaCValue {
        let collection = evaluate(expression.collection)
        let pairs: [(IaCValue, IaCValue)]
        switch collection {
        case .unknown: return collection
        case .list(let items): pairs = items.enumerated().map { (.number(Double($0.offset)), $0.element) }
        case .object(let members): pairs = members.keys.sorted().map { (.string($0), members[$0]!) }
        default: return .invalid("a for expression needs a list or an object")
        }
        var listResult: [IaCValue] = []
        var objectResult: [String: IaCValue] = [:]
        var groups: [String: [IaCValue]] = [:]
        for (key, value) in pairs {
            var inner = self
            inner.scope[expression.valueName] = value
            if let keyName = expression.keyName { inner.scope[keyName] = key }
            if let condition = expression.condition {
                let test = inner.evaluate(condition)
                if case .unknown = test { return test }
                guard let keep = test.boolValue else { return .invalid("a for condition is not a bool") }
                if !keep { continue }
            }
            let item = inner.evaluate(expression.valueExpression)
            if let keyExpression = expression.keyExpression {
                let keyValue = inner.evaluate(keyExpression)
                if case .unknown = keyValue { return keyValue }
                guard let name = keyValue.stringValue else { return .invalid("a for key is not a string") }
                if expression.grouping {
                    groups[name, default: []].append(item)
                } else {
                    objectResult[name] = item
                }
            } else {
                listResult.append(item)
            }
        }
        if expression.keyExpression == nil { return .list(listResult) }
        if expression.grouping { return .object(groups.mapValues { .list($0) }) }
        return .object(objectResult)
    }
}
