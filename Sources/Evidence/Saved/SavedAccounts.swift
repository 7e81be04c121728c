public import Audit
import Synchronization

/// `accounts.json` of a saved-evidence folder: which account each cluster belongs to, for folders collected from
/// several accounts (`collect --role-arn …`, `collect --resource-directory`).
///
/// ```json
/// {"accounts": [{"accountId": "5100000000000001", "accountName": "member-01", "clusters": ["c…", "c…"]}],
///  "skipped": [{"accountId": "5100000000000002", "accountName": "member-02", "reason": "cannot assume …"}]}
/// ```
///
/// `skipped` (optional) lists the accounts the collecting run could not audit (a member not active, a role that
/// cannot be assumed, clusters that could not be listed, an `--account` not in the directory), each with the reason
/// the live run gave, so that `audit --from` says so as the live run did (a completeness note, exit 3) instead of
/// being silently incomplete. A file without it reads as before.
///
/// The file is optional and is ackguard's own, not an API answer: the other files of the layout stay exactly what the
/// APIs returned. Without it a folder reads as it always did (a cluster's account is what its own `parameters` say,
/// if anything); `collect` writes it only when the run knew accounts, so a folder from the base credentials' one
/// account has none. A cluster the file does not list has no account.
///
/// Read as hostile input: an account id must be what the live side accepts from a Resource Directory (16 decimal
/// digits), a name at most ``maxNameLength`` characters (any text: reports escape it where it is shown), every
/// cluster must be one of the folder's, and an account or a cluster listed twice is refused; a skipped account's
/// reason is a non-empty string of at most ``maxReasonLength`` characters, and an account both skipped and listed
/// with clusters is refused: each is a one-line error naming the file.
public struct SavedAccounts: Sendable, Equatable {
    /// One account and the clusters of the folder that belong to it.
    public struct Account: Sendable, Equatable {
        public var accountId: String
        /// The account's display name in the Resource Directory; `nil` when not known (a `--role-arn` account).
        public var accountName: String?
        public var clusterIds: [String]

        public init(accountId: String, accountName: String? = nil, clusterIds: [String]) {
            self.accountId = accountId
            self.accountName = accountName
            self.clusterIds = clusterIds
        }
    }

    /// An account the collecting run did not audit, and why (the live run's words, stored exactly: whoever shows
    /// it escapes it).
    public struct Skipped: Sendable, Equatable {
        public var accountId: String
        /// The account's display name in the Resource Directory; `nil` when not known (an `--account` id).
        public var accountName: String?
        public var reason: String

        public init(accountId: String, accountName: String? = nil, reason: String) {
            self.accountId = accountId
            self.accountName = accountName
            self.reason = reason
        }
    }

    public var accounts: [Account]
    /// The accounts not audited, in the file's order.
    public var skipped: [Skipped]

    /// The file's name in the folder, without extension (`.json`, or `.yaml`/`.yml` as everywhere in the layout).
    public static let fileStem = "accounts"
    /// Longest account name accepted: what the live side accepts of a member's display name
    /// (`MemberAccount.maxDisplayNameLength`).
    public static let maxNameLength = 256
    /// Longest reason accepted for a skipped account (the writer cuts a longer one to this).
    public static let maxReasonLength = 1_024

    public init(accounts: [Account], skipped: [Skipped] = []) {
        self.accounts = accounts
        self.skipped = skipped
    }

    /// Why `accountId` is not an account id (16 decimal digits, as `MemberAccount.validate(accountId:)` requires), or
    /// `nil`.
    public static func accountIdProblem(_ accountId: String) -> String? {
        let digits = accountId.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard accountId.utf8.count == 16, digits else {
            return "account id \(quoted(accountId)) is not 16 decimal digits"
        }
        return nil
    }

    /// Why `name` is not an account name (more than ``maxNameLength`` characters), or `nil`.
    public static func accountNameProblem(_ name: String) -> String? {
        guard name.count > maxNameLength else { return nil }
        return "account name \(quoted(name)) is longer than \(maxNameLength) characters"
    }

    /// The cluster → account map a folder's documents take (``ClusterDocuments/accountId``).
    public var byCluster: [String: (accountId: String, accountName: String?)] {
        var map: [String: (accountId: String, accountName: String?)] = [:]
        for account in accounts {
            for id in account.clusterIds { map[id] = (account.accountId, account.accountName) }
        }
        return map
    }

