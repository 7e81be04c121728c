import ArgumentParser
import Audit
import Evidence
import Foundation

struct CollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Save what the APIs return, in the saved-evidence layout that `audit --from` reads.",
        discussion: """
            Writes clusters.json (every listing page), addons/<id>/terway-eniip.json and
            kubernetes/<id>/{eni-config,nodes,namespaces,networkpolicies,pods}.json. Errors are saved as the API
            answered them, so `ackguard audit --from DIR` gives the same findings. Kubeconfigs are never written.
            """
    )

    @Option(name: .customLong("out"), help: "The folder to write (must not hold a clusters.json yet).")
    var outputFolder: String

    @Flag(help: "Also collect namespaces, NetworkPolicies and pods (for the coverage rule).")
    var coverage = false

    @OptionGroup var liveOptions: LiveOptions

    @Flag(name: .shortAndLong, help: "No progress bar.")
    var quiet = false

    func run() async throws {
        let writer = SavedEvidenceWriter(directory: outputFolder)
        do {
            try writer.prepare()
        } catch {
            throw inputError(error.description)
        }
        let outcome = try await LiveAudit(
            live: liveOptions, readCoverage: coverage, quiet: quiet,
            environment: ProcessInfo.processInfo.environment,
            documentSink: { documents in try writer.write(documents) }, keepsListingPages: true
        ).run()
        do {
            try writer.writeListing(pages: outcome.result.listingPages)
        } catch {
            throw inputError(error.description)
        }
        Terminal.note(
            "collected \(outcome.clusters.count) cluster(s) from \(outcome.result.regions.count) region(s) into \(outputFolder)"
        )
        for note in outcome.completenessNotes { Terminal.note(note) }
        if !outcome.result.failedRegions.isEmpty || !outcome.unfinished.isEmpty {
            throw ExitCode(ExitStatus.incomplete)
        }
    }
}
