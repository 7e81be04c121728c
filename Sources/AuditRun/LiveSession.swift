import ACKEmulator
public import AlibabaCloud
import AsyncHTTPClient
public import Audit
import Foundation
public import History
import KubernetesAPI
public import LiveCollection

/// How a live run reaches the account and its clusters, as the user asked (the CLI's `LiveOptions`, resolved).
public struct LiveSettings: Sendable {
    /// Start the in-process emulator with its demo fleet and talk to it.
    public var demo = false
    public var endpoint: String?
    public var stsEndpoint: String?
    /// Regions to audit; empty: every region DescribeRegions lists.
    public var regions: [String] = []
    /// One account per role, by AssumeRole from the base credentials.
    public var roleArns: [String] = []
    public var profile: String?
    public var concurrency = LiveCollectionOptions.defaultConcurrency
    /// Layers 3 and 4 are not read.
    public var noKubernetes = false
    public var privateIP = false
    public var kubeconfigMinutes = 15
    public var kubeconfig: String?
    public var context: String?
    public var clusterTimeout: Duration = .seconds(30)
    public var readTimeout: Duration = .seconds(10)
    public var callBudget: Duration = .seconds(60)
    public var maxDuration: Duration?
    /// Audit every member account of the Resource Directory (`--resource-directory`), by AssumeRole into
    /// ``memberRole`` of each; implied by ``resourceDirectoryFolder``.
    public var resourceDirectory = false
    /// Only the members of this folder and of every folder below it (`--rd-folder`).
    public var resourceDirectoryFolder: String?
    /// Only these member accounts (`--account`); empty: every member.
    public var includedAccounts: [String] = []
    /// Never these member accounts (`--exclude-account`).
    public var excludedAccounts: [String] = []
    /// The RAM role assumed in each member account (`--member-role`).
    public var memberRole = LiveSettings.defaultMemberRole
    /// Accounts collected at once (`--account-concurrency`); clusters in progress stay bounded by ``concurrency``.
    public var accountConcurrency = LiveSettings.defaultAccountConcurrency
    /// The ResourceManager endpoint (`--rm-endpoint`); default `https://resourcemanager.aliyuncs.com`, the demo's
    /// emulator with `demo`.
    public var resourceManagerEndpoint: String?
    /// This run's shard of the accounts (`--shard K/N`, with `--run-id`): only accounts whose
    /// ``AccountShard/index(ofAccount:count:)`` is `shard.index` are audited.
    public var shard: ScanPart?

    public static let defaultMemberRole = "ResourceDirectoryAccountAccessRole"
    public static let defaultAccountConcurrency = 4

    public init() {}

    /// Whether the accounts come from the Resource Directory.
    public var usesResourceDirectory: Bool { resourceDirectory || resourceDirectoryFolder != nil }

    /// What is wrong with these settings, as one line naming the option, or `nil`: ranges, role ARNs and region ids
    /// are checked before anything connects.
    public var problem: String? {
        for arn in roleArns where !arn.hasPrefix("acs:ram::") || !arn.contains(":role/") {
            return "--role-arn \(arn) is not a RAM role ARN (acs:ram::<account>:role/<name>)"
        }
        if concurrency < 1 || concurrency > 1024 { return "--concurrency must be between 1 and 1024" }
        if kubeconfigMinutes < 15 || kubeconfigMinutes > 4320 {
            return "--kubeconfig-minutes must be between 15 and 4320"
        }
        let atLeastOneSecond: [(String, Duration?)] = [
            ("--cluster-timeout", clusterTimeout), ("--read-timeout", readTimeout), ("--call-budget", callBudget),
            ("--max-duration", maxDuration),
        ]
        for (option, value) in atLeastOneSecond where value.map({ $0 < .seconds(1) }) == true {
            return "\(option) must be at least 1 second"
        }
        for region in regions {
            if let problem = Identifier.regionId.problem(with: region) { return "--region: \(problem)" }
        }
        if context != nil && kubeconfig == nil { return "--context needs --kubeconfig" }
        if demo && endpoint != nil { return "--demo starts its own endpoint; drop --endpoint" }
        return organisationProblem
    }

    /// What is wrong with the Resource Directory and shard settings, or `nil`.
    var organisationProblem: String? {
        if usesResourceDirectory && !roleArns.isEmpty {
            return "--resource-directory finds the accounts itself; it does not combine with --role-arn"
        }
        if let folder = resourceDirectoryFolder {
            do { try ResourceManagerClient.validate(folderId: folder) } catch { return "--rd-folder: \(error)" }
        }
        for (option, ids) in [("--account", includedAccounts), ("--exclude-account", excludedAccounts)] {
            if !ids.isEmpty && !usesResourceDirectory { return "\(option) needs --resource-directory" }
            for id in ids {
                do { try MemberAccount.validate(accountId: id) } catch { return "\(option): \(error)" }
            }
        }
        do {
            _ = try memberRoleArn(accountId: "1000000000000000", roleName: memberRole)
        } catch {
            return "--member-role: \(error)"
        }
        if accountConcurrency < 1 || accountConcurrency > 64 {
            return "--account-concurrency must be between 1 and 64"
        }
        if let shard {
            if !usesResourceDirectory && roleArns.isEmpty {
                return "--shard divides accounts: it needs --resource-directory or --role-arn"
            }
            if let problem = ScanPart.runIdProblem(shard.runId) { return "--run-id: \(problem)" }
            if !(1...AccountShard.maxCount).contains(shard.count) || !(1...shard.count).contains(shard.index) {
                return "--shard \(shard.index)/\(shard.count): expected 1 <= K <= N <= \(AccountShard.maxCount)"
            }
        }
        return nil
    }
}

