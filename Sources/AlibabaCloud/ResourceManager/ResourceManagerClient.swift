public import AsyncHTTPClient
public import Foundation
import JSON
public import Logging

/// The Resource Directory calls of ResourceManager (API version 2020-03-31, RPC style) that list an
/// organisation's member accounts.
///
/// Calls go through the same transport as the CS client (deadlines, retries with backoff and jitter, throttling,
/// adaptive rate limiting per action, bounded bodies), signed with the RPC signature 1.0 that the SDKs send and STS
/// `AssumeRole` uses: `SignatureMethod=HMAC-SHA1`, `SignatureNonce`, `AccessKeyId`, `Timestamp`, `Signature` among
/// the query parameters. Every listing is bounded: a server that repeats a page, never ends, announces an
/// impossible count or nests folders without end is an error. The client does not own `httpClient`.
public final class ResourceManagerClient: Sendable {
    public static let apiVersion = "2020-03-31"
    public static let defaultEndpoint = URL(string: "https://resourcemanager.aliyuncs.com")!
    /// Entries per page: the documented maximum.
    public static let pageSize = 100

    /// Bounds of the listings.
    public struct Limits: Sendable, Equatable {
        /// Pages one listing may take (and so at most `maxPages × pageSize` entries).
        public var maxPages: Int
        /// Folder levels walked below the starting folder (a Resource Directory allows five).
        public var maxFolderDepth: Int
        /// Folders one recursive walk may visit, the starting one included.
        public var maxFolders: Int

        public init(maxPages: Int = 1000, maxFolderDepth: Int = 16, maxFolders: Int = 10_000) {
            self.maxPages = max(1, maxPages)
            self.maxFolderDepth = max(0, maxFolderDepth)
            self.maxFolders = max(1, maxFolders)
        }
    }

    public let endpoint: URL
    public let limits: Limits
    private let transport: ACSTransport
    private let state: CSClientState

    /// - Parameters:
    ///   - endpoint: where calls go (a loopback emulator in tests); http is allowed.
    ///   - options: timeouts, retries, rate limiting, body limit and runtime, as for `CSClient` (its `endpoint`,
    ///     `signatureVersion` and `maxPages` are not used).
    public init(
        httpClient: HTTPClient,
        credentials: any CredentialProvider,
        endpoint: URL = ResourceManagerClient.defaultEndpoint,
        options: CSClientOptions = CSClientOptions(),
        limits: Limits = Limits(),
        logger: Logger = Logger(label: "ackguard.resourcemanager")
    ) {
        var options = options
        options.endpoint = endpoint
        self.endpoint = endpoint
        self.limits = limits
        self.state = CSClientState(limiterConfiguration: options.rateLimiting, runtime: options.runtime)
        self.transport = ACSTransport(
            httpClient: httpClient, credentials: credentials, options: options, logger: logger, state: state)
    }

    /// Attempts per API action so far, retries included.
    public var callCounts: [String: Int] {
        get async { await state.callCounts }
    }

    /// Every member account of the Resource Directory (`ListAccounts`), page after page until `TotalCount`.
    /// - Throws: ``ResourceManagerError/notManagementAccount(action:serviceError:)`` when the caller is neither the
    ///   management account nor a delegated administrator; other ``ResourceManagerError``s for answers that do not
    ///   add up; the transport's errors.
    public func listAccounts() async throws -> [MemberAccount] {
        try await listAll(action: "ListAccounts", parameters: [:], container: ("Accounts", "Account")) {
            let account = try MemberAccount.decode($0, action: "ListAccounts")
            return (account.accountId, account)
        }
    }

    /// The member accounts of one folder (`ListAccountsForParent`) and, with `recursive`, of every folder below it
    /// (`ListFoldersForParent`), each account once. A folder met twice is walked once; the walk is bounded by
    /// ``Limits/maxFolderDepth`` and ``Limits/maxFolders``.
    public func listAccounts(inFolder folderId: String, recursive: Bool) async throws -> [MemberAccount] {
        try Self.validate(folderId: folderId)
        var queue: [(id: String, depth: Int)] = [(folderId, 0)]
        var seenFolders: Set<String> = [folderId]
        var accounts: [MemberAccount] = []
        var seenAccounts = Set<String>()
        var next = 0
        while next < queue.count {
            let folder = queue[next]
            next += 1
            let members = try await listAll(
                action: "ListAccountsForParent", parameters: ["ParentFolderId": folder.id],
                container: ("Accounts", "Account")
            ) {
                let account = try MemberAccount.decode($0, action: "ListAccountsForParent")
                return (account.accountId, account)
            }
            for account in members where seenAccounts.insert(account.accountId).inserted {
                accounts.append(account)
            }
            guard recursive else { continue }
            let children = try await subfolders(of: folder.id)
            for child in children where !seenFolders.contains(child) {
                guard folder.depth < limits.maxFolderDepth else {
                    throw ResourceManagerError.folderTreeTooDeep(root: folderId, depth: limits.maxFolderDepth)
                }
                guard seenFolders.count < limits.maxFolders else {
                    throw ResourceManagerError.tooManyFolders(root: folderId, limit: limits.maxFolders)
                }
                seenFolders.insert(child)
                queue.append((child, folder.depth + 1))
            }
        }
        return accounts
    }

