import Audit
import AuditRun
import Foundation
import Reports

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the CLI writes: stdout carries the report; progress, notes and errors go to stderr.
enum Terminal {
    static func isTTY(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// The width the table is laid out for: `COLUMNS` when it is a positive number (what shells export, and how a
    /// user or a test asks for a width), else the terminal's own size (TIOCGWINSZ on stdout), else
    /// ``TableReportRenderer/defaultWidth`` (a file, a pipe, CI).
    static func columns(environment: [String: String], descriptor: Int32 = STDOUT_FILENO) -> Int {
        if let text = environment["COLUMNS"], let columns = Int(text.trimmingCharacters(in: .whitespaces)),
            columns > 0
        {
            return min(columns, 10_000)
        }
        var size = winsize()
        if isTTY(descriptor), ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        return TableReportRenderer.defaultWidth
    }

    static func writeStdout(_ text: String) {
        withUTF8Data(text) { FileHandle.standardOutput.write($0) }
    }

    static func writeStderr(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// One line on stderr, prefixed with the program name. The message is made inert (``InertText``): it often
    /// names values from outside (a file name, an id an API answered), which must not break the line or reach the
    /// terminal as control sequences.
    static func error(_ message: String) {
        writeStderr("ackguard: \(InertText.escaped(message))\n")
    }

    /// Runs `body` with the progress handler of a live run: a bar on stderr, drawn only on a terminal and not with
    /// `--quiet`, finished (the line cleared) whether `body` returns or throws.
    static func withProgress<T>(
        quiet: Bool, _ body: (@escaping @Sendable (_ done: Int, _ total: Int) -> Void) async throws -> T
    ) async throws -> T {
        let bar = ProgressBar(
            isTTY: isTTY(STDERR_FILENO), quiet: quiet, now: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
            output: { writeStderr($0) })
        defer { bar.finish() }
        return try await body { done, total in bar.update(done: done, total: total) }
    }

    /// One note line on stderr, made inert like ``error(_:)``.
    static func note(_ message: String) {
        writeStderr("ackguard: \(InertText.escaped(message))\n")
    }
}
