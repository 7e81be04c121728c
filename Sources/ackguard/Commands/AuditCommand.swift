import ArgumentParser
import AuditRun
import Foundation
import Reports

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Evaluate every cluster and print a verdict with its evidence.",
        discussion: """
            Without --from, audits the account live: every region (or --region), every cluster, with the credentials
            the aliyun CLI and the official SDKs use. --demo audits the built-in emulator's demo fleet.
            With --from DIR, re-evaluates saved API output (the layout `ackguard collect` writes; see README).
            """
    )

    @Option(name: .customLong("from"), help: "Audit a saved-evidence folder instead of a live account.")
    var savedFolder: String?

    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var liveOptions: LiveOptions
    @OptionGroup var shardOptions: ShardOptions
    @OptionGroup var resultOptions: ResultOptions

    @Flag(name: .shortAndLong, help: "No progress bar.")
    var quiet = false

    func validate() throws {
        if savedFolder != nil && (liveOptions.demo || liveOptions.endpoint != nil) {
            throw ValidationError("--from audits saved files; it does not combine with --demo or --endpoint")
        }
        if savedFolder != nil && shardOptions.shard != nil {
            throw ValidationError("--shard divides live accounts; it does not combine with --from")
        }
        try shardOptions.check(with: liveOptions)
    }

    /// The request this command line makes.
    func resolved(environment: [String: String]) -> AuditRequest {
        let settings = shardOptions.applied(to: liveOptions.resolved(), environment: environment)
        return AuditRequest(
            source: savedFolder.map { .saved(folder: $0) } ?? .live(settings),
            options: ruleOptions.auditOptions, suppressions: resultOptions.suppressions,
            history: resultOptions.historyPolicy, part: settings.shard, environment: environment,
            toolVersion: ACKGuard.version)
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let code = try await AuditRun(resolved(environment: environment)).runPrinting(
            with: outputOptions.printer, quiet: quiet, environment: environment)
        if code != 0 { throw ExitCode(code) }
    }
}
