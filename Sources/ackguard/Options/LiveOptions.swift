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
        settings.resourceDirectory = resourceDirectory
        settings.resourceDirectoryFolder = resourceDirectoryFolder
        settings.includedAccounts = includedAccounts
        settings.excludedAccounts = excludedAccounts
        settings.memberRole = memberRole
        settings.accountConcurrency = accountConcurrency
        settings.resourceManagerEndpoint = resourceManagerEndpoint
        return settings
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

    /// `--shard` as `K/N`: `index/N` reads K from the Indexed Job's 0-based `JOB_COMPLETION_INDEX` (so the Job needs
    /// no shell to add one).
    static func shardText(_ shard: String, environment: [String: String]) throws -> String {
        guard shard.hasPrefix("index/") else { return shard }
        let count = shard.dropFirst("index/".count)
        guard let text = environment["JOB_COMPLETION_INDEX"], !text.isEmpty, text.count <= 4,
            text.allSatisfy({ $0.isASCII && $0.isNumber }), let index = Int(text)
        else {
            throw ValidationError(
                "--shard \(shard) needs JOB_COMPLETION_INDEX (0-based, set by a Kubernetes Indexed Job) in the environment"
            )
        }
        return "\(index + 1)/\(count)"
    }

    @Option(
        help: ArgumentHelp(
            "Ties the shards of one scan together ([A-Za-z0-9._-], 1-128); default JOB_NAME, else a fresh UUID.",
            valueName: "id"))
    var runId: String?

    func validate() throws {
        if let shard {
            let text = try Self.shardText(shard, environment: ProcessInfo.processInfo.environment)
            do { _ = try AccountShard.parse(text) } catch { throw ValidationError(error.description) }
        } else if runId != nil {
            throw ValidationError("--run-id names the run of a --shard; give --shard K/N")
        }
        if let runId, let problem = ScanPart.problem(withRunId: runId) {
            throw ValidationError("--run-id: \(problem)")
        }
        if shard != nil, runId == nil, let job = ProcessInfo.processInfo.environment["JOB_NAME"], !job.isEmpty,
            let problem = ScanPart.problem(withRunId: job)
        {
            throw ValidationError("JOB_NAME (the default --run-id): \(problem); give --run-id")
        }
    }

    /// This run's part, or `nil` without `--shard`.
    func part(environment: [String: String]) -> ScanPart? {
        guard let shard, let text = try? Self.shardText(shard, environment: environment),
            let parsed = try? AccountShard.parse(text)
        else { return nil }
        let runId = runId ?? ScanPart.defaultRunId(environment: environment) { UUID().uuidString.lowercased() }
        return ScanPart(runId: runId, index: parsed.index, count: parsed.count)
    }

    /// `settings` with this run's part.
    func applied(to settings: LiveSettings, environment: [String: String]) -> LiveSettings {
        var settings = settings
        settings.shard = part(environment: environment)
        return settings
    }
}
