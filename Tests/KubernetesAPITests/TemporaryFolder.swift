import Foundation

/// A unique folder under the system temporary directory, removed when the value goes away.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ackguard-k8s-tests-" + UUID().uuidString, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            // A leftover temporary folder is harmless.
        }
    }

    func path(_ relative: String) -> String {
        url.appendingPathComponent(relative).standardizedFileURL.path
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let target = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: target)
        return target.standardizedFileURL.path
    }
}
