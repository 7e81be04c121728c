import Audit
import Foundation
import Remediation
import Reports

/// What `ackguard fix` does once its command line is read: plan and print the plan, apply it when asked and
/// confirmed, or check and restore a rollback file; then the outcome and the exit status. The command only parses.
public struct FixFlow: Sendable {
    public enum Mode: Sendable {
        case plan, apply
        case rollback(path: String)
    }

    public enum Format: String, CaseIterable, Sendable {
        case table, json
    }

    public var request: FixRequest
    public var mode: Mode
    public var format: Format
    /// The file the plan or outcome goes to (atomically), else stdout.
    public var output: String?
    /// `--yes`: do not ask.
    public var assumeYes: Bool
    /// No progress lines on stderr.
    public var quiet: Bool
    /// Asks a yes/no question; the default asks on the terminal (only "y" or "yes" goes ahead).
    public var confirm: @Sendable (String) -> Bool = FixFlow.askOnTerminal

    public init(
        request: FixRequest, mode: Mode, format: Format, output: String?, assumeYes: Bool, quiet: Bool
    ) {
        (self.request, self.mode, self.format) = (request, mode, format)
        (self.output, self.assumeYes, self.quiet) = (output, assumeYes, quiet)
    }

    /// Runs the fix and gives its exit status. What was printed before an error is still written to the file: a
    /// plan is never lost.
    public func run() async throws(RunFailure) -> Int32 {
        if case .plan = mode {
        } else if !assumeYes && !Terminal.isTTY(STDIN_FILENO) {
            let flag = if case .rollback = mode { "--rollback" } else { "--apply" }
            throw RunFailure("\(flag) changes clusters: pass --yes when stdin is not a terminal (nothing was changed)")
        }
        let out = DeferredOutput(file: output, stdout: Terminal.writeStdout)
        let quiet = quiet
        let result: Result<Int32, RunFailure>
        do {
            result = .success(
                try await FixSession.open(
                    request,
                    events: { event in
                        if !quiet, let line = FixReportText.progressLine(event) { Terminal.note(line) }
                    }
                ) { session in
                    if case .rollback(let path) = mode { return try await restore(path, session: session, out: out) }
                    return try await fix(session, out: out)
                })
        } catch {
            result = .failure(error)
        }
        if try out.finish() { Terminal.note("report written to \(output ?? "")") }
        return try result.get()
    }

    /// Plans, prints the plan, and with `.apply` (confirmed) applies it and prints what happened.
    func fix(_ session: FixSession, out: DeferredOutput) async throws -> Int32 {
        var run = try await session.plan()
        if format == .table, let plan = run.plan { out.write(FixReportText.plan(plan)) }
        for notice in run.notices { Terminal.note(notice) }
        // As `audit`: a region that could not be listed makes a clean plan incomplete (FixRun.exitCode).
        guard case .apply = mode, let plan = run.plan else { return finish(run, out: out) }
        if !assumeYes, let question = session.applyQuestion(plan), !confirm(question) {
            Terminal.note("nothing was changed")
            return ExitStatus.inputError
        }
        run = await session.apply(run)
        for outcome in run.outcomes where outcome.result == .refused {
            Terminal.note(
                "\(outcome.clusterName) (\(outcome.clusterId)) was not changed: \(outcome.error ?? "refused")")
        }
        return finish(run, out: out)
    }

    /// Checks the rollback file against every selected cluster, asks, restores.
    func restore(_ path: String, session: FixSession, out: DeferredOutput) async throws -> Int32 {
        let check = try await session.checkRollback(path)
        if format == .table {
            out.write(FixReportText.rollbackPlan(check.file, path: path, entries: check.verified.map(\.entry)))
        }
        if !check.verified.isEmpty && !assumeYes
            && !confirm("Restore \(check.verified.count) cluster(s) to the recorded state?")
        {
            Terminal.note("nothing was changed")
            return ExitStatus.inputError
        }
        return finish(await session.restore(check), out: out)
    }

    /// Writes the run's outcome (the plan alone was printed already in the table) and gives its exit status.
    func finish(_ run: FixRun, out: DeferredOutput) -> Int32 {
        switch format {
        case .table where run.mode != .plan: out.write("\n" + FixReportText.outcomes(run))
        case .table: break
        case .json: out.write(FixReportJSON.render(run, toolVersion: request.toolVersion))
        }
        return run.exitCode
    }

    /// Asks on the terminal (stderr); only "y" or "yes" goes ahead.
    public static func askOnTerminal(_ question: String) -> Bool {
        Terminal.writeStderr("\(question) [y/N] ")
        guard let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return answer == "y" || answer == "yes"
    }
}

extension FixFlow {
    /// Why a `fix` command line does not hold together (one line), or `nil`: `--rollback` with `--apply` or
    /// `--create-replacement`, `--create-replacement` without `--apply`, a rollout timeout under a second, a pod
    /// vSwitch that is not an id, or no Kubernetes access (every fix reads and writes the cluster's API).
    public static func problem(
        apply: Bool, rollback: String?, createReplacement: Bool, rolloutTimeout: Int, podVSwitches: [String],
        noKubernetes: Bool
    ) -> String? {
        if rollback != nil && apply { return "--rollback restores a file; do not combine it with --apply" }
        if rollback != nil && createReplacement {
            return "--create-replacement belongs to --apply, not to --rollback"
        }
        if createReplacement && !apply { return "--create-replacement needs --apply" }
        if rolloutTimeout < 1 { return "--rollout-timeout must be at least 1 second" }
        for id in podVSwitches where id.isEmpty || id.contains(where: \.isWhitespace) {
            return "--pod-vswitch '\(id)' is not a vSwitch id"
        }
        if noKubernetes { return "fix needs the clusters' Kubernetes APIs; drop --no-kubernetes" }
        return nil
    }
}
