import JSON

/// One member account of a Resource Directory, as `ListAccounts` and `ListAccountsForParent` describe it.
public struct MemberAccount: Sendable, Hashable {
    /// The account's id (uid): 16 decimal digits, validated.
    public let accountId: String
    /// The display name the management account gave the member, as the API sent it: text chosen by people, so a
    /// caller escapes it before printing it (terminal, Markdown, HTML). Bounded by
    /// ``MemberAccount/maxDisplayNameLength``.
    public let displayName: String
    /// `CreateSuccess`, `InviteSuccess`, `PromoteVerifying`, … (see ``isAuditable``).
    public let status: String
    /// `CloudAccount` (invited) or `ResourceAccount` (created in the Resource Directory).
    public let type: String
    /// The folder the member is in, when the API says.
    public let folderId: String?

    /// Longest display name accepted (the console allows far fewer characters).
    public static let maxDisplayNameLength = 256
    /// The statuses ListAccounts documents, every one of a member account that exists in the directory: created
    /// (`CreateSuccess`), invited and joined (`InviteSuccess`), or a resource account being or having been upgraded
    /// to a cloud account (`PromoteVerifying`, `PromoteFailed`, `PromoteExpired`, `PromoteCancelled`,
    /// `PromoteSuccess`: the account stays a member whatever the upgrade did). Any other status (a removal in
    /// progress, a status added later) is not auditable: a completeness note, never a silent gap.
    public static let auditableStatuses: Set<String> = [
        "CreateSuccess", "InviteSuccess", "PromoteVerifying", "PromoteFailed", "PromoteExpired", "PromoteCancelled",
        "PromoteSuccess",
    ]

    public init(accountId: String, displayName: String, status: String, type: String, folderId: String?) throws {
        try Self.validate(accountId: accountId)
        self.accountId = accountId
        self.displayName = displayName
        self.status = status
        self.type = type
        self.folderId = folderId
    }

    /// Whether the member can be audited: it has joined and is active.
    public var isAuditable: Bool { Self.auditableStatuses.contains(status) }

    /// `acs:ram::<accountId>:role/<roleName>`.
    public func roleArn(roleName: String) throws -> String {
        try memberRoleArn(accountId: accountId, roleName: roleName)
    }

    /// Throws ``ResourceManagerError/invalidAccountId(_:)`` unless `accountId` is exactly 16 ASCII digits.
    public static func validate(accountId: String) throws {
        let digits = accountId.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard accountId.utf8.count == 16, digits else { throw ResourceManagerError.invalidAccountId(accountId) }
    }

    /// Decodes one `Account` entry; `action` names the call in errors.
    static func decode(_ json: JSONValue, action: String) throws -> MemberAccount {
        guard json.objectValue != nil else {
            throw ResourceManagerError.invalidResponse(action: action, detail: "an Account entry is not an object")
        }
        func string(_ key: String, required: Bool) throws -> String? {
            switch json[key] {
            case .string(let value)?: return value
            case nil, .null?:
                guard !required else {
                    throw ResourceManagerError.invalidResponse(action: action, detail: "an Account has no \(key)")
                }
                return nil
            default:
                throw ResourceManagerError.invalidResponse(
                    action: action, detail: "an Account's \(key) is not a string")
            }
        }
        let accountId = try string("AccountId", required: true) ?? ""
        let displayName = try string("DisplayName", required: false) ?? ""
        guard displayName.count <= maxDisplayNameLength else {
            throw ResourceManagerError.invalidResponse(
                action: action,
                detail: "account \(accountId.prefix(80)) has a DisplayName longer than \(maxDisplayNameLength)")
        }
        do {
            return try MemberAccount(
                accountId: accountId, displayName: displayName, status: try string("Status", required: true) ?? "",
                type: try string("Type", required: false) ?? "", folderId: try string("FolderId", required: false))
        } catch let error as ResourceManagerError {
            throw ResourceManagerError.invalidResponse(action: action, detail: "\(error)")
        }
    }
}

/// The ARN of a RAM role in a member account, `acs:ram::<accountId>:role/<roleName>`, for STS `AssumeRole`.
/// - Throws: ``ResourceManagerError/invalidAccountId(_:)`` unless `accountId` is 16 digits;
///   ``ResourceManagerError/invalidRoleName(_:)`` unless `roleName` is 1-64 letters, digits, `.`, `-`, `_`.
public func memberRoleArn(accountId: String, roleName: String) throws -> String {
    try MemberAccount.validate(accountId: accountId)
    let allowed = roleName.utf8.allSatisfy { byte in
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
    guard (1...64).contains(roleName.utf8.count), allowed else { throw ResourceManagerError.invalidRoleName(roleName) }
    return "acs:ram::\(accountId):role/\(roleName)"
}
