public import ArgumentParser
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
    var explicitFormat: FixFlow.Format?

    @Option(name: .shortAndLong, help: "Write the plan or outcome to FILE (atomically) instead of stdout.")
    var output: String?

    /// The format asked for, else json for a `.json` output file, else the text plan.
    var format: FixFlow.Format {
        explicitFormat ?? (output.flatMap(OutputFile.inferredFormat) == .json ? .json : .table)
    }

    @OptionGroup var liveOptions: LiveOptions

    @Flag(name: .shortAndLong, help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        if let problem = FixFlow.problem(
            apply: apply, rollback: rollback, createReplacement: createReplacement, rolloutTimeout: rolloutTimeout,
            podVSwitches: podVSwitches, noKubernetes: liveOptions.noKubernetes)
        {
            throw ValidationError(problem)
        }
        if let output {
            try OutputFile.validate(
                output, explicit: explicitFormat.map { $0 == .json ? .json : .table }, accepted: [.table, .json])
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
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
        let mode: FixFlow.Mode = rollback.map { .rollback(path: $0) } ?? (apply ? .apply : .plan)
        let code = try await FixFlow(
            request: request, mode: mode, format: format, output: output, assumeYes: yes, quiet: quiet
        ).run()
        if code != 0 { throw ExitCode(code) }
    }
}

extension FixFlow.Format: ExpressibleByArgument {}
