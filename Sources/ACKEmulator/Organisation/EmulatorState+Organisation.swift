import AlibabaCloudSigning
import Audit
import Foundation

extension EmulatorState {
    /// Gives the management state the member accounts' own states (called once, before serving).
    func attachMemberStates(_ states: [String: EmulatorState]) {
        memberStates = states
    }

    /// `Throttling.User` answers per action over the management account and every member (members' quotas are
    /// their own, so their throttled answers are counted in their states).
    func throttledCountsOfEveryAccount() async -> [String: Int] {
        var counts = throttled
        for member in memberStates.values {
            counts.merge(await member.throttledCounts(), uniquingKeysWith: +)
        }
        return counts
    }

    /// Resets the request log of the management account and of every member.
    func resetRequestLogOfEveryAccount() async {
        resetRequestLog()
        for member in memberStates.values {
            await member.resetRequestLog()
        }
    }

    /// The account an AccessKey belongs to: a member's own key, an STS key issued into a member, or else the
    /// management account.
    func account(ofAccessKey accessKeyId: String) -> String {
        if let member = memberKeyAccounts[accessKeyId] { return member }
        if let member = temporaryCredentials[accessKeyId]?.memberAccountId { return member }
        return accountId
    }

    /// The state that serves a caller's CS and Kubernetes calls: its account's fleet.
    func servingState(for principal: Principal) -> EmulatorState {
        guard organisation != nil else { return self }
        return memberStates[account(ofAccessKey: principal.accessKeyId)] ?? self
    }

    /// Where an STS AssumeRole into `accountId` leads: nil for the management account (or without an
    /// organisation, or an account the directory does not hold: as without one), the member's id for a member whose
    /// role the caller may assume; `EntityNotExist.Role` when the role is missing, `NoPermission` when it refuses.
    func assumeRoleTarget(accountId target: String, roleName: String, roleArn: String, callerAccessKeyId: String)
        -> Result<String?, CSError>
    {
        guard let organisation, let member = organisation.member(target) else { return .success(nil) }
        let caller = account(ofAccessKey: callerAccessKeyId)
        if caller == target { return .success(target) }
        guard caller == accountId else { return .failure(.assumeRoleDenied) }
        switch member.role {
        case .exists(let name) where name == roleName: return .success(target)
        case .denied(let name) where name == roleName: return .failure(.assumeRoleDenied)
        default: return .failure(.roleNotFound(roleArn))
        }
    }

    /// Whether the account may call the ResourceManager listings: the management account or a delegated
    /// administrator.
    func mayListDirectory(_ accountId: String) -> Bool {
        accountId == self.accountId || organisation?.member(accountId)?.isDelegatedAdministrator == true
    }

    /// Checks an RPC call signed with signature 1.0 (`Signature`, `AccessKeyId`, `Timestamp`, `SignatureNonce`
    /// among the parameters), as STS AssumeRole is checked.
    func authenticateRPC(_ request: CSRequest, parameters: [String: String]) -> Result<Principal, CSError> {
        guard let accessKeyId = parameters["AccessKeyId"], !accessKeyId.isEmpty else {
            return .failure(.gateway(400, "MissingAccessKeyId", "AccessKeyId is mandatory for this action."))
        }
        guard let signature = parameters["Signature"], !signature.isEmpty else {
            return .failure(.gateway(400, "MissingSignature", "Signature is mandatory for this action."))
        }
        let secret: String
        switch secretAndToken(accessKeyId: accessKeyId, token: parameters["SecurityToken"]) {
        case .success(let value): secret = value
        case .failure(let error): return .failure(error)
        }
        guard let timestampText = parameters["Timestamp"] else {
            return .failure(.gateway(400, "MissingTimestamp", "Timestamp is mandatory for this action."))
        }
        guard let timestamp = SigningDate.parseISO8601(timestampText) else { return .failure(.timeStampFormat) }
        guard abs(timestamp.timeIntervalSince(clock())) <= tolerance else { return .failure(.timeStampExpired) }
        guard let nonce = parameters["SignatureNonce"], !nonce.isEmpty else { return .failure(.missingNonce) }
        let expected = RPCSigner.signature(method: request.method, parameters: parameters, secret: secret)
        guard constantTimeEquals(expected, signature) else {
            return .failure(
                .signatureMismatch(stringToSign: RPCSigner.stringToSign(method: request.method, parameters: parameters))
            )
        }
        if let error = useNonce(nonce, accessKeyId: accessKeyId) { return .failure(error) }
        return .success(Principal(accessKeyId: accessKeyId, isTemporary: temporaryCredentials[accessKeyId] != nil))
    }

