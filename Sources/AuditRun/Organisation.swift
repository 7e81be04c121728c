import AlibabaCloud
import AsyncHTTPClient
import Audit
import BoundedConcurrency
import Evidence
import Foundation
import History
import LiveCollection

/// The accounts of a Resource Directory (or of `--role-arn`s) that this run audits, and what it leaves out.
struct AccountSelection {
    var accounts: [LiveSession.Account] = []
    /// Members not audited (inactive, role not assumable, `--account` not in the directory): completeness notes.
    var skipped: [SkippedAccount] = []
    /// Informational notes that change nothing in the verdict (an empty shard).
    var information: [String] = []
}

/// An account the run does not audit, and why: a completeness note of the live run, and what `collect` saves of it
/// (``SavedAccounts/Skipped`` in `accounts.json`) so that `audit --from` says it too.
struct SkippedAccount: Sendable, Equatable {
    /// The account, its name and the reason, as `accounts.json` keeps them (exact; escaped where shown).
    var saved: SavedAccounts.Skipped
    /// What the live run says.
    var note: String

    /// A member (or an account of the run) not audited: `account <id> (<name>) not audited: <reason>`.
    init(accountId: String, accountName: String?, reason: String) {
        let name = accountName.flatMap { $0.isEmpty ? nil : $0 }
        saved = SavedAccounts.Skipped(accountId: accountId, accountName: name, reason: reason)
        note = "account \(Self.label(saved)) not audited: \(InertText.escaped(reason))"
    }

    /// An `--account` id that is not a member of `scope`.
    init(notMemberOf scope: String, accountId: String) {
        saved = SavedAccounts.Skipped(
            accountId: accountId, reason: "--account names it, but it is not a member of \(scope)")
        note = "account \(accountId) (--account) is not a member of \(scope)"
    }

    /// What `audit --from` says of an account its folder's collection did not audit.
    static func savedNote(_ saved: SavedAccounts.Skipped) -> String {
        "account \(label(saved)) was not audited when the evidence was collected: \(InertText.escaped(saved.reason))"
    }

    /// `<id> (<name>)`, the name made inert (``LiveConnector/inert(_:)``); `<id>` alone without a name.
    static func label(_ saved: SavedAccounts.Skipped) -> String {
        saved.accountName.map { "\(saved.accountId) (\(LiveConnector.inert($0)))" } ?? saved.accountId
    }
}

extension LiveConnector {
    /// Lists the Resource Directory's members with the base credentials, keeps those `--account`,
    /// `--exclude-account` and `--shard` select, and assumes ``LiveSettings/memberRole`` in each active one. A
    /// listing refused (not the management account nor a delegated administrator) ends the run; a member that is
    /// not active or whose role cannot be assumed is a completeness note and the others go on.
    func directoryAccounts(
        base: any CredentialProvider, roleEnvironment: CredentialEnvironment, options: CSClientOptions,
        resourceManagerEndpoint: URL
    ) async throws -> AccountSelection {
        let manager = ResourceManagerClient(
            httpClient: httpClient, credentials: base, endpoint: resourceManagerEndpoint, options: clientOptions)
        var members: [MemberAccount]
        let scope = settings.resourceDirectoryFolder.map { "folder \($0)" } ?? "the Resource Directory"
        do {
            if let folder = settings.resourceDirectoryFolder {
                members = try await manager.listAccounts(inFolder: folder, recursive: true)
            } else {
                members = try await manager.listAccounts()
            }
        } catch let error as ResourceManagerError {
            if case .notManagementAccount = error {
                throw RunFailure(
                    "cannot list the member accounts of \(scope)", at: resourceManagerEndpoint.absoluteString,
                    "\(error) — run with the management account's credentials or a delegated administrator's")
            }
            throw RunFailure(
                "cannot list the member accounts of \(scope)", at: resourceManagerEndpoint.absoluteString, "\(error)")
        } catch {
            let failure = RunFailure.classify(error, endpoint: resourceManagerEndpoint.absoluteString)
            throw RunFailure("cannot list the member accounts of \(scope)", at: failure.location, failure.why)
        }
        var selection = AccountSelection()
        // The caller's own account (the management account's, or a delegated administrator's) is audited with the
        // caller's credentials: it has no member role to assume, and ListAccounts may not list it (its
        // documentation does not say). A whole-directory scan adds it when it is not listed.
        var callerAccount: String?
        do {
            callerAccount = try await CallerIdentity.accountId(
                base: base, environment: roleEnvironment, httpClient: httpClient)
        } catch {
            selection.information.append(
                "cannot tell which account the credentials belong to (STS GetCallerIdentity: \(error)); every listed "
                    + "account is reached through its member role")
        }
        if let caller = callerAccount, settings.resourceDirectoryFolder == nil,
            !members.contains(where: { $0.accountId == caller }),
            let own = try? MemberAccount(
                accountId: caller, displayName: "", status: "CreateSuccess", type: "CloudAccount", folderId: nil)
        {
            members.append(own)
        }
        let listed = Set(members.map(\.accountId))
        for id in settings.includedAccounts where !listed.contains(id) {
            if inShard(id) { selection.skipped.append(SkippedAccount(notMemberOf: scope, accountId: id)) }
        }
        let included = Set(settings.includedAccounts)
        let excluded = Set(settings.excludedAccounts)
        let chosen = members.filter { member in
            (included.isEmpty || included.contains(member.accountId)) && !excluded.contains(member.accountId)
                && inShard(member.accountId)
        }
        var active: [MemberAccount] = []
        for member in chosen {
            if member.accountId == callerAccount {
                selection.accounts.append(
                    .init(
                        accountId: member.accountId, accountName: member.displayName.isEmpty ? nil : member.displayName,
                        isDirectoryMember: true,
                        client: CSClient(httpClient: httpClient, credentials: base, options: options)))
            } else if member.isAuditable {
                active.append(member)
            } else {
                selection.skipped.append(
                    SkippedAccount(
                        accountId: member.accountId, accountName: member.displayName,
                        reason: "its Resource Directory status is \(Self.inert(member.status)), not an active member"))
            }
        }
        // Each member's role is assumed now, a few at once, so that a role that cannot be assumed is a note
        // naming the account before any cluster is read.
        let assumed = await boundedAssume(active, base: base, roleEnvironment: roleEnvironment, options: options)
        for (member, result) in zip(active, assumed) {
            switch result {
            case .success(let account): selection.accounts.append(account)
            case .failure(let error):
                selection.skipped.append(
                    SkippedAccount(
                        accountId: member.accountId, accountName: member.displayName,
                        reason: "cannot assume \(settings.memberRole): \(error)"))
            }
        }
        if let shard = settings.shard, chosen.isEmpty {
            selection.information.append(
                "shard \(shard.index)/\(shard.count) of run \(shard.runId) holds no account of \(scope): nothing to audit"
            )
        }
        return selection
    }