    /// Decodes the file's document, `source` naming the file in errors. `clusters` are the folder's cluster ids:
    /// any other is refused.
    public static func decode(_ document: JSONValue, source: String, clusters: Set<String>)
        throws(EvidenceFileError) -> SavedAccounts
    {
        func refuse(_ problem: String) -> EvidenceFileError { .unexpectedContent(path: source, problem: problem) }
        guard document.objectValue != nil, let entries = document["accounts"]?.arrayValue else {
            throw refuse("expected an object with an \"accounts\" array")
        }
        var accounts: [Account] = []
        var accountPlace: [String: Int] = [:]
        var clusterOwner: [String: String] = [:]
        for (index, entry) in entries.enumerated() {
            let (id, name) = try accountEntry(entry, index: index, list: "accounts", seen: accountPlace, refuse: refuse)
            accountPlace[id] = index
            var clusterIds: [String] = []
            switch entry["clusters"] {
            case nil, .null?: break
            case .array(let items)?:
                for item in items {
                    guard let clusterId = item.stringValue else {
                        throw refuse("account \(id): \"clusters\" holds something other than a cluster id string")
                    }
                    guard clusters.contains(clusterId) else {
                        throw refuse(
                            "account \(id): cluster \(quoted(clusterId)) is not a cluster of the folder "
                                + "(clusters.json or clusters/<id>.json)")
                    }
                    if let owner = clusterOwner[clusterId] {
                        let whose = owner == id ? "account \(id) twice" : "accounts \(owner) and \(id)"
                        throw refuse("cluster \(clusterId) is listed twice (\(whose))")
                    }
                    clusterOwner[clusterId] = id
                    clusterIds.append(clusterId)
                }
            default: throw refuse("account \(id): \"clusters\" is not an array")
            }
            accounts.append(Account(accountId: id, accountName: name, clusterIds: clusterIds))
        }
        let skipped = try decodeSkipped(document["skipped"], accountPlace: accountPlace, refuse: refuse)
        return SavedAccounts(accounts: accounts, skipped: skipped)
    }

    /// One item of the `accounts` or `skipped` list: an object with a valid `accountId` not seen before in that
    /// list, and an optional `accountName`.
    private static func accountEntry(
        _ entry: JSONValue, index: Int, list: String, seen: [String: Int], refuse: (String) -> EvidenceFileError
    ) throws(EvidenceFileError) -> (id: String, name: String?) {
        let place = "\(list) item \(index + 1)"
        guard entry.objectValue != nil else { throw refuse("\(place) is not an object") }
        guard let id = entry["accountId"]?.stringValue else { throw refuse("\(place) has no \"accountId\" string") }
        if let problem = accountIdProblem(id) { throw refuse("\(place): \(problem)") }
        if let earlier = seen[id] {
            throw refuse("account \(id) appears twice (\(list) items \(earlier + 1) and \(index + 1))")
        }
        switch entry["accountName"] {
        case nil, .null?: return (id, nil)
        case .string(let text)?:
            if let problem = accountNameProblem(text) { throw refuse("account \(id): \(problem)") }
            return (id, text)
        default: throw refuse("account \(id): \"accountName\" is not a string")
        }
    }

    /// The `skipped` member: absent or `null` is none.
    private static func decodeSkipped(
        _ value: JSONValue?, accountPlace: [String: Int], refuse: (String) -> EvidenceFileError
    ) throws(EvidenceFileError) -> [Skipped] {
        let entries: [JSONValue]
        switch value {
        case nil, .null?: return []
        case .array(let items)?: entries = items
        default: throw refuse("\"skipped\" is not an array")
        }
        var skipped: [Skipped] = []
        var skippedPlace: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let (id, name) = try accountEntry(entry, index: index, list: "skipped", seen: skippedPlace, refuse: refuse)
            if let audited = accountPlace[id] {
                throw refuse(
                    "account \(id) is both audited (accounts item \(audited + 1)) and not audited "
                        + "(skipped item \(index + 1))")
            }
            skippedPlace[id] = index
            guard let reason = entry["reason"]?.stringValue, !reason.isEmpty else {
                throw refuse("account \(id): \"reason\" is missing, empty or not a string")
            }
            guard reason.count <= maxReasonLength else {
                throw refuse("account \(id): \"reason\" is longer than \(maxReasonLength) characters")
            }
            skipped.append(Skipped(accountId: id, accountName: name, reason: reason))
        }
        return skipped
    }

    /// The file's document: accounts by id, each one's clusters sorted, so one folder gives the same bytes.
    public var document: JSONValue {
        let items = accounts.sorted { $0.accountId < $1.accountId }.map { account -> JSONValue in
            var members: [String: JSONValue] = [
                "accountId": .string(account.accountId),
                "clusters": .array(account.clusterIds.sorted().map { .string($0) }),
            ]
            if let name = account.accountName { members["accountName"] = .string(name) }
            return .object(members)
        }
        var members: [String: JSONValue] = ["accounts": .array(items)]
        if !skipped.isEmpty {
            members["skipped"] = .array(
                skipped.sorted { $0.accountId < $1.accountId }.map { entry -> JSONValue in
                    var members: [String: JSONValue] = [
                        "accountId": .string(entry.accountId), "reason": .string(entry.reason),
                    ]
                    if let name = entry.accountName { members["accountName"] = .string(name) }
                    return .object(members)
                })
        }
        return .object(members)
    }

    /// A value for a message: escaped, quoted, cut to 80 characters.
    static func quoted(_ text: String) -> String {
        InertText.quoted(text.count > 80 ? String(text.prefix(77)) + "…" : text)
    }
}

