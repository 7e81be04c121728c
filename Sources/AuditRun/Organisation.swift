import AlibabaCloud
import AsyncHTTPClient
import Audit
import BoundedConcurrency
import Foundation
import History

/// The accounts of a Resource Directory (or of `--role-arn`s) that this run audits, and what it leaves out.
struct AccountSelection {
    var accounts: [LiveSession.Account] = []
    /// Completeness notes: members not audited (inactive, role not assumable, `--account` not in the directory).
    var notes: [String] = []
    /// Informational notes that change nothing in the verdict (an empty shard).
    var information: [String] = []
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
        let members: [MemberAccount]
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
        let listed = Set(members.map(\.accountId))
        for id in settings.includedAccounts where !listed.contains(id) {
            if inShard(id) { selection.notes.append("account \(id) (--account) is not a member of \(scope)") }
        }
        let included = Set(settings.includedAccounts)
        let excluded = Set(settings.excludedAccounts)
        let chosen = members.filter { member in
            (included.isEmpty || included.contains(member.accountId)) && !excluded.contains(member.accountId)
                && inShard(member.accountId)
        }
        var active: [MemberAccount] = []
        for member in chosen {
            if member.isAuditable {
                active.append(member)
            } else {
                selection.notes.append(
                    "account \(Self.label(member)) not audited: its Resource Directory status is "
                        + "\(Self.inert(member.status)), not an active member")
            }
        }
        // Each member's role is assumed now, a few at once, so that a role that cannot be assumed is a note
        // naming the account before any cluster is read.
        let assumed = await boundedAssume(active, base: base, roleEnvironment: roleEnvironment, options: options)
        for (member, result) in zip(active, assumed) {
            switch result {
            case .success(let account): selection.accounts.append(account)
            case .failure(let error):
                selection.notes.append(
                    "account \(Self.label(member)) not audited: cannot assume \(settings.memberRole): \(error)")
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

    /// `<id> (<name>)`, the name made inert (it is text people chose).
    static func label(_ member: MemberAccount) -> String {
        member.displayName.isEmpty ? member.accountId : "\(member.accountId) (\(inert(member.displayName)))"
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