    /// Whether this run's shard holds `accountId` (every account without `--shard`).
    func inShard(_ accountId: String) -> Bool {
        guard let shard = settings.shard else { return true }
        return AccountShard.index(ofAccount: accountId, count: shard.count) == shard.index
    }

    private func boundedAssume(
        _ members: [MemberAccount], base: any CredentialProvider, roleEnvironment: CredentialEnvironment,
        options: CSClientOptions
    ) async -> [Result<LiveSession.Account, AssumeFailure>] {
        let roleName = settings.memberRole
        let httpClient = httpClient
        return await boundedFanOut(members, width: settings.accountConcurrency) { member in
            do {
                return .success(
                    try await Self.assumedAccount(
                        roleArn: try member.roleArn(roleName: roleName), accountId: member.accountId,
                        accountName: member.displayName, isDirectoryMember: true, base: base,
                        roleEnvironment: roleEnvironment, httpClient: httpClient, options: options))
            } catch {
                return .failure(AssumeFailure(description: String(describing: error)))
            }
        }
    }

    /// The account behind `roleArn`: the role assumed with the `base` credentials now (so that a role that cannot
    /// be assumed is an error before any cluster is read; the temporary credentials are cached and refreshed), and a
    /// CS client of its own. `--role-arn` and each Resource Directory member are opened here.
    static func assumedAccount(
        roleArn: String, accountId: String, accountName: String? = nil, isDirectoryMember: Bool,
        base: any CredentialProvider, roleEnvironment: CredentialEnvironment, httpClient: HTTPClient,
        options: CSClientOptions
    ) async throws -> LiveSession.Account {
        let role = RAMRoleARNCredentialProvider(
            base: base, roleArn: roleArn, sessionName: "ackguard-audit", environment: roleEnvironment,
            httpClient: httpClient)
        _ = try await role.credential()
        return LiveSession.Account(
            accountId: accountId, accountName: accountName, isDirectoryMember: isDirectoryMember,
            client: CSClient(httpClient: httpClient, credentials: role, options: options))
    }

    /// `text` cut to 128 characters, with what a terminal could act on escaped (``InertText/escaped(_:)``).
    static func inert(_ text: String) -> String {
        InertText.escaped(String(text.prefix(128)))
    }
}

/// Why a member's role could not be assumed, as one line.
struct AssumeFailure: Error, CustomStringConvertible {
    var description: String
}

/// The clusters of several accounts collected as one pool, so that one huge account does not starve the rest.
///
/// Up to `accountConcurrency` accounts are listed at once (regions, then every cluster listed); an account's
/// place is free again as soon as its listing is done, not when its clusters are. Its clusters join one queue of at
/// most `--concurrency` clusters in progress in all, taken in turn from each account with clusters waiting (round
/// robin): an account of 2 clusters listed after one of 200 waits for one cluster of the big one, not for all of
/// them, and when one account is left it has the whole `--concurrency`. Each account keeps its own client (its own
/// rate limiters), so one account's quota never slows another.
struct AccountPool {
    var accounts: [LiveSession.Account]
    /// The options of every account's collector; `concurrency` bounds the clusters in progress of all accounts.
    var options: LiveCollectionOptions
    var accountConcurrency: Int