    /// Answers one authenticated ResourceManager call (`ListAccounts`, `ListAccountsForParent`,
    /// `ListFoldersForParent`).
    func resourceManager(_ action: String, parameters: [String: String], principal: Principal) -> Result<
        JSONValue, CSError
    > {
        guard let organisation else { return .failure(.resourceDirectoryNotEnabled) }
        guard mayListDirectory(account(ofAccessKey: principal.accessKeyId)) else {
            return .failure(.resourceManagerDenied)
        }
        let page: ResourceManagerPage
        switch ResourceManagerPage.parse(parameters) {
        case .success(let value): page = value
        case .failure(let error): return .failure(error)
        }
        let accounts = directoryAccounts(organisation)
        switch action {
        case "ListAccounts":
            return .success(accountsPage(accounts, page: page))
        case "ListAccountsForParent":
            guard let parent = parameters["ParentFolderId"], !parent.isEmpty else {
                return .failure(.gateway(400, "MissingParentFolderId", "ParentFolderId is mandatory for this action."))
            }
            guard organisation.folder(parent) != nil else { return .failure(.folderNotFound(parent)) }
            return .success(accountsPage(accounts.filter { $0.folderId == parent }, page: page))
        case "ListFoldersForParent":
            let parent = parameters["ParentFolderId"].flatMap { $0.isEmpty ? nil : $0 } ?? organisation.rootFolder.id
            guard organisation.folder(parent) != nil else { return .failure(.folderNotFound(parent)) }
            let children = organisation.folders.filter { $0.parentId == parent }
            let slice = page.slice(children)
            let created = EmulatorDates.utc(clock().addingTimeInterval(-86_400 * 400))
            let items: [JSONValue] = slice.map {
                ["FolderId": .string($0.id), "FolderName": .string($0.name), "CreateTime": .string(created)]
            }
            return .success([
                "Folders": ["Folder": .array(items)], "TotalCount": .number(Double(children.count)),
                "PageNumber": .number(Double(page.number)), "PageSize": .number(Double(page.size)),
                "RequestId": .string(newRequestId()),
            ])
        default:
            return .failure(.apiNotFound)
        }
    }

    /// Every account of the directory as `ListAccounts` shows it: the management account first (root folder),
    /// then the members in their configured order.
    private func directoryAccounts(_ organisation: EmulatorOrganisation) -> [DirectoryAccount] {
        let joined = EmulatorDates.utc(clock().addingTimeInterval(-86_400 * 300))
        let management = DirectoryAccount(
            accountId: accountId, displayName: organisation.managementDisplayName, status: "CreateSuccess",
            type: "CloudAccount", folderId: organisation.rootFolder.id, joinTime: joined)
        return (organisation.listsManagementAccount ? [management] : [])
            + organisation.members.map {
                DirectoryAccount(
                    accountId: $0.accountId, displayName: $0.displayName, status: $0.status, type: $0.type,
                    folderId: $0.folderId, joinTime: joined)
            }
    }

    private func accountsPage(_ accounts: [DirectoryAccount], page: ResourceManagerPage) -> JSONValue {
        let directoryId = organisation?.resourceDirectoryId ?? ""
        let items: [JSONValue] = page.slice(accounts).map { account in
            [
                "AccountId": .string(account.accountId), "DisplayName": .string(account.displayName),
                "AccountName": .string("\(account.displayName)@\(directoryId).onaliyun.com"),
                "Status": .string(account.status), "Type": .string(account.type),
                "FolderId": .string(account.folderId),
                "JoinMethod": .string(account.type == "ResourceAccount" ? "created" : "invited"),
                "ResourceDirectoryId": .string(directoryId), "JoinTime": .string(account.joinTime),
                "ModifyTime": .string(account.joinTime),
            ]
        }
        return [
            "Accounts": ["Account": .array(items)], "TotalCount": .number(Double(accounts.count)),
            "PageNumber": .number(Double(page.number)), "PageSize": .number(Double(page.size)),
            "RequestId": .string(newRequestId()),
        ]
    }
}

/// One account as the ResourceManager listings show it.
private struct DirectoryAccount {
    var accountId: String
    var displayName: String
    var status: String
    var type: String
    var folderId: String
    var joinTime: String
}

/// `PageNumber` (from 1) and `PageSize` (1...100, default 10) of a ResourceManager listing.
struct ResourceManagerPage: Sendable, Equatable {
    var number: Int
    var size: Int

    static func parse(_ parameters: [String: String]) -> Result<ResourceManagerPage, CSError> {
        var number = 1
        var size = 10
        if let text = parameters["PageNumber"] {
            guard let value = Int(text), value >= 1 else {
                return .failure(
                    .gateway(400, "InvalidParameter.PageNumber", "PageNumber must be an integer of at least 1."))
            }
            number = value
        }
        if let text = parameters["PageSize"] {
            guard let value = Int(text), (1...100).contains(value) else {
                return .failure(
                    .gateway(400, "InvalidParameter.PageSize", "PageSize must be an integer from 1 to 100."))
            }
            size = value
        }
        return .success(ResourceManagerPage(number: number, size: size))
    }

    func slice<Element>(_ items: [Element]) -> ArraySlice<Element> {
        let (start, overflow) = (number - 1).multipliedReportingOverflow(by: size)
        guard !overflow, start < items.count else { return [] }
        return items[start..<min(items.count, start + size)]
    }
}

extension CSError {
    /// STS: the caller may not assume the role (its trust policy refuses, or the caller is not the management
    /// account).
    static let assumeRoleDenied = gateway(
        403, "NoPermission", "You are not authorized to do this action. You should be authorized by RAM.")

    /// STS: the role named by `RoleArn` does not exist.
    static func roleNotFound(_ roleArn: String) -> CSError {
        gateway(404, "EntityNotExist.Role", "The specified Role not exists: \(roleArn)")
    }

    /// ResourceManager: only the management account or a delegated administrator may list the directory.
    static let resourceManagerDenied = gateway(
        403, "NoPermission",
        "You are not authorized to perform this operation. Use the management account of the resource directory or a delegated administrator account."
    )

    /// ResourceManager: the caller's account has no resource directory.
    static let resourceDirectoryNotEnabled = gateway(
        404, "EntityNotExists.ResourceDirectory", "The resource directory for the account is not enabled.")

    static func folderNotFound(_ id: String) -> CSError {
        gateway(404, "EntityNotExists.Folder", "The specified folder does not exist: \(id)")
    }
}
