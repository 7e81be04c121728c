import ArgumentParser
import Audit
import AuditRun
import Foundation
import Remediation
import Reports

struct FixCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Plan, apply, verify and roll back NetworkPolicy enablement.",
        discussion: """
            Audits (live, --endpoint or --demo), then prints a plan for every failing cluster. Nothing changes \
            without --apply.
            Terway shared-ENI clusters with policy off or unknown are fixed in place: eni-config \
            disable_network_policy "false" (guarded by its resourceVersion) with the rollback proof annotation \
            ackguard/rollback-digest, ModifyClusterAddon terway-eniip {"NetworkPolicy":"true"}, a terway-eniip \
            rollout restart, then a re-audit. Their prior state goes to a rollback file (mode 0600) before the first \
            write; --rollback FILE restores it only when the file's digest, the annotation, the values ackguard left \
            and the ConfigMap's resourceVersion all match.
            Flannel and exclusive-ENI clusters are never changed in place: their plan is a replacement cluster \
            (CreateCluster body and Terraform); --apply --create-replacement submits it. No cluster is ever deleted.
            Exit codes: plan as audit (1 with a FAIL, 3 with only UNKNOWNs). --apply: 1 when a cluster worked on \
            fails or still fails; 2 for input errors and refusals (no terminal and no --yes; over 100 Felix nodes \
            without --allow-large; placeholder pod vSwitches); otherwise as audit over what remains: 1 while any \
            FAIL remains (also clusters not attempted, such as Flannel ones with a migration plan), 3 while an \
            UNKNOWN remains, 0 only when every cluster passes or is not applicable. --rollback: 0 restored, 1 not \
            restored, 2 when the file does not prove ackguard's own change on the cluster as it stands (nothing is \
            written).
            """
    )

    enum Format: String, CaseIterable, ExpressibleByArgument {
        case table, json
    }

    @Option(name: .customLong("cluster"), help: ArgumentHelp("Only this cluster (repeatable).", valueName: "id"))
    var clusterIds: [String] = []

    @Flag(help: "Make the changes (asks on a terminal unless --yes).")
    var apply = false

    @Flag(name: .shortAndLong, help: "Do not ask for confirmation (needed with --apply when stdin is not a terminal).")
    var yes = false

    @Flag(help: "Also enable policy on clusters with over 100 nodes and the Felix datapath (ACK advises Typha first).")
    var allowLarge = false

    @Option(
        name: .customLong("pod-vswitch"),
        help: ArgumentHelp("Pod vSwitch of the replacement clusters (repeatable).", valueName: "vsw-id"))
    var podVSwitches: [String] = []

    @Flag(help: "With --apply: submit CreateCluster for the migration plans (old clusters are never deleted).")
    var createReplacement = false

    @Option(
        help: ArgumentHelp(
            "Folder for rollback files (default $XDG_STATE_HOME/ackguard/rollback, else "
                + "~/.local/state/ackguard/rollback).",
            valueName: "dir"))
    var rollbackDir: String?

    @Option(help: ArgumentHelp("Restore the state recorded in this rollback file.", valueName: "file"))
    var rollback: String?

    @Option(help: "Seconds to wait for the terway-eniip rollout of one cluster.")
    var rolloutTimeout = 300

    @Option(
        name: [.customShort("f"), .customLong("format")],
        help: ArgumentHelp(
            "Output format: table or json (default: json for an --output FILE.json).", valueName: "format"))
    var explicitFormat: Format?

    @Option(name: .shortAndLong, help: "Write the plan or outcome to FILE (atomically) instead of stdout.")
    var output: String?

    /// The format asked for, else json for a `.json` output file, else the text plan.
    var format: Format { explicitFormat ?? (output.flatMap(OutputFile.inferredFormat) == .json ? .json : .table) }

    @OptionGroup var liveOptions: LiveOptions

    @Flag(name: .shortAndLong, help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        if rollback != nil && apply {
            throw ValidationError("--rollback restores a file; do not combine it with --apply")
        }
        if rollback != nil && createReplacement {
            throw ValidationError("--create-replacement belongs to --apply, not to --rollback")
        }
        if createReplacement && !apply { throw ValidationError("--create-replacement needs --apply") }
        if rolloutTimeout < 1 { throw ValidationError("--rollout-timeout must be at least 1 second") }
        for id in podVSwitches where id.isEmpty || id.contains(where: \.isWhitespace) {
            throw ValidationError("--pod-vswitch '\(id)' is not a vSwitch id")
        }
        if liveOptions.noKubernetes {
            throw ValidationError("fix needs the clusters' Kubernetes APIs; drop --no-kubernetes")
        }
        if let output {
            try OutputFile.validate(
                output, explicit: explicitFormat.map { $0 == .json ? .json : .table }, accepted: [.table, .json])
        }
    }

    var writes: Bool { apply || rollback != nil }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        if writes && !yes && !Terminal.isTTY(STDIN_FILENO) {
            throw RunFailure(
                "\(rollback != nil ? "--rollback" : "--apply") changes clusters: pass --yes when stdin is not a "
                    + "terminal (nothing was changed)")
        }
        let rollbackDirectory =
            rollbackDir.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FixOptions.defaultRollbackDirectory(
                environment: environment, homeDirectory: HomeDirectory.path(environment: environment))
        let request = FixRequest(
            live: liveOptions.resolved(), clusterIds: clusterIds,
            options: FixOptions(
                allowLarge: allowLarge, podVSwitches: podVSwitches, createReplacement: createReplacement,
                rollbackDirectory: rollbackDirectory),
            rolloutTimeout: .seconds(rolloutTimeout), environment: environment, toolVersion: ACKGuard.version)
        let out = DeferredOutput(file: output, stdout: Terminal.writeStdout)
        let quiet = quiet
        let result: Result<Int32, any Error>
        do {
            result = .success(
                try await FixSession.open(
                    request,
                    events: { event in
                        if !quiet, let line = FixReportText.progressLine(event) { Terminal.note(line) }
                    }
                ) { session in
                    if let rollback { return try await restore(rollback, session: session, out: out) }
                    return try await fix(session, out: out)
                })
        } catch {
            result = .failure(error)
        }
        // What was printed so far is written even when the run ends with an error: a plan is never lost.
        if try out.finish() { Terminal.note("report written to \(output ?? "")") }
        let code = try result.get()
        if code != 0 { throw ExitCode(code) }
    }

    /// Plans, prints the plan, and with `--apply` (confirmed) applies it and prints what happened.
    func fix(_ session: FixSession, out: DeferredOutput) async throws -> Int32 {
        var run = try await session.plan()
        if format == .table, let plan = run.plan { out.write(FixReportText.plan(plan)) }
        for notice in run.notices { Terminal.note(notice) }
        // As `audit`: a region that could not be listed makes a clean plan incomplete (FixRun.exitCode).
        guard apply, let plan = run.plan else { return finish(run, out: out) }
        if !yes, let question = session.applyQuestion(plan), !Self.confirm(question) {
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
        if !check.verified.isEmpty && !yes {
            guard Self.confirm("Restore \(check.verified.count) cluster(s) to the recorded state?") else {
                Terminal.note("nothing was changed")
                return ExitStatus.inputError
            }
        }
        return finish(await session.restore(check), out: out)
    }

    /// Writes the run's outcome (the plan alone was printed already in the table) and gives its exit status.
    func finish(_ run: FixRun, out: DeferredOutput) -> Int32 {
        switch format {
        case .table where run.mode != .plan: out.write("\n" + FixReportText.outcomes(run))
        case .table: break
        case .json: out.write(FixReportJSON.render(run, toolVersion: ACKGuard.version))
        }
        return run.exitCode
    }

    /// Asks on the terminal; only "y" or "yes" goes ahead.
    static func confirm(_ question: String) -> Bool {
        Terminal.writeStderr("\(question) [y/N] ")
        guard let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return answer == "y" || answer == "yes"
    }
}
