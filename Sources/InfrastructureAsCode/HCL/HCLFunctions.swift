import Audit
import Foundation

/// The Terraform functions ackguard evaluates when their arguments are known; any other function gives an unknown
/// value naming it.
enum HCLFunctions {
    /// - Parameter maximumSize: the largest string a function may build (UTF-8 bytes), checked before building
    ///   where the result can grow faster than the arguments (`replace`).
    static func call(
        _ name: String, _ arguments: [IaCValue], readFile: (String) -> IaCValue,
        maximumSize: Int = EvaluationBudget.defaultMaximumValueSize
    ) -> IaCValue {
        switch name {
        case "try": return tryFunction(arguments)
        case "can":
            guard arguments.count == 1 else { return .invalid("can() takes one argument") }
            if let unknown = arguments[0].firstUnknown { return unknown.isError ? .bool(false) : .unknown(unknown) }
            return .bool(true)
        case "coalesce":
            for argument in arguments {
                if case .unknown = argument { return argument }
                if argument.isNull || argument == .string("") { continue }
                return argument
            }
            return .invalid("coalesce(): no non-null, non-empty argument")
        case "merge", "lookup", "length", "concat", "keys", "values", "element", "contains", "tolist", "tomap",
            "flatten":
            return structural(name, arguments)
        default:
            break
        }
        for argument in arguments {
            if let unknown = argument.firstUnknown { return .unknown(unknown) }
        }
        return primitive(name, arguments, readFile: readFile, maximumSize: maximumSize)
    }

    private static func tryFunction(_ arguments: [IaCValue]) -> IaCValue {
        for argument in arguments {
            guard let unknown = argument.firstUnknown else { return argument }
            if !unknown.isError { return .unknown(unknown) }
        }
        return .invalid("try(): every argument failed")
    }

    /// Functions that work on partly known lists and objects.
    private static func structural(_ name: String, _ arguments: [IaCValue]) -> IaCValue {
        for argument in arguments {
            if case .unknown = argument { return argument }
        }
        switch name {
        case "merge":
            var result: [String: IaCValue] = [:]
            for argument in arguments {
                if argument.isNull { continue }
                guard case .object(let members) = argument else { return .invalid("merge() takes objects") }
                result.merge(members) { _, new in new }
            }
            return .object(result)
        case "lookup":
            guard arguments.count == 2 || arguments.count == 3 else {
                return .invalid("lookup() takes 2 or 3 arguments")
            }
            guard case .object(let members) = arguments[0] else { return .invalid("lookup() needs a map") }
            guard let key = arguments[1].stringValue else { return .invalid("lookup() needs a string key") }
            if let value = members[key] { return value }
            return arguments.count == 3 ? arguments[2] : .invalid("lookup(): no key \"\(key)\"")
        case "length":
            guard arguments.count == 1 else { return .invalid("length() takes one argument") }
            switch arguments[0] {
            case .list(let items): return .number(Double(items.count))
            case .object(let members): return .number(Double(members.count))
            case .string(let text): return .number(Double(text.count))
            default: return .invalid("length() needs a collection or a string")
            }
        case "concat":
            var result: [IaCValue] = []
            for argument in arguments {
                guard case .list(let items) = argument else { return .invalid("concat() takes lists") }
                result += items
            }
            return .list(result)
        case "keys", "values":
            guard arguments.count == 1, case .object(let members) = arguments[0] else {
                return .invalid("\(name)() needs a map")
            }
            let sorted = members.keys.sorted()
            return .list(name == "keys" ? sorted.map(IaCValue.string) : sorted.map { members[$0]! })
        case "element":
            guard arguments.count == 2, case .list(let items) = arguments[0], !items.isEmpty else {
                return .invalid("element() needs a non-empty list and an index")
            }
            if case .unknown = arguments[1] { return arguments[1] }
            guard let number = arguments[1].numberValue, number >= 0, number < 1e15, number.rounded() == number else {
                return .invalid("element() needs a whole, non-negative index")
            }
            return items[Int(number) % items.count]
        case "contains":
            guard arguments.count == 2, case .list(let items) = arguments[0] else {
                return .invalid("contains() needs a list")
            }
            guard let needle = arguments[1].json else { return .unknown("contains(): the value is not known") }
            var unknown: IaCUnknown?
            for item in items {
                guard let json = item.json else {
                    unknown = unknown ?? item.firstUnknown
                    continue
                }
                if json == needle { return .bool(true) }
            }
            return unknown.map(IaCValue.unknown) ?? .bool(false)
        case "tolist":
            guard arguments.count == 1, case .list = arguments[0] else { return .invalid("tolist() needs a list") }
            return arguments[0]
        case "tomap":
            guard arguments.count == 1, case .object = arguments[0] else { return .invalid("tomap() needs a map") }
            return arguments[0]
        case "flatten":
            func flatten(_ value: IaCValue) -> [IaCValue] {
                if case .list(let items) = value { return items.flatMap(flatten) }
                return [value]
            }
            guard arguments.count == 1, case .list = arguments[0] else { return .invalid("flatten() needs a list") }
            return .list(flatten(arguments[0]))
        default:
            return .invalid("\(name)() is not supported")
        }
    }

