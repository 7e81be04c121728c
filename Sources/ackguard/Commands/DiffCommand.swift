import ArgumentParser
import AuditRun
import Foundation
import History

/// `ackguard diff [OLD] [NEW]`: what changed between two stored audits.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed between two stored audits.",
        discussion: """
            Lists new failures, fixed clusters, changed statuses or reasons, and clusters that appeared or
            vanished, matching findings by rule, account and cluster id. Without arguments: the last scan and the
            one before it of the same scope (source, account, regions, rules). With OLD only: OLD and the latest scan
            of its scope. Scan ids come from `ackguard history`.
            """
    )

    @Argument(help: "The older scan id.")
    var old: Int64?

    @Argument(help: "The newer scan id.")
    var new: Int64?

    @Option(name: .customLong("history"), help: ArgumentHelp("The history database.", valueName: "path"))
    var historyPath: String?

    @Option(help: "Output format: table or json.")
    var format: HistoryOutputFormat = .table

    func run() async throws {
        let (path, store) = try HistoryAccess.openForReading(
            historyPath, environment: ProcessInfo.processInfo.environment)
        guard let store else {
            throw RunFailure(HistoryError.notEnoughScans(path: path, scope: nil, found: 0).description)
        }
        do {
            let pair = try store.diffPair(old: old, new: new)
            Terminal.writeStdout(
                HistoryDiffRenderer(format: format).render(try store.diff(old: pair.old, new: pair.new)))
        } catch {
            throw RunFailure(error.description)
        }
    }
}

extension HistoryOutputFormat: ExpressibleByArgument {}
