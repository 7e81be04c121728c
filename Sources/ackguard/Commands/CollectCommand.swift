import ArgumentParser
import Audit
import AuditRun
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
    @OptionGroup var shardOptions: ShardOptions

    @Flag(name: .shortAndLong, help: "No progress bar.")
    var quiet = false

    func validate() throws {
        try shardOptions.check(with: liveOptions)
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = shardOptions.applied(to: liveOptions.resolved(), environment: environment)
        let audit = AuditRun(
            AuditRequest(
                source: .live(settings),
                options: AuditOptions(rules: coverage ? [.networkPolicySupport, .networkPolicyCoverage] : []),
                part: settings.shard, environment: environment, toolVersion: ACKGuard.version))
        let code = try await audit.collectPrinting(into: outputFolder, quiet: quiet)
        if code != 0 { throw ExitCode(code) }
    }
}
