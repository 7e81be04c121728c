import ACKEmulator
import AlibabaCloud
import ArgumentParser
import AsyncHTTPClient
import Audit
import Evidence
import Foundation
import LiveCollection
import Remediation
import Synchronization

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
            try OutputFile.check(
                output, explicit: explicitFormat.map { $0 == .json ? .json : .table }, accepted: [.table, .json])
        }
    }

    var writes: Bool { apply || rollback != nil }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        if writes && !yes && !Terminal.isTTY(STDIN_FILENO) {
            throw inputError(
                "\(rollback != nil ? "--rollback" : "--apply") changes clusters: pass --yes when stdin is not a "
                    + "terminal (nothing was changed)")
        }
        let started = Date()
        let rollbackDirectory =
            rollbackDir.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FixOptions.defaultRollbackDirectory(
                environment: environment, homeDirectory: HomeDirectory.path(environment: environment))
        let options = FixOptions(
            allowLarge: allowLarge, podVSwitches: podVSwitches, createReplacement: createReplacement,
            rollbackDirectory: rollbackDirectory)
        // With --demo the emulator lives for the whole run: plan, apply and re-audit all talk to it.
        var emulator: Emulator?
        if liveOptions.demo { emulator = try await LiveAudit.startDemoEmulator() }
        let live = LiveAudit(live: liveOptions, readCoverage: false, quiet: quiet, environment: environment)
        let httpClient = live.makeHTTPClient()
        let result: Result<Int32, any Error>
        let out = FixOutput(file: output)
        do {
            let connection = try await live.connect(emulator: emulator, httpClient: httpClient)
            let collector = LiveCollector(client: connection.client, options: connection.collectionOptions)
            let quiet = quiet
            let context = RemediationContext(
                client: connection.client, collector: collector,
                timing: RemediationTiming(
                    pollInterval: emulator == nil ? .seconds(2) : .milliseconds(100),
                    rolloutTimeout: .seconds(rolloutTimeout)),
                events: { event in if !quiet { FixProgress.report(event) } }, toolVersion: ACKGuard.version,
                sourceLocation: connection.location)
            if let rollback {
                result = .success(try await restore(rollback, context: context, started: started, out: out))
            } else {
                result = .success(
                    try await fix(
                        options: options, context: context, live: live, connection: connection, started: started,
                        out: out))
            }
        } catch {
            result = .failure(error)
        }
        try? await httpClient.shutdown()
        await emulator?.stop()
        // What was printed so far is written even when the run ends with an error: a plan is never lost.
        try out.finish()
        let code = try result.get()
        if code != 0 { throw ExitCode(code) }
    }

    // MARK: - Plan and apply

    func fix(
        options: FixOptions, context: RemediationContext, live: LiveAudit, connection: LiveConnection, started: Date,
        out: FixOutput
    ) async throws -> Int32 {
        let (audited, notices) = try await audit(live, connection: connection)
        var scope = audited
        if !clusterIds.isEmpty {
            let known = Set(audited.map(\.clusterId))
            let unknown = clusterIds.filter { !known.contains($0) }
            guard unknown.isEmpty else {
                throw inputError(
                    "no cluster \(unknown.joined(separator: ", ")) in the audited regions "
                        + "(\(liveOptions.regions.isEmpty ? "all" : liveOptions.regions.joined(separator: ", ")))")
            }
            scope = audited.filter { clusterIds.contains($0.clusterId) }
        }
        let plan = await FixPlanner(context: context).plan(scope, options: options)
        var run = FixRun(
            mode: apply ? .apply : .plan, startedAt: Timestamp.rfc3339(started), finishedAt: "",
            source: context.sourceLocation, plan: plan, notices: notices)
        if format == .table { out.write(FixReportText.plan(plan)) }
        for notice in notices { Terminal.note(notice) }
        guard apply else {
            run.finishedAt = Timestamp.rfc3339(Date())
            if format == .json { out.write(FixReportJSON.render(run, toolVersion: ACKGuard.version)) }
            // As `audit`: a region that could not be listed makes a clean plan incomplete (FixRun.exitCode).
            return run.exitCode
        }
        let inPlace = plan.clusters(.enableInPlace).filter { $0.refusal == nil }.count
        let replacements =
            options.createReplacement ? plan.clusters(.migrate).filter { $0.refusal == nil }.count : 0
        if inPlace + replacements > 0 && !yes {
            let question =
                "Apply: enable NetworkPolicy in place on \(inPlace) cluster(s)"
                + (options.createReplacement ? " and create \(replacements) replacement cluster(s)" : "") + "?"
            guard Self.confirm(question) else {
                Terminal.note("nothing was changed")
                return ExitStatus.inputError
            }
        }
        let applied = await FixApplier(context: context).apply(plan, options: options)
        run.outcomes = applied.outcomes
        run.rollbackFile = applied.rollbackFile
        run.finishedAt = Timestamp.rfc3339(Date())
        for outcome in applied.outcomes where outcome.result == .refused {
            Terminal.note(
                "\(outcome.clusterName) (\(outcome.clusterId)) was not changed: \(outcome.error ?? "refused")")
        }
        switch format {
        case .table: out.write("\n" + FixReportText.outcomes(run))
        case .json: out.write(FixReportJSON.render(run, toolVersion: ACKGuard.version))
        }
        return run.exitCode
    }

    /// The live audit (rule 1), exactly as `audit` runs it, keeping each cluster's documents.
    func audit(_ live: LiveAudit, connection: LiveConnection) async throws -> ([AuditedCluster], [String]) {
        let store = DocumentStore()
        var collecting = live
        collecting.documentSink = { documents in await store.add(documents) }
        let outcome = try await collecting.collect(using: connection)
        let audited = await store.all().map(AuditedCluster.init(documents:))
        let notices = outcome.result.failedRegions.sorted { $0.key < $1.key }.map {
            "region \($0.key) could not be listed, its clusters are missing: \($0.value)"
        }
        return (audited, notices)
    }

    // MARK: - Rollback

    func restore(_ path: String, context: RemediationContext, started: Date, out: FixOutput) async throws -> Int32 {
        let file: RollbackFile
        do {
            file = try RollbackFile.load(from: URL(fileURLWithPath: path))
        } catch {
            throw inputError("\(error)")
        }
        let recorded = Set(file.clusters.map(\.clusterId))
        let unknown = clusterIds.filter { !recorded.contains($0) }
        guard unknown.isEmpty else {
            throw inputError("\(path) records no cluster \(unknown.joined(separator: ", "))")
        }
        // Every selected cluster is checked against the file before anything is written (or asked).
        let runner = RollbackRunner(context: context)
        let verified: [RollbackRunner.VerifiedEntry]
        do {
            verified = try await runner.verify(file, only: clusterIds.isEmpty ? nil : Set(clusterIds))
        } catch {
            throw inputError("\(error)")
        }
        if format == .table {
            var lines = ["ackguard fix: rollback from \(path) (recorded \(file.createdAt))"]
            for entry in verified.map(\.entry) {
                lines.append(
                    "== \(entry.clusterName) (\(entry.clusterId), \(entry.regionId)): eni-config "
                        + "disable_network_policy back to \(entry.configMap.prior), add-on NetworkPolicy back to "
                        + "\(entry.addon.priorNetworkPolicy), then restart terway-eniip")
            }
            out.write(lines.joined(separator: "\n") + "\n")
        }
        if !verified.isEmpty && !yes {
            guard Self.confirm("Restore \(verified.count) cluster(s) to the recorded state?") else {
                Terminal.note("nothing was changed")
                return ExitStatus.inputError
            }
        }
        let outcomes = await runner.restore(verified)
        let run = FixRun(
            mode: .rollback, startedAt: Timestamp.rfc3339(started), finishedAt: Timestamp.rfc3339(Date()),
            source: context.sourceLocation, plan: nil, outcomes: outcomes, rollbackFile: path)
        switch format {
        case .table: out.write("\n" + FixReportText.outcomes(run))
        case .json: out.write(FixReportJSON.render(run, toolVersion: ACKGuard.version))
        }
        return run.exitCode
    }

    // MARK: - Terminal

    /// Asks on the terminal; only "y" or "yes" goes ahead.
    static func confirm(_ question: String) -> Bool {
        Terminal.writeStderr("\(question) [y/N] ")
        guard let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return answer == "y" || answer == "yes"
    }

}

