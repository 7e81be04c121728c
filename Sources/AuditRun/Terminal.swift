public import Audit
public import Foundation
public import Reports

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the CLI writes: stdout carries the report; progress, notes and errors go to stderr.
public enum Terminal {
    public static func isTTY(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// The width the table is laid out for: `COLUMNS` when it is a positive number (what shells export, and how a
    /// user or a test asks for a width), else the terminal's own size (TIOCGWINSZ on stdout), else
    /// ``TableReportRenderer/defaultWidth`` (a file, a pipe, CI).
    public static func columns(environment: [String: String], descriptor: Int32 = STDOUT_FILENO) -> Int {
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

    public static func writeStdout(_ text: String) {
        withUTF8Data(text) { FileHandle.standardOutput.write($0) }
    }

    public static func writeStderr(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// One line on stderr, prefixed with the program name. The message is made inert (``InertText``): it often
    /// names values from outside (a file name, an id an API answered), which must not break the line or reach the
    /// terminal as control sequences.
    public static func error(_ message: String) {
        writeStderr("ackguard: \(InertText.escaped(message))\n")
    }

    /// Runs `body` with the progress handler of a live run: a bar on stderr, drawn only on a terminal and not with
    /// `--quiet`, finished (the line cleared) whether `body` returns or throws.
    public static func withProgress<T>(
        quiet: Bool, _ body: (@escaping @Sendable (_ done: Int, _ total: Int) -> Void) async throws -> T
    ) async throws -> T {
        let bar = ProgressBar(
            isTTY: isTTY(STDERR_FILENO), quiet: quiet, now: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
            output: { writeStderr($0) })
        defer { bar.finish() }
        return try await body { done, total in bar.update(done: done, total: total) }
    }

    /// One note line on stderr, made inert like ``error(_:)``.
    public static func note(_ message: String) {
        writeStderr("ackguard: \(InertText.escaped(message))\n")
    }
}

/// How a report is printed: the format, the colour decision and the file; every command that prints findings goes
/// through here. The table fits the terminal (``Terminal/columns(environment:descriptor:)``), says what `exitCode`
/// (else the report's own) means, and suggests the next commands from this command line (``NextSteps``).
public struct ReportPrinter: Sendable {
    public enum ColorMode: String, CaseIterable, Sendable {
        case auto, always, never
    }

    public var format: ReportFormat
    public var output: String?
    public var color: ColorMode
    public var verbose: Bool

    public init(format: ReportFormat, output: String?, color: ColorMode = .auto, verbose: Bool = false) {
        (self.format, self.output, self.color, self.verbose) = (format, output, color, verbose)
    }

    /// Colour decision: never into a file; `auto` means stdout is a terminal and NO_COLOR is unset.
    public func useColor(environment: [String: String]) -> Bool {
        switch color {
        case .always: return true
        case .never: return false
        case .auto:
            guard output == nil, format == .table else { return false }
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
            return Terminal.isTTY(STDOUT_FILENO)
        }
    }

    /// `report` in the chosen format.
    public func render(
        _ report: AuditReport, exitCode: Int32? = nil, arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        environment: [String: String]
    ) -> String {
        switch format {
        case .table:
            TableReportRenderer(
                color: useColor(environment: environment), verbose: verbose,
                width: Terminal.columns(environment: environment), exitCode: exitCode,
                nextSteps: NextSteps.suggest(for: report, arguments: arguments, verbose: verbose)
            ).render(report)
        case .json: JSONReportRenderer().render(report)
        case .sarif: SARIFReportRenderer().render(report)
        case .junit: JUnitReportRenderer().render(report)
        case .csv: CSVReportRenderer().render(report)
        case .ocsf: OCSFReportRenderer().render(report)
        case .html: HTMLReportRenderer().render(report)
        }
    }

    /// Renders `report` and prints it, or writes it atomically to the output file with a note naming the file and
    /// the summary.
    public func print(_ report: AuditReport, exitCode: Int32, environment: [String: String]) throws(RunFailure) {
        let text = render(report, exitCode: exitCode, environment: environment)
        do {
            if let output {
                try writeAtomically(text, to: output)
                Terminal.note("report written to \(output) — \(TableReportRenderer().summaryLine(report))")
            } else {
                Terminal.writeStdout(text)
            }
        } catch {
            throw RunFailure("cannot write the report to \(output ?? "stdout"): \(error.localizedDescription)")
        }
    }
}

extension AuditRun {
    /// `ackguard audit` at a terminal: runs with a progress bar on stderr (not with `quiet`), prints the report
    /// with `printer`, and gives the exit status. Completeness notes go to stderr too when the report is not the
    /// table on stdout (which prints them itself); warnings always do.
    public func runPrinting(
        with printer: ReportPrinter, quiet: Bool, environment: [String: String]
    ) async throws -> Int32 {
        let outcome = try await Terminal.withProgress(quiet: quiet) { progress in
            var audit = self
            audit.progress = progress
            return try await audit.run()
        }
        if printer.format != .table || printer.output != nil {
            for note in outcome.completenessNotes { Terminal.note(note) }
        }
        for warning in outcome.warnings { Terminal.note(warning) }
        try printer.print(outcome.report, exitCode: outcome.exitCode, environment: environment)
        return outcome.exitCode
    }

    /// `ackguard collect`: saves the evidence into `folder` with a progress bar, says what was collected and what
    /// is missing on stderr, and gives the exit status (3 when something could not be collected).
    public func collectPrinting(into folder: String, quiet: Bool) async throws -> Int32 {
        let outcome = try await Terminal.withProgress(quiet: quiet) { progress in
            var audit = self
            audit.progress = progress
            return try await audit.collect(into: folder)
        }
        let regions = outcome.report.source.regions.count
        Terminal.note("collected \(outcome.clusterCount) cluster(s) from \(regions) region(s) into \(folder)")
        for note in outcome.completenessNotes { Terminal.note(note) }
        return outcome.completenessNotes.isEmpty ? ExitStatus.clean : ExitStatus.incomplete
    }
}