    /// Functions of fully known arguments.
    private static func primitive(
        _ name: String, _ arguments: [IaCValue], readFile: (String) -> IaCValue, maximumSize: Int
    ) -> IaCValue {
        func string(_ index: Int) -> String? {
            index < arguments.count ? arguments[index].stringValue : nil
        }
        switch name {
        case "jsonencode":
            guard arguments.count == 1, let json = arguments[0].json else {
                return .invalid("jsonencode() takes one value")
            }
            return .string(json.serialized())
        case "jsondecode":
            guard arguments.count == 1, let text = string(0) else { return .invalid("jsondecode() takes one string") }
            do {
                return IaCValue(try JSONValue.parse(text))
            } catch {
                return .invalid("jsondecode(): the string is not JSON (\(error.description))")
            }
        case "tostring":
            guard arguments.count == 1 else { return .invalid("tostring() takes one argument") }
            if arguments[0].isNull { return .null }
            return string(0).map(IaCValue.string) ?? .invalid("tostring() needs a primitive value")
        case "tonumber":
            guard arguments.count == 1 else { return .invalid("tonumber() takes one argument") }
            if arguments[0].isNull { return .null }
            return arguments[0].numberValue.map(IaCValue.number) ?? .invalid("tonumber(): not a number")
        case "tobool":
            guard arguments.count == 1 else { return .invalid("tobool() takes one argument") }
            if arguments[0].isNull { return .null }
            return arguments[0].boolValue.map(IaCValue.bool) ?? .invalid("tobool(): not a bool")
        case "toset", "distinct":
            guard arguments.count == 1, case .list(let items) = arguments[0] else {
                return .invalid("\(name)() needs a list")
            }
            var seen: Set<IaCValue> = []
            let unique = items.filter { seen.insert($0).inserted }
            if name == "toset", unique.allSatisfy({ $0.stringValue != nil }) {
                return .list(unique.sorted { $0.stringValue! < $1.stringValue! })
            }
            return .list(unique)
        case "compact":
            guard arguments.count == 1, case .list(let items) = arguments[0] else {
                return .invalid("compact() needs a list")
            }
            return .list(items.filter { !$0.isNull && $0 != .string("") })
        case "lower", "upper", "trimspace":
            guard arguments.count == 1, let text = string(0) else { return .invalid("\(name)() takes one string") }
            switch name {
            case "lower": return .string(text.lowercased())
            case "upper": return .string(text.uppercased())
            default: return .string(text.trimmingSpaces())
            }
        case "join":
            guard arguments.count >= 2, let separator = string(0) else { return .invalid("join() needs a separator") }
            var parts: [String] = []
            for list in arguments.dropFirst() {
                guard case .list(let items) = list else { return .invalid("join() takes lists") }
                for item in items {
                    guard let text = item.stringValue else { return .invalid("join() takes lists of strings") }
                    parts.append(text)
                }
            }
            return .string(parts.joined(separator: separator))
        case "split":
            guard arguments.count == 2, let separator = string(0), let text = string(1), !separator.isEmpty else {
                return .invalid("split() takes a separator and a string")
            }
            if text.isEmpty { return .list([]) }
            return .list(text.components(separatedBy: separator).map(IaCValue.string))
        case "replace":
            guard arguments.count == 3, let text = string(0), let search = string(1), let replacement = string(2) else {
                return .invalid("replace() takes three strings")
            }
            if search.count > 1, search.hasPrefix("/"), search.hasSuffix("/") {
                return .unknown("replace() with a regular expression is not evaluated by ackguard")
            }
            if search.isEmpty { return .string(text) }
            let pieces = text.components(separatedBy: search)
            let size = text.utf8.count + (pieces.count - 1) * (replacement.utf8.count - search.utf8.count)
            guard size <= maximumSize else {
                return .unknown(
                    "replace() would build a string longer than \(maximumSize) bytes (limit maximumValueSize)")
            }
            return .string(pieces.joined(separator: replacement))
        case "format":
            return format(arguments)
        case "file":
            guard arguments.count == 1, let path = string(0) else { return .invalid("file() takes a path") }
            return readFile(path)
        default:
            return .unknown("the function \(name)() is not evaluated by ackguard")
        }
    }

    /// `format` with `%s`, `%d`, `%v` and `%%` (others give an unknown value).
    private static func format(_ arguments: [IaCValue]) -> IaCValue {
        guard let pattern = arguments.first?.stringValue else { return .invalid("format() needs a format string") }
        var output = ""
        var next = 1
        var characters = pattern.makeIterator()
        while let character = characters.next() {
            guard character == "%" else {
                output.append(character)
                continue
            }
            guard let verb = characters.next() else { return .invalid("format(): a lone '%'") }
            switch verb {
            case "%":
                output.append("%")
            case "s", "d", "v":
                guard next < arguments.count, let text = arguments[next].stringValue else {
                    return .invalid("format(): too few or non-primitive arguments")
                }
                output += text
                next += 1
            default:
                return .unknown("format() with '%\(verb)' is not evaluated by ackguard")
            }
        }
        return .string(output)
    }
}