/// The accounts of the clusters a ``SavedEvidenceWriter`` has written, gathered from concurrent writes.
final class AccountLedger: Sendable {
    private struct State {
        /// Cluster id → account id.
        var owners: [String: String] = [:]
        /// Account id → name (`nil`: not known).
        var names: [String: String?] = [:]
        /// The accounts not audited, by id.
        var skipped: [String: SavedAccounts.Skipped] = [:]
    }

    private let state = Mutex(State())

    /// Records `documents`' account, or refuses one that is not valid or that contradicts what an earlier write
    /// said: a cluster in two accounts (the layout holds one folder per cluster id), an account with two names.
    /// `source` names the output.
    func record(_ documents: ClusterDocuments, source: String) throws(EvidenceFileError) {
        guard let accountId = documents.accountId else { return }
        let clusterId = documents.clusterId
        let name = documents.accountName
        func refuse(_ problem: String) -> EvidenceFileError {
            .unexpectedContent(path: source, problem: "cluster \(clusterId): \(problem)")
        }
        if let problem = SavedAccounts.accountIdProblem(accountId) { throw refuse(problem) }
        if let name, let problem = SavedAccounts.accountNameProblem(name) { throw refuse(problem) }
        let conflict = state.withLock { state -> String? in
            if let owner = state.owners[clusterId], owner != accountId {
                return "it is in accounts \(owner) and \(accountId), and the saved layout holds one cluster per id"
            }
            if let known = state.names[accountId], known != name {
                return "account \(accountId) has two names"
            }
            state.owners[clusterId] = accountId
            state.names[accountId] = name
            return nil
        }
        if let conflict { throw refuse(conflict) }
    }

    /// Records an account the run did not audit; refuses an id or a name the file could not hold. A reason longer
    /// than ``SavedAccounts/maxReasonLength`` is cut to it (it is the run's own text); a second reason for one
    /// account is joined to the first.
    func recordSkipped(_ skipped: SavedAccounts.Skipped, source: String) throws(EvidenceFileError) {
        func refuse(_ problem: String) -> EvidenceFileError {
            .unexpectedContent(path: source, problem: "account not audited: \(problem)")
        }
        if let problem = SavedAccounts.accountIdProblem(skipped.accountId) { throw refuse(problem) }
        if let name = skipped.accountName, let problem = SavedAccounts.accountNameProblem(name) {
            throw refuse(problem)
        }
        state.withLock { state in
            var entry = skipped
            if let earlier = state.skipped[skipped.accountId] {
                entry = earlier
                entry.reason += "; " + skipped.reason
            }
            entry.reason = Self.cut(entry.reason.isEmpty ? "no reason given" : entry.reason)
            state.skipped[skipped.accountId] = entry
        }
    }

    /// `reason` cut to ``SavedAccounts/maxReasonLength`` characters, an ellipsis marking the cut.
    static func cut(_ reason: String) -> String {
        let limit = SavedAccounts.maxReasonLength
        return reason.count > limit ? String(reason.prefix(limit - 1)) + "…" : reason
    }

    /// What was recorded, as the file says it; `nil` when no cluster had an account and no account was skipped.
    /// Refuses an account both written with clusters and not audited (its collection failed after some of its
    /// clusters were saved): the file could not say which of its clusters are missing. `source` names the output.
    func file(source: String) throws(EvidenceFileError) -> SavedAccounts? {
        let state = state.withLock { $0 }
        guard !state.owners.isEmpty || !state.skipped.isEmpty else { return nil }
        var clusters: [String: [String]] = [:]
        for (clusterId, accountId) in state.owners { clusters[accountId, default: []].append(clusterId) }
        if let both = state.skipped.keys.sorted().first(where: { clusters[$0] != nil }) {
            throw .unexpectedContent(
                path: source,
                problem:
                    "account \(both): \(clusters[both]!.count) of its clusters were saved, then it could not be "
                    + "collected (\(SavedAccounts.quoted(state.skipped[both]!.reason))); the folder would not say "
                    + "which are missing")
        }
        return SavedAccounts(
            accounts: clusters.keys.sorted().map { id in
                .init(accountId: id, accountName: state.names[id] ?? nil, clusterIds: clusters[id]!.sorted())
            },
            skipped: state.skipped.keys.sorted().map { state.skipped[$0]! })
    }
}
