import ACKEmulator
import AlibabaCloud
import AsyncHTTPClient
import Audit
import Evidence
import Foundation
import KubernetesAPI
import LiveCollection
import Logging
import Reports

/// Runs a live collection (an account, or the in-process emulator with `--demo`) and hands back findings.
///
/// Each cluster is evaluated as soon as it is collected and only its findings are kept (its documents and evidence
/// are dropped), so memory grows with the findings, not with what the APIs returned.
struct LiveAudit {
    var live: LiveOptions
    var readCoverage: Bool
    var quiet: Bool
    var environment: [String: String]
    /// The rules evaluated on each cluster as it arrives; nil keeps no findings (`collect`).
    var evaluation: AuditOptions?
    /// Receives each cluster's documents (for `collect` and `fix`).
    var documentSink: (@Sendable (ClusterDocuments) async throws -> Void)?
    /// Keep the listing pages in ``Outcome/result`` (`collect` writes them out); otherwise they are dropped as read.
    var keepsListingPages: Bool

    init(
        live: LiveOptions, readCoverage: Bool, quiet: Bool, environment: [String: String],
        evaluation: AuditOptions? = nil, documentSink: (@Sendable (ClusterDocuments) async throws -> Void)? = nil,
        keepsListingPages: Bool = false
    ) {
        self.live = live
        self.readCoverage = readCoverage
        self.quiet = quiet
        self.environment = environment
        self.evaluation = evaluation
        self.documentSink = documentSink
        self.keepsListingPages = keepsListingPages
    }

    struct Outcome {
        /// The findings of ``evaluation`` (unsorted), with the account id of `--role-arn` set on their clusters.
        var findings: [Finding]
        /// What the report needs of each collected cluster besides its findings.
        var clusters: [CollectedCluster]
        /// Clusters whose collection stopped short (`--max-duration`), by id, with why: their findings are UNKNOWN.
        var unfinished: [String: String]
        var result: LiveCollectionResult
        var sourceKind: AuditReport.SourceKind
        var location: String
        var callCounts: [String: Int]

        /// What the run could not see, one line each: regions not (completely) listed, clusters not finished.
        var completenessNotes: [String] {
            var notes = result.failedRegions.sorted { $0.key < $1.key }.map { region, error in
                "region \(region) was not listed completely, clusters may be missing: \(error)"
            }
            if let (clusterId, why) = unfinished.min(by: { $0.key < $1.key }) {
                let others = unfinished.count > 1 ? " (and \(unfinished.count - 1) other cluster(s))" : ""
                notes.append("cluster \(clusterId)\(others) not audited: \(why)")
            }
            return notes
        }
    }

    func run() async throws -> Outcome {
        var emulator: Emulator?
        if live.demo { emulator = try await Self.startDemoEmulator() }
        do {
            let outcome = try await collect(emulator: emulator)
            await emulator?.stop()
            return outcome
        } catch {
            await emulator?.stop()
            throw error
        }
    }

    /// Starts the in-process emulator with the demo fleet (`--demo`); the caller stops it.
    static func startDemoEmulator() async throws -> Emulator {
        do {
            return try await Emulator.start(.demo())
        } catch {
            throw CommandFailure("cannot start the demo emulator", "\(error)")
        }
    }

