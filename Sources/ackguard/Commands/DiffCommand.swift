import ArgumentParser
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
    var format = "table"

    func validate() throws {
        guard HistoryOutputFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be one of: table, json (got '\(format)')")
        }
    }

    func run() async throws {
        let outputFormat = HistoryOutputFormat(rawValue: format) ?? .table
        let path =
            historyPath
            ?? HistoryStore.defaultPath(
                environment: ProcessInfo.processInfo.environment,
                home: HomeDirectory.path(environment: ProcessInfo.processInfo.environment))
        do {
            try HistoryStore.checkPath(path, folderMayBeMissing: historyPath == nil)
        } catch {
            throw inputError(error.description)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw inputError(HistoryError.notEnoughScans(path: path, scope: nil, found: 0).description)
        }
        do {
            // Read-only, as `history`: nothing is created or written next to the database.
            let store = try HistoryStore(readingFrom: path)
            let pair = try store.diffPair(old: old, new: new)
            let diff = try store.diff(old: pair.old, new: pair.new)
            Terminal.writeStdout(HistoryDiffRenderer(format: outputFormat).render(diff))
        } catch {
            throw inputError(error.description)
        }
    }
}