    private enum Event: Sendable {
        case listed(account: Int, Result<LiveListing, any Error>)
        case collected(account: Int, failure: (any Error)?)
    }

    /// Collects every account's clusters; `handle` receives each cluster's documents as they are complete,
    /// `progress` an account's clusters done and total. Gives each account's listing (its clusters handed over), or
    /// the error that stopped it: its listing failed, or `handle` threw for one of its clusters (its clusters not
    /// started yet are then dropped).
    func collect(
        handle: @escaping @Sendable (_ account: Int, ClusterDocuments) async throws -> Void,
        progress: @escaping @Sendable (_ account: Int, _ done: Int, _ total: Int) -> Void
    ) async -> [Result<LiveListing, any Error>] {
        let collectors = accounts.map { LiveCollector(client: $0.client, options: options) }
        let count = collectors.count
        let listingWidth = max(1, accountConcurrency)
        let clusterWidth = max(1, options.concurrency)
        var results: [Result<LiveListing, any Error>?] = Array(repeating: nil, count: count)
        var deadlines: [ContinuousClock.Instant?] = Array(repeating: nil, count: count)
        var done = Array(repeating: 0, count: count)
        var totals = Array(repeating: 0, count: count)
        var queue = ClusterRotation()
        var nextAccount = 0
        var listing = 0
        var inProgress = 0
        await withTaskGroup(of: Event.self) { group in
            func startListings() {
                while listing < listingWidth && nextAccount < count {
                    let index = nextAccount
                    let collector = collectors[index]
                    nextAccount += 1
                    listing += 1
                    group.addTask {
                        do {
                            let listed = try await collector.list()
                            return .listed(account: index, .success(listed))
                        } catch {
                            return .listed(account: index, .failure(error))
                        }
                    }
                }
            }
            func startClusters() {
                while inProgress < clusterWidth, let (index, entries) = queue.next() {
                    let collector = collectors[index]
                    let deadline = deadlines[index]
                    inProgress += 1
                    group.addTask {
                        let documents = await collector.collect(listed: entries, before: deadline)
                        do {
                            try await handle(index, documents)
                            return .collected(account: index, failure: nil)
                        } catch {
                            return .collected(account: index, failure: error)
                        }
                    }
                }
            }
            startListings()
            while let event = await group.next() {
                switch event {
                case .listed(let index, .success(var listed)):
                    listing -= 1
                    totals[index] = listed.clusters.count
                    deadlines[index] = listed.deadline
                    progress(index, 0, totals[index])
                    queue.add(account: index, listed.clusters)
                    listed.clusters = []
                    results[index] = .success(listed)
                    startListings()
                case .listed(let index, .failure(let error)):
                    listing -= 1
                    results[index] = .failure(error)
                    startListings()
                case .collected(let index, let failure?):
                    inProgress -= 1
                    if case .success? = results[index] { results[index] = .failure(failure) }
                    queue.drop(account: index)
                case .collected(let index, nil):
                    inProgress -= 1
                    done[index] += 1
                    progress(index, done[index], totals[index])
                }
                startClusters()
            }
        }
        return results.map { $0! }
    }
}

/// Clusters waiting, by account, taken one account after another.
struct ClusterRotation {
    /// Each waiting account's clusters (listing entries) and the next one's index; a taken cluster's entries are
    /// dropped at once.
    private var waiting: [Int: (clusters: [[JSONValue]], next: Int)] = [:]
    /// The accounts with clusters waiting, in turn order.
    private var turns: [Int] = []
    private var position = 0

    /// `clusters` of `account` join the rotation, after the accounts already in it.
    mutating func add(account: Int, _ clusters: [[JSONValue]]) {
        guard !clusters.isEmpty else { return }
        waiting[account] = (clusters, 0)
        turns.append(account)
    }

    /// The next account's next cluster, or `nil` when none waits.
    mutating func next() -> (account: Int, entries: [JSONValue])? {
        guard !turns.isEmpty else { return nil }
        if position >= turns.count { position = 0 }
        let account = turns[position]
        let index = waiting[account]!.next
        let entries = waiting[account]!.clusters[index]
        waiting[account]!.clusters[index] = []
        waiting[account]!.next += 1
        if waiting[account]!.next == waiting[account]!.clusters.count {
            waiting[account] = nil
            turns.remove(at: position)
        } else {
            position += 1
        }
        return (account, entries)
    }

    /// `account`'s clusters leave the rotation.
    mutating func drop(account: Int) {
        guard waiting.removeValue(forKey: account) != nil, let index = turns.firstIndex(of: account) else { return }
        turns.remove(at: index)
        if index < position { position -= 1 }
    }
}
