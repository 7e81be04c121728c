import ArgumentParser
import Audit
import Evidence
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
    @OptionGroup var resultOptions: ResultOptions

    @Flag(name: .shortAndLong, help: "No progress bar.")
    var quiet = false

    func validate() throws {
        if savedFolder != nil && (liveOptions.demo || liveOptions.endpoint != nil) {
            throw ValidationError("--from audits saved files; it does not combine with --demo or --endpoint")
        }
    }

    func run() async throws {
        try resultOptions.checkHistoryPath()
        let environment = ProcessInfo.processInfo.environment
        let started = Date()
        let options = ruleOptions.auditOptions
        var findings: [Finding]
        var tags: [String: [String: String]]
        var source: AuditReport.Source
        var notices: [String] = []
        var incomplete = false
        if let savedFolder {
            let evidence: [ClusterEvidence]
            do {
                evidence = try SavedEvidenceReader(directory: savedFolder).read()
            } catch {
                throw CommandFailure.classify(error)
            }
            findings = AuditEngine.evaluate(evidence, options: options)
            tags = Self.tags(evidence.map { ($0.record.clusterId, $0.record.tags) })
            source = .init(
                kind: .saved, regions: Array(Set(evidence.map(\.record.regionId).filter { !$0.isEmpty })).sorted(),
                account: Self.commonAccount(evidence.map(\.record.accountId)), location: savedFolder)
        } else {
            // Each cluster is evaluated as it arrives: what the APIs returned is not kept (memory at fleet scale).
            let outcome = try await LiveAudit(
                live: liveOptions, readCoverage: options.rules.contains(.networkPolicyCoverage), quiet: quiet,
                environment: environment, evaluation: options
            ).run()
            findings = AuditEngine.sorted(outcome.findings)
            tags = Self.tags(outcome.clusters.map { ($0.clusterId, $0.tags) })
            source = .init(
                kind: outcome.sourceKind, regions: outcome.result.regions,
                account: Self.commonAccount(outcome.clusters.map(\.accountId)), location: outcome.location)
            incomplete = !outcome.result.failedRegions.isEmpty
            notices += outcome.completenessNotes
            // In the table they are printed with the report; elsewhere (a file, JSON for CI) stderr says it too.
            if outputOptions.format != .table || outputOptions.output != nil {
                for note in outcome.completenessNotes { Terminal.note(note) }
            }
        }
        let suppressionNotices: [String]
        (findings, suppressionNotices) = try resultOptions.applySuppressions(findings, tags: tags, today: started)
        notices += suppressionNotices
        let report = AuditReport(
            toolVersion: ACKGuard.version, startedAt: Timestamp.rfc3339(started),
            finishedAt: Timestamp.rfc3339(Date()), source: source, rules: options.rules.sorted(), findings: findings,
            notices: notices)
        resultOptions.record(report, environment: environment)
        try finish(report, environment: environment, incomplete: incomplete)
    }

    func finish(_ report: AuditReport, environment: [String: String], incomplete: Bool = false) throws {
        var code = report.summary.exitCode
        if incomplete && code == ExitStatus.clean { code = ExitStatus.incomplete }
        let color = outputOptions.useColor(environment: environment)
        let text = renderReport(
            report, format: outputOptions.format, color: color, verbose: outputOptions.verbose, exitCode: code)
        do {
            try outputOptions.emit(text, summary: TableReportRenderer().summaryLine(report))
        } catch {
            throw inputError(
                "cannot write the report to \(outputOptions.output ?? "stdout"): \(error.localizedDescription)")
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// The account all clusters belong to, if they name one and the same.
    static func commonAccount(_ accounts: [String?]) -> String? {
        let distinct = Set(accounts.compactMap { $0 })
        return distinct.count == 1 ? distinct.first : nil
    }

    /// Each cluster's tags, by cluster id (the first of a repeated id wins).
    static func tags(_ pairs: [(String, [String: String])]) -> [String: [String: String]] {
        Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }
}