/// One live run's connections: the CS client of each account, how clusters are collected, and (with
/// ``LiveSettings/demo``) the emulator. Made and torn down by ``withLiveSession(_:environment:userAgent:keepListingPages:readCoverage:_:)``.
public struct LiveSession: Sendable {
    /// One account of the run: its CS client, and the account id when it came from a role ARN.
    public struct Account: Sendable {
        public var accountId: String?
        /// The member's display name in the Resource Directory (`--resource-directory`), else `nil`.
        public var accountName: String?
        /// A Resource Directory member: a failure to collect it is a completeness note, not the end of the run.
        public var isDirectoryMember = false
        public var client: CSClient

        public init(accountId: String?, accountName: String? = nil, isDirectoryMember: Bool = false, client: CSClient) {
            self.accountId = accountId
            self.accountName = accountName
            self.isDirectoryMember = isDirectoryMember
            self.client = client
        }
    }

    /// The base credentials' client (the first account without `--role-arn`).
    public var client: CSClient
    /// The accounts to audit, in order: the base account, or one per role ARN.
    public var accounts: [Account]
    public var collectionOptions: LiveCollectionOptions
    public var sourceKind: AuditReport.SourceKind
    /// The endpoint used, for reports (never a secret).
    public var location: String
    /// True when the run talks to the in-process demo emulator (it answers at once: short polling intervals).
    public var isEmulated: Bool
    /// Accounts collected at once (each account's collection gets its share of the cluster concurrency).
    public var accountConcurrency = 1
    /// The accounts discovery leaves out (inactive members, roles that cannot be assumed, `--account` ids not in the
    /// directory): completeness notes of the run, and entries of a collected folder's `accounts.json`.
    var skippedAccounts: [SkippedAccount] = []
    /// Notes that change nothing in the verdict (a shard without accounts).
    public var information: [String] = []
}

/// Connects as `settings` say (the demo emulator, the endpoint, the credential chain, each role), runs `body`, and
/// always shuts the HTTP client and the emulator down, whether `body` returns or throws. Every problem with the
/// settings (an endpoint that is not an http(s) URL, a kubeconfig that cannot be read, credentials, a role that
/// cannot be assumed) is a ``RunFailure`` naming it, before any cluster is read.
public func withLiveSession<T: Sendable>(
    _ settings: LiveSettings, environment: [String: String], userAgent: String, keepListingPages: Bool = false,
    readCoverage: Bool, _ body: (LiveSession) async throws -> T
) async throws -> T {
    var emulator: Emulator?
    if settings.demo {
        do {
            var configuration = EmulatorConfiguration.demo()
            if settings.usesResourceDirectory { configuration.organisation = LiveSettings.demoOrganisation }
            emulator = try await Emulator.start(configuration)
        } catch {
            throw RunFailure("cannot start the demo emulator", "\(error)")
        }
    }
    var clientOptions = CSClientOptions()
    clientOptions.readTimeout = settings.readTimeout
    clientOptions.retry.maxElapsed = settings.callBudget
    clientOptions.userAgent = userAgent
    let httpClient = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: CSClient.httpClientConfiguration(for: clientOptions))
    let result: Result<T, any Error>
    do {
        let connector = LiveConnector(
            settings: settings, environment: environment, emulator: emulator, httpClient: httpClient,
            clientOptions: clientOptions)
        let session = try await connector.connect(keepListingPages: keepListingPages, readCoverage: readCoverage)
        result = .success(try await body(session))
    } catch {
        result = .failure(error)
    }
    try? await httpClient.shutdown()
    await emulator?.stop()
    return try result.get()
}

extension LiveSettings {
    /// The demo's organisation with `--resource-directory`: the management account (the demo fleet) and four
    /// members of four clusters each, one of them not active (`member-03`) and one without the role
    /// (`member-02`), so that the notes of an organisation audit show.
    static var demoOrganisation: EmulatorOrganisation {
        EmulatorOrganisation.generate(members: 4, clustersPerMember: 4)
    }
}

/// Turns settings into a session: each check is an input error naming the setting.
struct LiveConnector {
    var settings: LiveSettings
    var environment: [String: String]
    var emulator: Emulator?
    var httpClient: HTTPClient
    var clientOptions: CSClientOptions

