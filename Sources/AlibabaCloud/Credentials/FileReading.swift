import Foundation

/// Reads the small text files of the credential chain, with one-line reasons when that fails.
enum FileReading {
    /// The file's text; `nil` when there is no file at `path`.
    static func textIfPresent(_ path: String) throws -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard !isDirectory.boolValue else {
            throw CredentialError.unreadableFile(path: path, reason: "it is a directory")
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return String(decoding: data, as: UTF8.self)
        } catch {
            throw CredentialError.unreadableFile(path: path, reason: reason(error))
        }
    }

    /// A short reason for a file error.
    static func reason(_ error: any Error) -> String {
        if let error = error as? CocoaError {
            switch error.code {
            case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file"
            case .fileReadNoPermission: return "permission denied"
            default: break
            }
        }
        return String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// `directory/relative`.
    static func join(_ directory: String, _ relative: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(relative).path
    }
}
