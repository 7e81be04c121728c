public import ArgumentParser
import AuditRun
import Foundation
import History

/// `ackguard diff [OLD] [NEW]`: what changed between two stored audits (or two sharded runs).
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed between two stored audits.",
        discussion: """
            Lists new failures, fixed clusters, changed statuses or reasons, and clusters that appeared or
            vanished, matching findings by rule, account and cluster id. Without arguments: the last scan and the
            one before it of the same scope (source, account, regions, rules). With OLD only: OLD and the latest scan
            of its scope. Scan ids come from `ackguard history`. --old-run and --new-run compare two sharded runs,
            each assembled from its parts; a missing shard is noted (its clusters show as vanished or appeared).
            """
    )

    @Argument(help: "The older scan id.")
    var old: Int64?

    @Argument(help: "The newer scan id.")
    var new: Int64?

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The older sharded run (with --new-run).", valueName: "id"))
    var oldRun: String?

    @Option(help: ArgumentHelp("The newer sharded run (with --old-run).", valueName: "id"))
    var newRun: String?

    @Option(help: "Output format: table or json.")
    var format: HistoryOutputFormat = .table

    func validate() throws {
        if let problem = HistoryAccess.diffProblem(old: old, new: new, oldRun: oldRun, newRun: newRun) {
            throw ValidationError(problem)
        }
    }

    func run() async throws {
        Terminal.writeStdout(
            try await HistoryAccess.diff(
                store: storeOptions.store, historyPath: storeOptions.historyPath, old: old, new: new,
                runs: oldRun.flatMap { old in newRun.map { (old, $0) } }, format: format,
                environment: ProcessInfo.processInfo.environment))
    }
}

extension HistoryOutputFormat: ExpressibleByArgument {}
