import ArgumentParser
import Audit
import Collection
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
        let environment = ProcessInfo.processInfo.environment
        let started = Date()
        let options = ruleOptions.auditOptions
        var evidence: [ClusterEvidence]
        var source: AuditReport.Source
        var notices: [String] = []
        var incomplete = false
        if let savedFolder {
            do {
                evidence = try SavedEvidenceReader(directory: savedFolder).read()
            } catch {
                throw inputError(error.description)
            }
            source = .init(
                kind: .saved, regions: Array(Set(evidence.map(\.record.regionId).filter { !$0.isEmpty })).sorted(),
                account: Self.commonAccount(evidence), location: savedFolder)
        } else {
            let outcome = try await LiveAudit(
                live: liveOptions, readCoverage: options.rules.contains(.networkPolicyCoverage), quiet: quiet,
                environment: environment
            ).run()
            evidence = outcome.evidence
            source = .init(
                kind: outcome.sourceKind, regions: outcome.result.regions, account: Self.commonAccount(evidence),
                location: outcome.location)
            incomplete = !outcome.result.failedRegions.isEmpty
            for (region, error) in outcome.result.failedRegions.sorted(by: { $0.key < $1.key }) {
                notices.append("region \(region) could not be listed, its clusters are missing: \(error)")
            }
        }
        let tags = Dictionary(evidence.map { ($0.record.clusterId, $0.record.tags) }, uniquingKeysWith: { a, _ in a })
        let (findings, suppressionNotices) = try resultOptions.applySuppressions(
            AuditEngine.evaluate(evidence, options: options), tags: tags, today: started)
        notices += suppressionNotices
        let report = AuditReport(
            toolVersion: ACKGuard.version, startedAt: Timestamp.rfc3339(started),
            finishedAt: Timestamp.rfc3339(Date()), source: source, rules: options.rules.sorted(), findings: findings,
            notices: notices)
        resultOptions.record(report, environment: environment)
        try finish(report, environment: environment, incomplete: incomplete)
    }

    func finish(_ report: AuditReport, environment: [String: String], incomplete: Bool = false) throws {
        let color = outputOptions.useColor(environment: environment)
        let text = renderReport(report, format: outputOptions.format, color: color, verbose: outputOptions.verbose)
        do {
            try outputOptions.emit(text, summary: TableReportRenderer().summaryLine(report))
        } catch {
            throw inputError(
                "cannot write the report to \(outputOptions.output ?? "stdout"): \(error.localizedDescription)")
        }
        var code = report.summary.exitCode
        if incomplete && code == ExitStatus.clean { code = ExitStatus.incomplete }
        if code != 0 { throw ExitCode(code) }
    }

    static func commonAccount(_ evidence: [ClusterEvidence]) -> String? {
        let accounts = Set(evidence.compactMap(\.record.accountId))
        return accounts.count == 1 ? accounts.first : nil
    }
}
