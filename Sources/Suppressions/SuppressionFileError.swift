/// Why a suppression file could not be used. Every case names the file; entry problems name the entry (1-based), its
/// line and the field.
public enum SuppressionFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file is not valid YAML.
    case syntax(path: String, line: Int?, column: Int?, problem: String)
    /// The document is not a list of entries (or a mapping with `suppressions:`).
    case invalidDocument(path: String, line: Int?, problem: String)
    /// One entry is wrong.
    case invalidEntry(path: String, index: Int, line: Int?, field: String, problem: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "suppression file \(path): cannot be read: \(reason)"
        case .syntax(let path, let line, let column, let problem):
            let position = line.map { " at line \($0)" + (column.map { ", column \($0)" } ?? "") } ?? ""
            return "suppression file \(path): invalid YAML\(position): \(problem)"
        case .invalidDocument(let path, let line, let problem):
            return "suppression file \(path)\(line.map { " line \($0)" } ?? ""): \(problem)"
        case .invalidEntry(let path, let index, let line, let field, let problem):
            return "suppression file \(path): entry #\(index)\(line.map { " (line \($0))" } ?? ""), "
                + "field '\(field)': \(problem)"
        }
    }
}
