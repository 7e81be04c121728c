import AlibabaCloud
import ArgumentParser
import AuditRun
import Foundation
import History
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

    @Flag(
        help: """
            Audit every member account of the Resource Directory: list them with ResourceManager ListAccounts (the \
            management account's or a delegated administrator's credentials) and assume --member-role in each.
            """)
    var resourceDirectory = false

    @Option(
        name: .customLong("rd-folder"),
        help: ArgumentHelp(
            "Only the members of this Resource Directory folder and the folders below it (implies --resource-directory).",
            valueName: "id"))
    var resourceDirectoryFolder: String?

    @Option(
        name: .customLong("account"),
        help: ArgumentHelp("With --resource-directory: only this member account (repeatable).", valueName: "id"))
    var includedAccounts: [String] = []

    @Option(
        name: .customLong("exclude-account"),
        help: ArgumentHelp("With --resource-directory: skip this member account (repeatable).", valueName: "id"))
    var excludedAccounts: [String] = []

    @Option(help: "The RAM role assumed in each member account.")
    var memberRole = LiveSettings.defaultMemberRole

    @Option(help: "Member accounts collected at once (1-64); --concurrency stays the bound on clusters in all.")
    var accountConcurrency = LiveSettings.defaultAccountConcurrency

    @Option(
        name: .customLong("rm-endpoint"),
        help: ArgumentHelp(
            "Send ResourceManager calls to this base URL (default https://resourcemanager.aliyuncs.com).",
            valueName: "url"))
    var resourceManagerEndpoint: String?

    func validate() throws {
        if let problem = resolved().problem { throw ValidationError(problem) }
    }

    /// The settings of the run, as the library takes them.
    func resolved() -> LiveSettings {
        var s = LiveSettings()
        (s.demo, s.endpoint, s.stsEndpoint, s.regions, s.profile) = (demo, endpoint, stsEndpoint, regions, profile)
        (s.concurrency, s.noKubernetes, s.privateIP) = (concurrency, noKubernetes, privateIp)
        (s.kubeconfigMinutes, s.kubeconfig, s.context) = (kubeconfigMinutes, kubeconfig, context)
        (s.clusterTimeout, s.readTimeout) = (.seconds(clusterTimeout), .seconds(readTimeout))
        (s.callBudget, s.maxDuration) = (.seconds(callBudget), maxDuration.map { .seconds($0) })
        (s.roleArns, s.resourceDirectory, s.resourceDirectoryFolder) = (
            roleArns, resourceDirectory, resourceDirectoryFolder
        )
        (s.includedAccounts, s.excludedAccounts) = (includedAccounts, excludedAccounts)
        (s.memberRole, s.accountConcurrency) = (memberRole, accountConcurrency)
        s.resourceManagerEndpoint = resourceManagerEndpoint
        return s
    }
}

/// `--shard K/N` and `--run-id`: this runner's share of the accounts of one organisation scan.
struct ShardOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            """
            Audit only shard K of N (1 <= K <= N <= 1000) of the accounts (--resource-directory or --role-arn): an \
            account is in shard 1 + (the first 8 bytes of SHA-256 of its id, big-endian) mod N, so N runners cover \
            every account exactly once. `index/N` takes K from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX + 1).
            """, valueName: "K/N"))
    var shard: String?

    @Option(
        help: ArgumentHelp(
            "Ties the shards of one scan together ([A-Za-z0-9._:-], 1-128); default JOB_NAME, else a fresh UUID.",
            valueName: "id"))
    var runId: String?

    func validate() throws {
        do { _ = try part(environment: ProcessInfo.processInfo.environment) } catch {
            throw ValidationError(error.description)
        }
    }

    /// This run's part, or `nil` without `--shard`.
    func part(environment: [String: String]) throws(RunFailure) -> ScanPart? {
        try ScanPart.resolve(shard: shard, runId: runId, environment: environment) { UUID().uuidString.lowercased() }
    }

    /// Refuses a shard the accounts of `live` cannot be divided into (no `--resource-directory` or `--role-arn`).
    func check(with live: LiveOptions) throws {
        let environment = ProcessInfo.processInfo.environment
        if shard != nil, let problem = applied(to: live.resolved(), environment: environment).problem {
            throw ValidationError(problem)
        }
    }

    /// `settings` with this run's part.
    func applied(to settings: LiveSettings, environment: [String: String]) -> LiveSettings {
        var settings = settings
        settings.shard = try? part(environment: environment)
        return settings
    }
}
