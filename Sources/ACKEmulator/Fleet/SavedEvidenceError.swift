/// Why a saved-evidence folder could not be read or written.
public enum SavedEvidenceError: Error, Equatable, CustomStringConvertible {
    case missingListing(directory: String)
    case unreadable(path: String, reason: String)
    case unparsable(path: String, reason: String)
    case unexpectedShape(path: String, expected: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingListing(let directory):
            "saved evidence \(directory): no clusters.json (or clusters.yaml) listing"
        case .unreadable(let path, let reason):
            "saved evidence file \(path) could not be read: \(reason)"
        case .unparsable(let path, let reason):
            "saved evidence file \(path) does not parse: \(reason)"
        case .unexpectedShape(let path, let expected):
            "saved evidence file \(path) is not \(expected)"
        case .unwritable(let path, let reason):
            "saved evidence file \(path) could not be written: \(reason)"
        }
    }
}
