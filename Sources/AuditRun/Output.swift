public import Foundation
import Synchronization

/// Writes `text` to `path` atomically (a temporary file renamed into place), so a failure never leaves half a
/// report.
public func writeAtomically(_ text: String, to path: String) throws {
    try withUTF8Data(text) { try $0.write(to: URL(fileURLWithPath: path), options: .atomic) }
}

/// `text`'s UTF-8 bytes as `Data` without copying them: a fleet's report can be tens of megabytes.
public func withUTF8Data<Result>(_ text: String, _ body: (Data) throws -> Result) rethrows -> Result {
    var text = text
    return try text.withUTF8 { bytes in
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return try body(Data()) }
        let pointer = UnsafeMutableRawPointer(mutating: base)
        return try body(Data(bytesNoCopy: pointer, count: bytes.count, deallocator: .none))
    }
}

/// Output made in several steps (a plan, then what was applied): to stdout as it comes, or with a file, kept and
/// written atomically at the end, so that the file never holds half of it and what was made before an error is
/// still written.
public final class DeferredOutput: Sendable {
    public let file: String?
    private let stdout: @Sendable (String) -> Void
    private let buffer = Mutex("")

    public init(file: String?, stdout: @escaping @Sendable (String) -> Void) {
        self.file = file
        self.stdout = stdout
    }

    public func write(_ text: String) {
        guard file != nil else { return stdout(text) }
        buffer.withLock { $0 += text }
    }

    /// Writes what was kept to the file; true when a file was written.
    public func finish() throws(RunFailure) -> Bool {
        guard let file else { return false }
        let text = buffer.withLock { $0 }
        guard !text.isEmpty else { return false }
        do {
            try writeAtomically(text, to: file)
        } catch {
            throw RunFailure("cannot write the report to \(file): \(error.localizedDescription)")
        }
        return true
    }
}
