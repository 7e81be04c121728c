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
            With --from DIR, re-evaluates saved API output (the layout `ackguard collect` writes; see README).
            """
    )

    @Option(name: .customLong("from"), help: "Audit a saved-evidence folder instead of a live account.")
    var savedFolder: String?

    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let started = Date()
        guard let savedFolder else {
            throw inputError("nothing to audit: give --from DIR (a saved-evidence folder)")
        }
        let evidence: [ClusterEvidence]
        do {
            evidence = try SavedEvidenceReader(directory: savedFolder).read()
        } catch {
            throw inputError(error.description)
        }
        let options = ruleOptions.auditOptions
        let findings = AuditEngine.evaluate(evidence, options: options)
        let report = AuditReport(
            toolVersion: ACKGuard.version, startedAt: Timestamp.rfc3339(started),
            finishedAt: Timestamp.rfc3339(Date()),
            source: .init(
                kind: .saved, regions: Array(Set(evidence.map(\.record.regionId).filter { !$0.isEmpty })).sorted(),
                account: Self.commonAccount(evidence), location: savedFolder),
            rules: options.rules.sorted(), findings: findings)
        try finish(report, environment: environment)
    }

    func finish(_ report: AuditReport, environment: [String: String]) throws {
        let color = outputOptions.useColor(environment: environment)
        let text = renderReport(report, format: outputOptions.format, color: color, verbose: outputOptions.verbose)
        do {
            try outputOptions.emit(text, summary: TableReportRenderer().summaryLine(report))
        } catch {
            throw inputError(
                "cannot write the report to \(outputOptions.output ?? "stdout"): \(error.localizedDescription)")
        }
        let code = report.summary.exitCode
        if code != 0 { throw ExitCode(code) }
    }

    static func commonAccount(_ evidence: [ClusterEvidence]) -> String? {
        let accounts = Set(evidence.compactMap(\.record.accountId))
        return accounts.count == 1 ? accounts.first : nil
    }
}
