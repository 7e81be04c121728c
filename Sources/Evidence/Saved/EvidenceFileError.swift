/// A saved-evidence file that cannot be used. The description is one line naming the file and, for syntax errors,
/// the line and column.
public enum EvidenceFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingDirectory(path: String)
    case unreadable(path: String, reason: String)
    case syntax(path: String, line: Int, column: Int, problem: String)
    case unexpectedContent(path: String, problem: String)
    case noClusterListing(directory: String)

    /// One line, with control characters escaped: paths and problems may carry bytes from a hostile folder.
    public var description: String { EvidenceFile.escaped(rawDescription) }

    private var rawDescription: String {
        switch self {
        case .missingDirectory(let path): "\(path): no such directory"
        case .unreadable(let path, let reason): "\(path): cannot be read: \(reason)"
        case .syntax(let path, let line, let column, let problem): "\(path):\(line):\(column): \(problem)"
        case .unexpectedContent(let path, let problem): "\(path): \(problem)"
        case .noClusterListing(let directory):
            "\(directory): no clusters.json (GET /api/v1/clusters or GET /clusters output) and no clusters/<id>.json"
        }
    }
}
