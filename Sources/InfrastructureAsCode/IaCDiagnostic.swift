/// A file that could not be read or parsed. The other files are still checked.
public struct IaCDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based; `0` when the problem concerns the whole file (it does not exist, cannot be read).
    public var line: Int
    /// 1-based, counted in Unicode scalars; `0` when the problem concerns the whole file.
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message` (or `file: message` for whole-file problems).
    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }
}
