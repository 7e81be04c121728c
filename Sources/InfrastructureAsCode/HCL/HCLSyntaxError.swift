/// A Terraform file that is not valid HCL native syntax, with the position of the problem.
struct HCLSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    var position: SourcePosition
    var message: String

    var description: String { "line \(position.line), column \(position.column): \(message)" }
}
