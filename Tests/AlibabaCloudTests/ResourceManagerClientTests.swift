import AlibabaCloud
import AlibabaCloudSigning
import AsyncHTTPClient
import Foundation
import Hummingbird
import JSON
import NIOCore
import Synchronization
import TestSupport
import Testing

@Suite("ResourceManager client: member accounts of a Resource Directory")
struct ResourceManagerClientTests {
    @Test func listsEveryAccountInPagesOfOneHundred() async throws {
        let all = (0..<250).map { accountEntry(index: $0) }
        let server = FakeCSServer { request, _ in
            accountPage(all, request: request)
        }
        try await server.serve { url in
            let accounts = try await withResourceManagerClient(endpoint: url) { try await $0.listAccounts() }
            #expect(accounts.count == 250)
            #expect(accounts.map(\.accountId) == (0..<250).map(accountId))
            #expect(Set(accounts.map(\.accountId)).count == 250)
            #expect(accounts[0].displayName == "member 0")
            #expect(accounts[0].status == "CreateSuccess")
            #expect(accounts[0].type == "ResourceAccount")
            #expect(accounts[0].folderId == "fd-main")
            let received = server.received
            #expect(received.count == 3)
            #expect(received.map { $0.query["PageNumber"] } == ["1", "2", "3"])
            #expect(received.allSatisfy { $0.query["PageSize"] == "100" })
            #expect(received.allSatisfy { $0.signatureValid })
        }
    }

    @Test func signsEveryCallWithTheRPCSignature() async throws {
        let server = FakeCSServer { request, _ in accountPage([accountEntry(index: 1)], request: request) }
        try await server.serve { url in
            _ = try await withResourceManagerClient(endpoint: url) { try await $0.listAccounts() }
            let request = try #require(server.received.first)
            #expect(request.method == "GET")
            #expect(request.path == "/")
            #expect(request.signatureValid)
            #expect(request.query["Action"] == "ListAccounts")
            #expect(request.query["Version"] == "2020-03-31")
            #expect(request.query["Format"] == "JSON")
            #expect(request.query["AccessKeyId"] == "AKID")
            #expect(request.query["SignatureMethod"] == "HMAC-SHA1")
            #expect(request.query["SignatureVersion"] == "1.0")
            #expect(request.query["SignatureNonce"]?.isEmpty == false)
            #expect(request.query["Timestamp"].flatMap(SigningDate.parseISO8601) != nil)
            #expect(request.query["Signature"]?.isEmpty == false)
            #expect(request.headers["authorization"] == nil)
        }
        // A temporary credential's token travels as SecurityToken, inside what is signed.
        let tokenServer = FakeCSServer(secrets: ["STS.KEY": "sts-secret"]) { request, _ in
            accountPage([], request: request)
        }
        try await tokenServer.serve { url in
            let credential = ACSCredential(
                accessKeyId: "STS.KEY", accessKeySecret: "sts-secret", securityToken: "token-1", providerName: "sts")
            _ = try await withResourceManagerClient(endpoint: url, credential: credential) {
                try await $0.listAccounts()
            }
            let request = try #require(tokenServer.received.first)
            #expect(request.signatureValid)
            #expect(request.query["SecurityToken"] == "token-1")
        }
    }

