import Foundation
import Testing

/// Golden files under `Tests/ReportsTests/Golden/`, compared byte for byte. `UPDATE_GOLDEN=1` rewrites them.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden", isDirectory: true)

    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Compares `text` with the golden file `name` (or rewrites it under `UPDATE_GOLDEN=1`).
    static func check(_ text: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
    {
        let file = url(name)
        if updating {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
            return
        }
        let expected = try #require(
            FileManager.default.contents(atPath: file.path), "missing golden file \(name): run with UPDATE_GOLDEN=1",
            sourceLocation: sourceLocation)
        let actual = Data(text.utf8)
        if actual != expected {
            let expectedText = String(decoding: expected, as: UTF8.self)
            let expectedLines = expectedText.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let firstDifference = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }
            let line = firstDifference.map { $0.offset + 1 } ?? min(expectedLines.count, actualLines.count) + 1
            Issue.record(
                "\(name) differs from the golden file at line \(line) (UPDATE_GOLDEN=1 regenerates it)",
                sourceLocation: sourceLocation)
        }
    }
}
