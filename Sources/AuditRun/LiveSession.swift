import ACKEmulator
import AlibabaCloud
import AsyncHTTPClient
import Audit
import Foundation
import KubernetesAPI
import LiveCollection

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

    public init() {}

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
        return nil
    }
}

/// One live run's connections: the CS client of each account, how clusters are collected, and (with
/// ``LiveSettings/demo``) the emulator. Made and torn down by ``withLiveSession(_:environment:userAgent:keepListingPages:readCoverage:_:)``.
public struct LiveSession: Sendable {
    /// One account of the run: its CS client, and the account id when it came from a role ARN.
    public struct Account: Sendable {
        public var accountId: String?
        public var client: CSClient
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
            emulator = try await Emulator.start(.demo())
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
        var accounts: [LiveSession.Account] = []
        let roleEnvironment = CredentialEnvironment(
            variables: environment, homeDirectory: HomeDirectory.path(environment: environment),
            profile: settings.profile, stsEndpoint: stsEndpoint ?? emulator?.endpoint)
        for roleArn in settings.roleArns {
            let role = RAMRoleARNCredentialProvider(
                base: credentials, roleArn: roleArn, sessionName: "ackguard-audit", environment: roleEnvironment,
                httpClient: httpClient)
            do {
                _ = try await role.credential()
            } catch {
                throw RunFailure("cannot assume the role", at: roleArn, "\(error)")
            }
            accounts.append(
                .init(
                    accountId: accountId(fromRoleArn: roleArn) ?? roleArn,
                    client: CSClient(httpClient: httpClient, credentials: role, options: options)))
        }
        if accounts.isEmpty { accounts = [.init(accountId: nil, client: client)] }
        var collection = LiveCollectionOptions(
            regions: settings.regions.isEmpty ? nil : settings.regions, concurrency: settings.concurrency,
            kubernetes: try kubernetesAccess(), readCoverage: readCoverage, clusterTimeout: settings.clusterTimeout,
            keepListingPages: keepListingPages)
        collection.limitDuration(to: settings.maxDuration)
        return LiveSession(
            client: client, accounts: accounts, collectionOptions: collection,
            sourceKind: emulator == nil ? .live : .emulator,
            location: endpoint?.absoluteString ?? "Alibaba Cloud CS API", isEmulated: emulator != nil)
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
