import Foundation

/// A Resource Directory the emulator serves: the management account (the configuration's `accountId`, whose fleet
/// is the configuration's fleet), a folder tree and member accounts, each with its own fleet, role and quota.
public struct EmulatorOrganisation: Sendable, Equatable {
    public var resourceDirectoryId: String
    /// The root folder (`r-…`); its `parentId` is nil.
    public var rootFolder: EmulatorFolder
    /// Sub-folders (`fd-…`), each under the root or another sub-folder.
    public var folders: [EmulatorFolder]
    public var members: [EmulatorMemberAccount]
    /// The management account's display name (it is listed by `ListAccounts` too, in the root folder).
    public var managementDisplayName: String
    /// Whether `ListAccounts` lists the management account (Alibaba Cloud's documentation does not say; true by
    /// default, false to check that a scan audits it anyway).
    public var listsManagementAccount = true

    public init(
        resourceDirectoryId: String = "rd-emul01",
        rootFolder: EmulatorFolder = EmulatorFolder(id: "r-emul01", name: "root", parentId: nil),
        folders: [EmulatorFolder] = [],
        members: [EmulatorMemberAccount] = [],
        managementDisplayName: String = "management"
    ) {
        self.resourceDirectoryId = resourceDirectoryId
        self.rootFolder = rootFolder
        self.folders = folders
        self.members = members
        self.managementDisplayName = managementDisplayName
    }

    /// The member with account id `accountId`.
    public func member(_ accountId: String) -> EmulatorMemberAccount? {
        members.first { $0.accountId == accountId }
    }

    /// The folder with id `id` (the root included).
    public func folder(_ id: String) -> EmulatorFolder? {
        id == rootFolder.id ? rootFolder : folders.first { $0.id == id }
    }

    /// A generated organisation of `members` member accounts (the management account is the configuration's): two
    /// nested sub-folders (`Production` under the root, `Team-A` under `Production`) hold every second and third
    /// member; `member-03` is `PendingRemove` (not auditable) and `member-02` lacks its role; each member has
    /// `clustersPerMember` clusters from its own seed.
    public static func generate(
        members count: Int, clustersPerMember: Int, seed: UInt64 = 7,
        regions: [String] = FleetSpecification.demoRegions
    ) -> EmulatorOrganisation {
        var random = SeededRandomNumberGenerator(seed: seed ^ 0x5244_4952)
        let root = EmulatorFolder(id: "r-" + random.hex(6), name: "root", parentId: nil)
        let production = EmulatorFolder(
            id: "fd-" + random.hex(10), name: "Production", parentId: root.id)
        let team = EmulatorFolder(id: "fd-" + random.hex(10), name: "Team-A", parentId: production.id)
        var members: [EmulatorMemberAccount] = []
        for index in 0..<max(0, count) {
            let number = index + 1
            let accountId = "51" + String(repeating: "0", count: 14 - String(number).count) + String(number)
            let folder = [root, production, team][index % 3]
            let created = index % 2 == 0
            members.append(
                EmulatorMemberAccount(
                    accountId: accountId,
                    displayName: "member-\(number < 10 ? "0" : "")\(number)",
                    status: index == 2 ? "PendingRemove" : (created ? "CreateSuccess" : "InviteSuccess"),
                    type: created ? "ResourceAccount" : "CloudAccount",
                    folderId: folder.id,
                    fleet: FleetSpecification(
                        clusterCount: clustersPerMember, seed: seed &+ UInt64(number) &* 7_919, regions: regions,
                        accountId: accountId),
                    role: index == 1 ? .missing : .exists()))
        }
        return EmulatorOrganisation(
            resourceDirectoryId: "rd-" + random.hex(6), rootFolder: root, folders: [production, team],
            members: members)
    }
}

/// A Resource Directory folder.
public struct EmulatorFolder: Sendable, Hashable {
    /// `r-…` for the root, `fd-…` for sub-folders.
    public var id: String
    public var name: String
    /// The parent folder; nil for the root.
    public var parentId: String?

    public init(id: String, name: String, parentId: String?) {
        self.id = id
        self.name = name
        self.parentId = parentId
    }
}

/// Whether a member's role can be assumed from the management account.
public enum EmulatorMemberRole: Sendable, Hashable {
    /// The role exists under this name (default `ResourceDirectoryAccountAccessRole`).
    case exists(name: String = EmulatorMemberRole.defaultName)
    /// No such role: AssumeRole answers `EntityNotExist.Role`.
    case missing
    /// The role exists but its trust policy refuses the caller: AssumeRole answers `NoPermission`.
    case denied(name: String = EmulatorMemberRole.defaultName)

    public static let defaultName = "ResourceDirectoryAccountAccessRole"
}

/// A member account of an ``EmulatorOrganisation``.
public struct EmulatorMemberAccount: Sendable, Equatable {
    /// 16 digits.
    public var accountId: String
    public var displayName: String
    /// `CreateSuccess` and `InviteSuccess` are active; anything else (e.g. `PendingRemove`) is not auditable.
    public var status: String
    /// `ResourceAccount` (created in the directory) or `CloudAccount` (invited).
    public var type: String
    public var folderId: String
    /// The member's own fleet (give it its own seed so fleets differ).
    public var fleet: FleetSpecification
    public var role: EmulatorMemberRole
    /// The member's own per-API rate limit, replacing the management configuration's on every CS action. Either
    /// way the member's buckets are its own: its calls never spend another account's quota.
    public var rateLimit: RateLimit?
    /// AccessKeys of the member itself (its calls see its own fleet; it may not list the directory).
    public var accessKeys: [EmulatorAccessKey]
    /// A delegated administrator may call the ResourceManager listings like the management account.
    public var isDelegatedAdministrator: Bool

    public init(
        accountId: String, displayName: String, status: String = "CreateSuccess", type: String = "ResourceAccount",
        folderId: String, fleet: FleetSpecification, role: EmulatorMemberRole = .exists(),
        rateLimit: RateLimit? = nil, accessKeys: [EmulatorAccessKey] = [], isDelegatedAdministrator: Bool = false
    ) {
        self.accountId = accountId
        self.displayName = displayName
        self.status = status
        self.type = type
        self.folderId = folderId
        self.fleet = fleet
        self.role = role
        self.rateLimit = rateLimit
        self.accessKeys = accessKeys
        self.isDelegatedAdministrator = isDelegatedAdministrator
    }

    /// The configuration of the member's own state: its fleet, no keys of its own in that state (the management
    /// state authenticates), the management configuration's faults (with this member's rate limit when it has
    /// one), clock and timings.
    func stateConfiguration(from management: EmulatorConfiguration) -> EmulatorConfiguration {
        var configuration = management
        configuration.accessKeys = []
        configuration.fleet = .generated(fleet)
        if let rateLimit {
            configuration.faults.all.rateLimit = rateLimit
            for action in configuration.faults.perAPI.keys {
                configuration.faults.perAPI[action]?.rateLimit = rateLimit
            }
        }
        configuration.seed = fleet.seed
        configuration.accountId = accountId
        configuration.organisation = nil
        return configuration
    }
}