/// Progress lines on stderr while `fix` works.
enum FixProgress {
    static func report(_ event: FixEvent) {
        switch event {
        case .progress(let clusterId, let message):
            Terminal.note("\(clusterId): \(message)")
        case .wrote(let write):
            Terminal.note(
                "\(write.clusterId): wrote \(write.api) \(write.target): \(FixReportText.show(write.before)) → "
                    + FixReportText.show(write.after))
        case .willPatchConfigMap:
            break
        }
    }
}

/// Gathers cluster documents from concurrent tasks.
actor DocumentStore {
    private var items: [ClusterDocuments] = []

    func add(_ documents: ClusterDocuments) { items.append(documents) }

    func all() -> [ClusterDocuments] { items }
}

/// Where `fix` prints its plan and outcome: stdout, or with `--output` a buffer written atomically at the end (the
/// text is made in several steps; a file must never hold half of it).
final class FixOutput: Sendable {
    let file: String?
    private let buffer = Mutex("")

    init(file: String?) { self.file = file }

    func write(_ text: String) {
        guard file != nil else { return Terminal.writeStdout(text) }
        buffer.withLock { $0 += text }
    }

    func finish() throws {
        guard let file else { return }
        let text = buffer.withLock { $0 }
        guard !text.isEmpty else { return }
        do {
            try writeAtomically(text, to: file)
        } catch {
            throw inputError("cannot write the report to \(file): \(error.localizedDescription)")
        }
        Terminal.note("report written to \(file)")
    }
}
