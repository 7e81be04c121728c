import ArgumentParser
import AuditRun
import Foundation
import LiveCollection

/// Where and how a live audit reads the account and its clusters.
struct LiveOptions: ParsableArguments {
    @Flag(help: "Start the built-in emulator with its demo fleet and audit it (no cloud account needed).")
    var demo = false

    @Option(
        help: "Send every CS API call to this base URL (http:// allowed for local servers); also ACKGUARD_CS_ENDPOINT.")
    var endpoint: String?

    @Option(help: "STS endpoint for AssumeRole (--role-arn, RamRoleArn profiles).")
    var stsEndpoint: String?

    @Option(
        name: .customLong("region"),
        help: ArgumentHelp(
            "Region to audit (repeatable); default: every region DescribeRegions lists.", valueName: "id"))
    var regions: [String] = []

    @Option(
        name: .customLong("role-arn"),
        help: ArgumentHelp(
            "Audit the account of this RAM role by AssumeRole from the base credentials (repeatable).",
            valueName: "arn"))
    var roleArns: [String] = []

    @Option(help: "aliyun CLI profile or credentials-file section to use (also ALIBABA_CLOUD_PROFILE).")
    var profile: String?

    @Option(
        help: """
            Clusters in progress at once: a bound on memory and connections. How fast each CS API is called is set \
            by its own adaptive limiter (faster while calls succeed, slower on throttling).
            """)
    var concurrency = LiveCollectionOptions.defaultConcurrency

    @Flag(help: "Do not read the clusters' Kubernetes APIs (layers 3 and 4).")
    var noKubernetes = false

    @Flag(help: "Use the clusters' intranet API server endpoints (from inside the VPC).")
    var privateIp = false

    @Option(help: "Minutes the temporary kubeconfig of each cluster stays valid (15-4320).")
    var kubeconfigMinutes = 15

    @Option(
        help:
            "Use this kubeconfig instead of temporary ones: each cluster uses the context whose server is its API server, or the context named like its id."
    )
    var kubeconfig: String?

    @Option(help: "With --kubeconfig: use only this context.")
    var context: String?

    @Option(help: "Seconds one cluster's Kubernetes reads may take in all.")
    var clusterTimeout = 30

    @Option(help: "Seconds to wait for one CS API answer.")
    var readTimeout = 10

    @Option(
        help: """
            Seconds one CS API call may take in all: attempts, backoff and waiting for its rate limiter. A call \
            still unanswered then fails with its last error.
            """)
    var callBudget = 60

    @Option(
        help: """
            Seconds the whole run may take. Clusters not audited by then are reported UNKNOWN (collection-failed) \
            with the last API error, regions not listed as incomplete; exit 3 (1 with FAILs). Default: no limit \
            beyond each call's budget.
            """)
    var maxDuration: Int?

    func validate() throws {
        if let problem = resolved().problem { throw ValidationError(problem) }
    }

    /// The settings of the run, as the library takes them.
    func resolved() -> LiveSettings {
        var settings = LiveSettings()
        settings.demo = demo
        settings.endpoint = endpoint
        settings.stsEndpoint = stsEndpoint
        settings.regions = regions
        settings.roleArns = roleArns
        settings.profile = profile
        settings.concurrency = concurrency
        settings.noKubernetes = noKubernetes
        settings.privateIP = privateIp
        settings.kubeconfigMinutes = kubeconfigMinutes
        settings.kubeconfig = kubeconfig
        settings.context = context
        settings.clusterTimeout = .seconds(clusterTimeout)
        settings.readTimeout = .seconds(readTimeout)
        settings.callBudget = .seconds(callBudget)
        settings.maxDuration = maxDuration.map { .seconds($0) }
        return settings
    }
}