    func connect(keepListingPages: Bool, readCoverage: Bool) async throws -> LiveSession {
        let endpointText = emulator?.endpoint.absoluteString ?? settings.endpoint ?? environment["ACKGUARD_CS_ENDPOINT"]
        let endpoint = try endpointText.map { try Self.url($0, option: "--endpoint") }
        let stsEndpoint = try settings.stsEndpoint.map { try Self.url($0, option: "--sts-endpoint") }
        var options = clientOptions
        options.endpoint = endpoint
        let credentials = try await baseCredentials(stsEndpoint: stsEndpoint)
        let client = CSClient(httpClient: httpClient, credentials: credentials, options: options)
        var selection = AccountSelection()
        let roleEnvironment = CredentialEnvironment(
            variables: environment, homeDirectory: HomeDirectory.path(environment: environment),
            profile: settings.profile, stsEndpoint: stsEndpoint ?? emulator?.endpoint)
        if settings.shard != nil && !settings.usesResourceDirectory && settings.roleArns.isEmpty {
            throw RunFailure("--shard divides accounts", "it needs --resource-directory or --role-arn")
        }
        if settings.usesResourceDirectory {
            let managerText = settings.resourceManagerEndpoint ?? emulator?.endpoint.absoluteString
            let managerEndpoint =
                try managerText.map { try Self.url($0, option: "--rm-endpoint") }
                ?? ResourceManagerClient.defaultEndpoint
            selection = try await directoryAccounts(
                base: credentials, roleEnvironment: roleEnvironment, options: options,
                resourceManagerEndpoint: managerEndpoint)
        }
        for roleArn in settings.roleArns {
            let roleAccount = accountId(fromRoleArn: roleArn) ?? roleArn
            guard inShard(roleAccount) else { continue }
            do {
                selection.accounts.append(
                    try await Self.assumedAccount(
                        roleArn: roleArn, accountId: roleAccount, isDirectoryMember: false, base: credentials,
                        roleEnvironment: roleEnvironment, httpClient: httpClient, options: options))
            } catch {
                throw RunFailure("cannot assume the role", at: roleArn, "\(error)")
            }
        }
        if let shard = settings.shard, !settings.roleArns.isEmpty, selection.accounts.isEmpty {
            selection.information.append(
                "shard \(shard.index)/\(shard.count) of run \(shard.runId) holds none of the --role-arn accounts: nothing to audit"
            )
        }
        let accounts =
            settings.usesResourceDirectory || !settings.roleArns.isEmpty
            ? selection.accounts : [.init(accountId: nil, client: client)]
        var collection = LiveCollectionOptions(
            regions: settings.regions.isEmpty ? nil : settings.regions, concurrency: settings.concurrency,
            kubernetes: try kubernetesAccess(), readCoverage: readCoverage, clusterTimeout: settings.clusterTimeout,
            keepListingPages: keepListingPages)
        collection.limitDuration(to: settings.maxDuration)
        return LiveSession(
            client: client, accounts: accounts, collectionOptions: collection,
            sourceKind: emulator == nil ? .live : .emulator,
            location: endpoint?.absoluteString ?? "Alibaba Cloud CS API", isEmulated: emulator != nil,
            accountConcurrency: settings.accountConcurrency, skippedAccounts: selection.skipped,
            information: selection.information)
    }

    static func url(_ text: String, option: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
            url.host != nil
        else { throw RunFailure("invalid endpoint", at: option, "\(text) is not an http(s) URL") }
        return url
    }

    func kubernetesAccess() throws -> LiveCollectionOptions.KubernetesAccess {
        if settings.noKubernetes { return .none }
        guard let path = settings.kubeconfig else {
            return .temporaryKubeconfig(privateIP: settings.privateIP, minutes: settings.kubeconfigMinutes)
        }
        do {
            return .kubeconfig(try Kubeconfig.load(path: path), context: settings.context)
        } catch {
            throw RunFailure("cannot use the kubeconfig", at: path, "\(error)")
        }
    }

    /// The emulator's key with `demo`; else the credential chain of the official SDKs, asked once now so that a
    /// missing credential is an error before any API call.
    func baseCredentials(stsEndpoint: URL?) async throws -> any CredentialProvider {
        if let emulator {
            let key = emulator.accessKeys[0]
            return StaticCredentialProvider(
                ACSCredential(accessKeyId: key.id, accessKeySecret: key.secret, providerName: "emulator_demo"))
        }
        let credentialEnvironment = CredentialEnvironment(
            variables: environment, homeDirectory: HomeDirectory.path(environment: environment),
            profile: settings.profile ?? environment["ALIBABA_CLOUD_PROFILE"], stsEndpoint: stsEndpoint)
        let credentials = CredentialChain.default(environment: credentialEnvironment, httpClient: httpClient)
        do {
            _ = try await credentials.credential()
        } catch {
            throw RunFailure.classify(error)
        }
        return credentials
    }
}