    /// The CS client and collection options for `live` (the emulator's endpoint and key with `--demo`): endpoint,
    /// STS endpoint, Kubernetes access and credentials are checked here, each failure an input error.
    /// The HTTP client for CS calls, with the connect and read deadlines of the options (no redirects).
    func makeHTTPClient() -> HTTPClient {
        var options = CSClientOptions()
        options.readTimeout = .seconds(live.readTimeout)
        options.retry.maxElapsed = .seconds(live.callBudget)
        return HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: CSClient.httpClientConfiguration(for: options))
    }

    func connect(emulator: Emulator?, httpClient: HTTPClient) async throws -> LiveConnection {
        let endpointText = emulator?.endpoint.absoluteString ?? live.endpoint ?? environment["ACKGUARD_CS_ENDPOINT"]
        var endpoint: URL?
        if let endpointText {
            guard let url = URL(string: endpointText), let scheme = url.scheme, ["http", "https"].contains(scheme),
                url.host != nil
            else { throw CommandFailure("invalid endpoint", at: "--endpoint", "\(endpointText) is not an http(s) URL") }
            endpoint = url
        }
        var stsEndpoint: URL?
        if let text = live.stsEndpoint {
            guard let url = URL(string: text), url.scheme != nil, url.host != nil else {
                throw CommandFailure("invalid endpoint", at: "--sts-endpoint", "\(text) is not an http(s) URL")
            }
            stsEndpoint = url
        }
        var kubernetes: LiveCollectionOptions.KubernetesAccess = .temporaryKubeconfig(
            privateIP: live.privateIp, minutes: live.kubeconfigMinutes)
        if live.noKubernetes {
            kubernetes = .none
        } else if let path = live.kubeconfig {
            do {
                kubernetes = .kubeconfig(try Kubeconfig.load(path: path), context: live.context)
            } catch {
                throw CommandFailure("cannot use the kubeconfig", at: path, "\(error)")
            }
        }
        let credentials: any CredentialProvider
        if let emulator {
            let key = emulator.accessKeys[0]
            credentials = StaticCredentialProvider(
                ACSCredential(accessKeyId: key.id, accessKeySecret: key.secret, providerName: "emulator_demo"))
        } else {
            let credentialEnvironment = CredentialEnvironment(
                variables: environment, homeDirectory: HomeDirectory.path(environment: environment),
                profile: live.profile ?? environment["ALIBABA_CLOUD_PROFILE"], stsEndpoint: stsEndpoint)
            credentials = CredentialChain.default(environment: credentialEnvironment, httpClient: httpClient)
            do {
                _ = try await credentials.credential()
            } catch {
                throw CommandFailure.classify(error)
            }
        }
        var clientOptions = CSClientOptions()
        clientOptions.endpoint = endpoint
        clientOptions.readTimeout = .seconds(live.readTimeout)
        clientOptions.retry.maxElapsed = .seconds(live.callBudget)
        clientOptions.userAgent = "ackguard/\(ACKGuard.version)"
        let client = CSClient(httpClient: httpClient, credentials: credentials, options: clientOptions)
        var accounts: [(accountId: String, client: CSClient)] = []
        let roleEnvironment = CredentialEnvironment(
            variables: environment, homeDirectory: HomeDirectory.path(environment: environment),
            profile: live.profile, stsEndpoint: stsEndpoint ?? emulator?.endpoint)
        for roleArn in live.roleArns {
            let role = RAMRoleARNCredentialProvider(
                base: credentials, roleArn: roleArn, sessionName: "ackguard-audit", environment: roleEnvironment,
                httpClient: httpClient)
            do {
                _ = try await role.credential()
            } catch {
                throw CommandFailure("cannot assume the role", at: roleArn, "\(error)")
            }
            accounts.append(
                (
                    accountId(fromRoleArn: roleArn) ?? roleArn,
                    CSClient(httpClient: httpClient, credentials: role, options: clientOptions)
                ))
        }
        var options = LiveCollectionOptions(
            regions: live.regions.isEmpty ? nil : live.regions, concurrency: live.concurrency,
            kubernetes: kubernetes, readCoverage: readCoverage, clusterTimeout: .seconds(live.clusterTimeout),
            keepListingPages: keepsListingPages)
        options.limitDuration(to: live.maxDuration.map { .seconds($0) })
        return LiveConnection(
            client: client, collectionOptions: options, sourceKind: emulator == nil ? .live : .emulator,
            location: endpoint?.absoluteString ?? "Alibaba Cloud CS API", accounts: accounts)
    }

    func collect(emulator: Emulator?) async throws -> Outcome {
        let httpClient = makeHTTPClient()
        do {
            let outcome = try await collect(using: try await connect(emulator: emulator, httpClient: httpClient))
            try await httpClient.shutdown()
            return outcome
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
    }

    /// Collects every cluster through `connection` (with the progress bar); the caller owns the HTTP client.
    func collect(using connection: LiveConnection) async throws -> Outcome {
        guard !connection.accounts.isEmpty else {
            return try await collect(client: connection.client, account: nil, connection: connection)
        }
        // --role-arn: each account in turn, its findings carrying the account id.
        var merged: Outcome?
        for account in connection.accounts {
            let outcome = try await collect(client: account.client, account: account.accountId, connection: connection)
            guard var total = merged else {
                merged = outcome
                continue
            }
            total.findings += outcome.findings
            total.clusters += outcome.clusters
            total.unfinished.merge(outcome.unfinished) { first, _ in first }
            total.result.regions = Array(Set(total.result.regions + outcome.result.regions)).sorted()
            total.result.listingPages += outcome.result.listingPages
            total.result.clusterCount += outcome.result.clusterCount
            total.result.failedRegions.merge(outcome.result.failedRegions) { first, _ in first }
            total.callCounts.merge(outcome.callCounts, uniquingKeysWith: +)
            merged = total
        }
        return merged!
    }

    func collect(client: CSClient, account: String?, connection: LiveConnection) async throws -> Outcome {
        let collector = LiveCollector(client: client, options: connection.collectionOptions)
        let store = FindingStore()
        let sink = documentSink
        let evaluation = evaluation
        let progress = ProgressBar(
            isTTY: Terminal.isTTY(STDERR_FILENO), quiet: quiet,
            now: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
            output: { Terminal.writeStderr($0) })
        let result: LiveCollectionResult
        do {
            result = try await collector.collect(
                handle: { documents in
                    try await sink?(documents)
                    var evidence = try documents.evidence()
                    if let account { evidence.record.accountId = account }
                    let findings = evaluation.map { AuditEngine.evaluate(evidence, options: $0) } ?? []
                    await store.add(
                        findings, CollectedCluster(record: evidence.record), unfinished: documents.collectionError)
                },
                progress: { done, total in progress.update(done: done, total: total) })
        } catch {
            progress.finish()
            throw CommandFailure.classify(error, endpoint: connection.location)
        }
        progress.finish()
        return Outcome(
            findings: await store.findings, clusters: await store.clusters, unfinished: await store.unfinished,
            result: result,
            sourceKind: connection.sourceKind, location: connection.location, callCounts: await client.callCounts)
    }
}

/// What a live command talks to: the CS client and how clusters are collected.
struct LiveConnection {
    var client: CSClient
    var collectionOptions: LiveCollectionOptions
    var sourceKind: AuditReport.SourceKind
    /// The endpoint used, for reports (never a secret).
    var location: String
    /// One client per `--role-arn` (AssumeRole from the base credentials), with the account id of the role.
    var accounts: [(accountId: String, client: CSClient)] = []
}

/// What a report needs of a collected cluster besides its findings.
struct CollectedCluster {
    var clusterId: String
    var accountId: String?
    var tags: [String: String]

    init(record: ClusterRecord) {
        clusterId = record.clusterId
        accountId = record.accountId
        tags = record.tags
    }
}

/// Gathers findings from concurrent tasks.
actor FindingStore {
    private(set) var findings: [Finding] = []
    private(set) var clusters: [CollectedCluster] = []
    private(set) var unfinished: [String: String] = [:]

    func add(_ findings: [Finding], _ cluster: CollectedCluster, unfinished problem: String?) {
        self.findings += findings
        clusters.append(cluster)
        if let problem { unfinished[cluster.clusterId] = problem }
    }
}