    /// The ids of the folders directly below `folderId` (`ListFoldersForParent`).
    private func subfolders(of folderId: String) async throws -> [String] {
        let action = "ListFoldersForParent"
        return try await listAll(
            action: action, parameters: ["ParentFolderId": folderId], container: ("Folders", "Folder")
        ) { entry in
            guard case .string(let id)? = entry["FolderId"] else {
                throw ResourceManagerError.invalidResponse(action: action, detail: "a Folder has no string FolderId")
            }
            do {
                try Self.validate(folderId: id)
            } catch {
                throw ResourceManagerError.invalidResponse(action: action, detail: "\(error)")
            }
            return (id, id)
        }
    }

    /// Throws ``ResourceManagerError/invalidFolderId(_:)`` unless `folderId` is 1-64 letters, digits and `-`.
    public static func validate(folderId: String) throws {
        let allowed = folderId.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
        }
        guard (1...64).contains(folderId.utf8.count), allowed else {
            throw ResourceManagerError.invalidFolderId(folderId)
        }
    }

    /// Whether an error answer means the caller may not read the Resource Directory: HTTP 403, or a code of the
    /// permission families (`NoPermission…`, `Forbidden…`, `NotAuthorized…`), or
    /// `EntityNotExists.ResourceDirectory` (an account that manages no directory).
    static func isPermissionDenied(_ error: ACSServiceError) -> Bool {
        if error.httpStatus == 403 { return true }
        let code = error.code
        return code.hasPrefix("NoPermission") || code.hasPrefix("Forbidden") || code.hasPrefix("NotAuthorized")
            || code == "EntityNotExists.ResourceDirectory"
    }

    // MARK: - Paging

    /// Every page of a listing: `PageSize` 100, `PageNumber` from 1 until `TotalCount` distinct entries arrived.
    /// `decode` gives each entry's identity and value; an entry seen on an earlier page is not kept twice.
    private func listAll<T: Sendable>(
        action: String,
        parameters: [String: String],
        container: (outer: String, inner: String),
        decode: (JSONValue) throws -> (id: String, value: T)
    ) async throws -> [T] {
        var values: [T] = []
        var seen = Set<String>()
        var pageNumber = 1
        while true {
            guard pageNumber <= limits.maxPages else {
                throw ResourceManagerError.tooManyPages(action: action, pages: limits.maxPages)
            }
            let page = try await fetchPage(
                action: action, parameters: parameters, pageNumber: pageNumber, container: container)
            var added = 0
            for entry in page.entries {
                let (id, value) = try decode(entry)
                if seen.insert(id).inserted {
                    values.append(value)
                    added += 1
                }
            }
            if values.count >= page.totalCount { return values }
            if page.entries.isEmpty {
                throw ResourceManagerError.incompleteListing(
                    action: action, received: values.count, totalCount: page.totalCount)
            }
            if added == 0 { throw ResourceManagerError.paginationNotAdvancing(action: action, page: pageNumber) }
            pageNumber += 1
        }
    }

    /// One page: its entries (`<outer>.<inner>`, an array) and `TotalCount`.
    private func fetchPage(
        action: String,
        parameters: [String: String],
        pageNumber: Int,
        container: (outer: String, inner: String)
    ) async throws -> (entries: [JSONValue], totalCount: Int) {
        var query = parameters
        query["PageNumber"] = String(pageNumber)
        query["PageSize"] = String(Self.pageSize)
        let operation = ACSOperation(
            action: action, method: "GET", pathname: "/", query: query, region: nil, idempotent: true,
            rpcVersion: Self.apiVersion)
        let response: ACSHTTPResponse
        do {
            response = try await transport.send(operation)
        } catch let error as ACSServiceError where Self.isPermissionDenied(error) {
            throw ResourceManagerError.notManagementAccount(action: action, serviceError: error)
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(response.body, limits: .default)
        } catch {
            throw ResourceManagerError.invalidResponse(
                action: action, detail: "body is not JSON (\(error)): \(response.snippet)")
        }
        guard json.objectValue != nil else {
            throw ResourceManagerError.invalidResponse(action: action, detail: "body is not a JSON object")
        }
        let capacity = limits.maxPages * Self.pageSize
        guard case .number(let count)? = json["TotalCount"], count >= 0, count.rounded() == count else {
            throw ResourceManagerError.invalidResponse(
                action: action, detail: "TotalCount is missing or not a non-negative integer")
        }
        guard count <= Double(capacity) else {
            throw ResourceManagerError.invalidResponse(
                action: action,
                detail: "TotalCount \(json["TotalCount"]?.scalarText ?? "?") is more than \(limits.maxPages) pages "
                    + "of \(Self.pageSize) can hold")
        }
        let entries: [JSONValue]
        switch json[container.outer] {
        case nil, .null?:
            entries = []
        case .object(let members)?:
            switch members[container.inner] {
            case nil, .null?: entries = []
            case .array(let items)?: entries = items
            default:
                throw ResourceManagerError.invalidResponse(
                    action: action, detail: "\(container.outer).\(container.inner) is not an array")
            }
        default:
            throw ResourceManagerError.invalidResponse(action: action, detail: "\(container.outer) is not an object")
        }
        return (entries, Int(count))
    }
}