    @Test func aWrongSecretIsRefusedByTheServer() async throws {
        let server = FakeCSServer { request, _ in accountPage([], request: request) }
        try await server.serve { url in
            let credential = ACSCredential(accessKeyId: "AKID", accessKeySecret: "wrong", providerName: "static_ak")
            let error = await #expect(throws: ACSServiceError.self) {
                try await withResourceManagerClient(endpoint: url, credential: credential) {
                    try await $0.listAccounts()
                }
            }
            #expect(error?.code == "SignatureDoesNotMatch")
            #expect(server.received.first?.signatureValid == false)
        }
    }

    @Test func aServerRepeatingThePageIsAnErrorNotALoop() async throws {
        let first = (0..<100).map { accountEntry(index: $0) }
        let server = FakeCSServer { _, _ in .json(listBody(entries: first, total: 250)) }
        try await server.serve { url in
            let error = await #expect(throws: ResourceManagerError.self) {
                try await withResourceManagerClient(endpoint: url) { try await $0.listAccounts() }
            }
            guard case .paginationNotAdvancing(let action, let page)? = error else {
                Issue.record("unexpected error \(String(describing: error))")
                return
            }
            #expect(action == "ListAccounts")
            #expect(page == 2)
            #expect(server.received.count == 2)
        }
    }

    @Test func aListingThatNeverEndsStopsAtThePageLimit() async throws {
        // A total that the page limit cannot hold is refused on the first page.
        let huge = FakeCSServer { request, _ in
            let page = Int(request.query["PageNumber"] ?? "") ?? 0
            return .json(listBody(entries: (0..<100).map { accountEntry(index: page * 100 + $0) }, total: 90_000))
        }
        try await huge.serve { url in
            let error = await #expect(throws: ResourceManagerError.self) {
                try await withResourceManagerClient(endpoint: url, limits: .init(maxPages: 899)) {
                    try await $0.listAccounts()
                }
            }
            guard case .invalidResponse(_, let detail)? = error else {
                Issue.record("unexpected error \(String(describing: error))")
                return
            }
            #expect(detail.contains("TotalCount 90000"))
            #expect(huge.received.count == 1)
        }
        // One new account a page: the total is never reached within the page limit.
        let trickle = FakeCSServer { request, _ in
            let page = Int(request.query["PageNumber"] ?? "") ?? 0
            return .json(listBody(entries: [accountEntry(index: page)], total: 250))
        }
        try await trickle.serve { url in
            let error = await #expect(throws: ResourceManagerError.self) {
                try await withResourceManagerClient(endpoint: url, limits: .init(maxPages: 3)) {
                    try await $0.listAccounts()
                }
            }
            guard case .tooManyPages(let action, let pages)? = error else {
                Issue.record("unexpected error \(String(describing: error))")
                return
            }
            #expect(action == "ListAccounts")
            #expect(pages == 3)
            #expect(trickle.received.count == 3)
        }
    }

    @Test func anEmptyPageBeforeTheTotalIsAnIncompleteListing() async throws {
        let server = FakeCSServer { request, _ in
            request.query["PageNumber"] == "1"
                ? .json(listBody(entries: (0..<100).map { accountEntry(index: $0) }, total: 150))
                : .json(listBody(entries: [], total: 150))
        }
        try await server.serve { url in
            let error = await #expect(throws: ResourceManagerError.self) {
                try await withResourceManagerClient(endpoint: url) { try await $0.listAccounts() }
            }
            guard case .incompleteListing(_, let received, let total)? = error else {
                Issue.record("unexpected error \(String(describing: error))")
                return
            }
            #expect(received == 100)
            #expect(total == 150)
        }
    }

    @Test func walksSubfoldersOnceEvenWhenTheyFormACycle() async throws {
        // r-root → fd-a, fd-b; fd-a → fd-c; fd-c → fd-a (a cycle) and r-root; fd-b → fd-b (itself).
        let children: [String: [String]] = [
            "r-root": ["fd-a", "fd-b"], "fd-a": ["fd-c"], "fd-c": ["fd-a", "r-root"], "fd-b": ["fd-b"],
        ]
        let members: [String: [Int]] = ["r-root": [0, 1], "fd-a": [2], "fd-b": [3, 4], "fd-c": [5, 1]]
        let server = FakeCSServer { request, _ in
            let parent = request.query["ParentFolderId"] ?? ""
            switch request.query["Action"] {
            case "ListAccountsForParent":
                return accountPage((members[parent] ?? []).map { accountEntry(index: $0) }, request: request)
            case "ListFoldersForParent":
                let folders: [JSONValue] = (children[parent] ?? []).map { ["FolderId": .string($0)] }
                return .json(listBody(entries: folders, total: folders.count, outer: "Folders", inner: "Folder"))
            default:
                return .error(status: 400, code: "InvalidAction", pascalCase: true)
            }
        }
        try await server.serve { url in
            let accounts = try await withResourceManagerClient(endpoint: url) {
                try await $0.listAccounts(inFolder: "r-root", recursive: true)
            }
            #expect(Set(accounts.map(\.accountId)) == Set((0...5).map(accountId)))
            #expect(accounts.count == 6)
            let listed = server.received.filter { $0.query["Action"] == "ListAccountsForParent" }
            #expect(listed.compactMap { $0.query["ParentFolderId"] }.sorted() == ["fd-a", "fd-b", "fd-c", "r-root"])
            #expect(server.received.allSatisfy { $0.signatureValid && $0.query["Version"] == "2020-03-31" })
        }
        let flat = FakeCSServer { request, _ in
            request.query["Action"] == "ListAccountsForParent"
                ? accountPage([accountEntry(index: 7)], request: request)
                : .error(status: 400, code: "Unexpected", pascalCase: true)
        }
        try await flat.serve { url in
            let accounts = try await withResourceManagerClient(endpoint: url) {
                try await $0.listAccounts(inFolder: "fd-x", recursive: false)
            }
            #expect(accounts.map(\.accountId) == [accountId(7)])
            #expect(flat.received.map { $0.query["Action"] } == ["ListAccountsForParent"])
        }
    }

    @Test func theFolderWalkIsBoundedInDepthAndCount() async throws {
        // An endless chain: every folder has one new child.
        let server = FakeCSServer { request, _ in
            let parent = request.query["ParentFolderId"] ?? ""
            if request.query["Action"] == "ListFoldersForParent" {
                let folder: JSONValue = ["FolderId": .string(parent + "x")]
                return .json(listBody(entries: [folder], total: 1, outer: "Folders", inner: "Folder"))
            }
            return accountPage([], request: request)
        }
        try await server.serve { url in
            let error = await #expect(throws: ResourceManagerError.self) {
                try await withResourceManagerClient(endpoint: url, limits: .init(maxFolderDepth: 4)) {
                    try await $0.listAccounts(inFolder: "fd-a", recursive: true)
                }
            }
            guard case .folderTreeTooDeep(let root, let depth)? = error else {
                Issue.record("unexpected error \(String(describing: error))")
                return
            }
            #expect(root == "fd-a")
            #expect(depth == 4)
        }
        // A wide tree: 50 folders below the root.
        let wide = FakeCSServer { request, _ in
            if request.query["Action"] == "ListFoldersForParent" {
                let folders: [JSONValue] =
                    request.query["ParentFolderId"] == "r-root"
                    ? (0..<50).map { ["FolderId": .string("fd-\($0)")] } : []
                return .json(listBody(entries: folders, total: folders.count, outer: "Folders", inner: "Folder"))
            }
            return accountPage([], request: request)
        }
        try await wide.serve { url in
            let error = await #expect(throws: ResourceManagerError.self) {
                try await withResourceManagerClient(endpoint: url, limits: .init(maxFolders: 10)) {
                    try await $0.listAccounts(inFolder: "r-root", recursive: true)
                }
            }
            guard case .tooManyFolders(_, let limit)? = error else {
                Issue.record("unexpected error \(String(describing: error))")
                return
            }
            #expect(limit == 10)
        }
    }

    @Test func aCallerOutsideTheManagementAccountGetsAClearError() async throws {
        let server = FakeCSServer { _, _ in
            .json(
                #"{"RequestId":"req-1","Code":"NoPermission","Message":"You are not authorized"}"#, status: 403)
        }
        try await server.serve { url in
            let error = await #expect(throws: ResourceManagerError.self) {
                try await withResourceManagerClient(endpoint: url) { try await $0.listAccounts() }
            }
            let text = "\(String(describing: error))"
            #expect(
                text.contains(
                    "ListAccounts is allowed only for the management account or a delegated administrator of the "
                        + "Resource Directory"))
            #expect(text.contains("NoPermission"))
            #expect(text.contains("req-1"))
            guard case .notManagementAccount(let action, let serviceError)? = error else {
                Issue.record("unexpected error \(String(describing: error))")
                return
            }
            #expect(action == "ListAccounts")
            #expect(serviceError.httpStatus == 403)
            #expect(server.received.count == 1, "a refusal is not retried")
        }
        for (status, code) in [(404, "EntityNotExists.ResourceDirectory"), (400, "Forbidden.NotManagementAccount")] {
            let refusing = FakeCSServer { _, _ in .error(status: status, code: code, pascalCase: true) }
            try await refusing.serve { url in
                let error = await #expect(throws: ResourceManagerError.self) {
                    try await withResourceManagerClient(endpoint: url) {
                        try await $0.listAccounts(inFolder: "r-root", recursive: true)
                    }
                }
                let text = "\(String(describing: error))"
                #expect(text.contains("ListAccountsForParent is allowed only for the management account"))
                #expect(text.contains(code))
            }
        }
    }

    @Test func invalidAccountIdsAndRoleNamesAreRefused() throws {
        #expect(
            try memberRoleArn(accountId: "1234567890123456", roleName: "ResourceDirectoryAccountAccessRole")
                == "acs:ram::1234567890123456:role/ResourceDirectoryAccountAccessRole")
        #expect(
            try memberRoleArn(accountId: "0000000000000001", roleName: "a.b-c_d")
                == "acs:ram::0000000000000001:role/a.b-c_d")
        let badIds = [
            "", "123", "12345678901234567", "123456789012345a", "1234567890123456 ", "１２３４５６７８９０１２３４５６",
            "12345678901234\n6", "../../../etc/pw",
        ]
        for id in badIds {
            let error = #expect(throws: ResourceManagerError.self) {
                try memberRoleArn(accountId: id, roleName: "Auditor")
            }
            guard case .invalidAccountId(let value)? = error else {
                Issue.record("unexpected error for \(id): \(String(describing: error))")
                continue
            }
            #expect(value == id)
            #expect("\(String(describing: error))".contains(String(reflecting: id)))
        }
        for name in ["", String(repeating: "r", count: 65), "a/b", "role name", "rôle", "x:y", "a*"] {
            let error = #expect(throws: ResourceManagerError.self) {
                try memberRoleArn(accountId: "1234567890123456", roleName: name)
            }
            guard case .invalidRoleName(let value)? = error else {
                Issue.record("unexpected error for \(name): \(String(describing: error))")
                continue
            }
            #expect(value == name)
        }
        #expect(
            try memberRoleArn(accountId: "1234567890123456", roleName: String(repeating: "r", count: 64)).count > 64)
        #expect(throws: ResourceManagerError.self) {
            try MemberAccount(accountId: "42", displayName: "x", status: "CreateSuccess", type: "", folderId: nil)
        }
    }

    @Test func auditableMeansAMemberOfTheDirectory() throws {
        func account(_ status: String) throws -> MemberAccount {
            try MemberAccount(
                accountId: "1234567890123456", displayName: "m", status: status, type: "ResourceAccount",
                folderId: nil)
        }
        // The seven statuses ListAccounts documents are all member accounts of the directory.
        for status in [
            "CreateSuccess", "InviteSuccess", "PromoteVerifying", "PromoteFailed", "PromoteExpired", "PromoteCancelled",
            "PromoteSuccess",
        ] {
            #expect(try account(status).isAuditable, "\(status)")
        }
        for status in ["PendingRemove", "Removing", "createsuccess", ""] {
            #expect(try !account(status).isAuditable, "\(status)")
        }
        #expect(try account("InviteSuccess").roleArn(roleName: "Auditor") == "acs:ram::1234567890123456:role/Auditor")
    }

    @Test func hostileAnswersAreErrorsNotCrashes() async throws {
        let good = accountEntry(index: 1)
        let bodies: [(String, String)] = [
            ("not json", "body is not JSON"),
            ("[1,2,3]", "not a JSON object"),
            (#"{"TotalCount":"many","Accounts":{"Account":[]}}"#, "TotalCount"),
            (#"{"TotalCount":-1,"Accounts":{"Account":[]}}"#, "TotalCount"),
            (#"{"TotalCount":1.5,"Accounts":{"Account":[]}}"#, "TotalCount"),
            (#"{"TotalCount":1e300,"Accounts":{"Account":[]}}"#, "TotalCount"),
            (#"{"Accounts":{"Account":[]}}"#, "TotalCount"),
            (#"{"TotalCount":1,"Accounts":[]}"#, "Accounts is not an object"),
            (#"{"TotalCount":1,"Accounts":{"Account":"x"}}"#, "Accounts.Account is not an array"),
            (#"{"TotalCount":1,"Accounts":{"Account":[7]}}"#, "not an object"),
            (
                #"{"TotalCount":1,"Accounts":{"Account":[{"AccountId":1234567890123456,"Status":"CreateSuccess"}]}}"#,
                "AccountId is not a string"
            ),
            (#"{"TotalCount":1,"Accounts":{"Account":[{"AccountId":"12345","Status":"CreateSuccess"}]}}"#, "\"12345\""),
            (#"{"TotalCount":1,"Accounts":{"Account":[{"Status":"CreateSuccess"}]}}"#, "no AccountId"),
            (#"{"TotalCount":1,"Accounts":{"Account":[{"AccountId":"1234567890123456"}]}}"#, "no Status"),
            (
                #"{"TotalCount":1,"Accounts":{"Account":[{"AccountId":"1234567890123456","Status":"CreateSuccess","DisplayName":""#
                    + String(repeating: "x", count: 300) + #""}]}}"#, "DisplayName"
            ),
            (String(repeating: "[", count: 10_000), "body is not JSON"),
        ]
        for (body, expected) in bodies {
            let server = FakeCSServer { _, _ in .json(body) }
            try await server.serve { url in
                let error = await #expect(throws: ResourceManagerError.self) {
                    try await withResourceManagerClient(endpoint: url) { try await $0.listAccounts() }
                }
                #expect("\(String(describing: error))".contains(expected), "\(body.prefix(80))")
            }
        }
        // A display name with control characters or markup is kept as sent, for the caller to escape.
        let raw = "evil\u{1B}[31m <b>name</b>"
        let server = FakeCSServer { request, _ in
            var entry = good
            if case .object(var members) = entry {
                members["DisplayName"] = .string(raw)
                entry = .object(members)
            }
            return accountPage([entry], request: request)
        }
        try await server.serve { url in
            let accounts = try await withResourceManagerClient(endpoint: url) { try await $0.listAccounts() }
            #expect(accounts.first?.displayName == raw)
        }
        await #expect(throws: ResourceManagerError.self) {
            try await withResourceManagerClient(endpoint: URL(string: "http://127.0.0.1:9")!) {
                try await $0.listAccounts(inFolder: "fd-a/../x", recursive: false)
            }
        }
    }

    @Test func throttlingIsRetriedWithAFreshSignature() async throws {
        let runtime = TestRuntime()
        let server = FakeCSServer { request, index in
            index < 2
                ? .error(status: 400, code: "Throttling.User", pascalCase: true)
                : accountPage([accountEntry(index: 3)], request: request)
        }
        try await server.serve { url in
            let accounts = try await withResourceManagerClient(endpoint: url, runtime: runtime) { client in
                let accounts = try await client.listAccounts()
                #expect(await client.callCounts == ["ListAccounts": 3])
                return accounts
            }
            #expect(accounts.map(\.accountId) == [accountId(3)])
            let received = server.received
            #expect(received.count == 3)
            #expect(received.allSatisfy { $0.signatureValid })
            #expect(Set(received.compactMap { $0.query["SignatureNonce"] }).count == 3)
        }
        let always = FakeCSServer { _, _ in .error(status: 429, code: "Throttling", pascalCase: true) }
        try await always.serve { url in
            let error = await #expect(throws: CSClientError.self) {
                try await withResourceManagerClient(
                    endpoint: url, retry: RetryPolicy(maxAttempts: 2, maxTotalAttempts: 5, baseDelay: .milliseconds(1))
                ) { try await $0.listAccounts() }
            }
            guard case .throttled(let action, let attempts, _)? = error else {
                Issue.record("unexpected error \(String(describing: error))")
                return
            }
            #expect(action == "ListAccounts")
            #expect(attempts == 5)
        }
    }
}

// MARK: - Fake RPC server and fixtures

private func withResourceManagerClient<T: Sendable>(
    endpoint url: URL,
    runtime: TestRuntime = TestRuntime(),
    credential: ACSCredential = ACSCredential(
        accessKeyId: "AKID", accessKeySecret: "test-secret", providerName: "static_ak"),
    retry: RetryPolicy = RetryPolicy(maxAttempts: 4, maxTotalAttempts: 30, baseDelay: .milliseconds(100)),
    limits: ResourceManagerClient.Limits = .init(),
    _ body: (ResourceManagerClient) async throws -> T
) async throws -> T {
    var options = CSClientOptions()
    options.runtime = runtime.runtime
    options.retry = retry
    let httpClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: CSClient.httpClientConfiguration(for: options))
    let client = ResourceManagerClient(
        httpClient: httpClient, credentials: StaticCredentialProvider(credential), endpoint: url, options: options,
        limits: limits)
    return try await withCleanup {
        try await body(client)
    } cleanup: {
        try await httpClient.shutdown()
    }
}

/// The 16-digit id of test member `index`.
private func accountId(_ index: Int) -> String {
    String(1_000_000_000_000_000 + index)
}

private func accountEntry(index: Int) -> JSONValue {
    [
        "AccountId": .string(accountId(index)), "DisplayName": .string("member \(index)"),
        "AccountName": .string("member\(index)@example.com"), "Status": "CreateSuccess", "Type": "ResourceAccount",
        "FolderId": "fd-main", "JoinMethod": "created", "ResourceDirectoryId": "rd-test",
    ]
}

/// The page of `all` that the request's `PageNumber` and `PageSize` select.
private func accountPage(_ all: [JSONValue], request: ReceivedRequest) -> FakeReply {
    let number = max(1, Int(request.query["PageNumber"] ?? "1") ?? 1)
    let size = max(1, Int(request.query["PageSize"] ?? "10") ?? 10)
    let start = min(all.count, (number - 1) * size)
    let slice = Array(all[start..<min(all.count, start + size)])
    return .json(listBody(entries: slice, total: all.count, pageNumber: number, pageSize: size))
}

private func listBody(
    entries: [JSONValue], total: Int, pageNumber: Int = 1, pageSize: Int = 100, outer: String = "Accounts",
    inner: String = "Account"
) -> String {
    let body: JSONValue = [
        outer: [inner: .array(entries)], "TotalCount": .number(Double(total)),
        "PageNumber": .number(Double(pageNumber)), "PageSize": .number(Double(pageSize)), "RequestId": "req-page",
    ]
    return body.serialized()
}
