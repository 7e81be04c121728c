import ACKEmulator
import AlibabaCloudSigning
import AsyncHTTPClient
import Audit
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import TestSupport
import Testing

@Suite("Organisation: ResourceManager listings and AssumeRole into members")
struct OrganisationTests {
    static let management = "5000000000000001"
    static let root = EmulatorFolder(id: "r-root01", name: "root", parentId: nil)
    static let production = EmulatorFolder(id: "fd-prod000001", name: "Production", parentId: "r-root01")
    static let team = EmulatorFolder(id: "fd-teama00001", name: "Team-A", parentId: "fd-prod000001")
    static let memberKey = EmulatorAccessKey(id: "member-four-key", secret: "member-four-secret")
    static let quota = RateLimit(perSecond: 0.001, burst: 2)

    static func member(
        _ number: Int, folder: EmulatorFolder, clusters: Int, role: EmulatorMemberRole = .exists(),
        status: String = "CreateSuccess", rateLimit: RateLimit? = nil, keys: [EmulatorAccessKey] = []
    ) -> EmulatorMemberAccount {
        let accountId = "510000000000000\(number)"
        return EmulatorMemberAccount(
            accountId: accountId, displayName: "member-\(number)", status: status, folderId: folder.id,
            fleet: FleetSpecification(clusterCount: clusters, seed: UInt64(100 * number + 1), accountId: accountId),
            role: role, rateLimit: rateLimit, accessKeys: keys)
    }

    static let members = [
        member(1, folder: root, clusters: 8, rateLimit: quota),
        member(2, folder: production, clusters: 2, role: .missing),
        member(3, folder: team, clusters: 2, role: .denied()),
        member(4, folder: team, clusters: 1, status: "PendingRemove", rateLimit: quota, keys: [memberKey]),
    ]

    static func configuration() -> EmulatorConfiguration {
        var configuration = EmulatorConfiguration.demo()
        configuration.organisation = EmulatorOrganisation(
            resourceDirectoryId: "rd-test01", rootFolder: root, folders: [production, team], members: members)
        return configuration
    }

    // MARK: Helpers

    /// An RPC call signed with signature 1.0, as older official SDKs sign ResourceManager and STS calls.
    func rpc(
        _ emulator: Emulator, _ parameters: [String: String], version: String = "2020-03-31",
        key: EmulatorAccessKey = .demo, secret: String? = nil, signed: Bool = true
    ) async throws -> CSTestClient.Reply {
        var all = ["Format": "JSON", "Version": version]
        all.merge(parameters) { _, new in new }
        if signed {
            RPCSigner.sign(
                method: "GET", parameters: &all,
                credential: SigningCredential(accessKeyId: key.id, accessKeySecret: secret ?? key.secret),
                date: Date(), nonce: UUID().uuidString)
        }
        let encoded = all.keys.sorted().map {
            "\(PercentEncoding.rfc3986($0))=\(PercentEncoding.rfc3986(all[$0] ?? ""))"
        }.joined(separator: "&")
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: emulator.endpoint.absoluteString + "/?" + encoded), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))
        return CSTestClient.Reply(status: Int(response.status.code), json: json, headers: response.headers)
    }

    func assumeRole(_ emulator: Emulator, account: String, role: String = EmulatorMemberRole.defaultName)
        async throws -> CSTestClient.Reply
    {
        try await rpc(
            emulator,
            [
                "Action": "AssumeRole", "RoleArn": "acs:ram::\(account):role/\(role)",
                "RoleSessionName": "ackguard-org", "DurationSeconds": "3600",
            ], version: "2015-04-01")
    }

    func client(_ emulator: Emulator, credentials reply: CSTestClient.Reply) throws -> CSTestClient {
        let credentials = try #require(reply.json?["Credentials"])
        return CSTestClient(
            endpoint: emulator.endpoint,
            credential: SigningCredential(
                accessKeyId: try #require(credentials["AccessKeyId"]?.stringValue),
                accessKeySecret: try #require(credentials["AccessKeySecret"]?.stringValue),
                securityToken: try #require(credentials["SecurityToken"]?.stringValue)))
    }

    func accountIds(_ reply: CSTestClient.Reply) -> [String] {
        (reply.json?["Accounts"]?["Account"]?.arrayValue ?? []).compactMap { $0["AccountId"]?.stringValue }
    }

    func clusterIds(_ client: CSTestClient) async throws -> [String] {
        let reply = try await client.call("GET", "/api/v1/clusters", query: ["page_size": "100"])
        #expect(reply.status == 200)
        return (reply.json?["clusters"]?.arrayValue ?? []).compactMap { $0["cluster_id"]?.stringValue }
    }

    // MARK: STS GetCallerIdentity

    @Test("GetCallerIdentity names the account of the signing key: the management account's, or a member's STS key")
    func callerIdentity() async throws {
        try await withEmulatorServer(Self.configuration()) { emulator in
            let own = try await rpc(emulator, ["Action": "GetCallerIdentity"], version: "2015-04-01")
            #expect(own.status == 200)
            #expect(own.json?["AccountId"]?.stringValue == Self.management)
            #expect(own.json?["IdentityType"]?.stringValue == "Account")

            let member = Self.members[0].accountId
            let assumed = try await assumeRole(emulator, account: member)
            let credentials = try #require(assumed.json?["Credentials"])
            var parameters = ["Action": "GetCallerIdentity", "Format": "JSON", "Version": "2015-04-01"]
            RPCSigner.sign(
                method: "GET", parameters: &parameters,
                credential: SigningCredential(
                    accessKeyId: try #require(credentials["AccessKeyId"]?.stringValue),
                    accessKeySecret: try #require(credentials["AccessKeySecret"]?.stringValue),
                    securityToken: try #require(credentials["SecurityToken"]?.stringValue)),
                date: Date(), nonce: UUID().uuidString)
            let encoded = parameters.keys.sorted().map {
                "\(PercentEncoding.rfc3986($0))=\(PercentEncoding.rfc3986(parameters[$0] ?? ""))"
            }.joined(separator: "&")
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: emulator.endpoint.absoluteString + "/sts?" + encoded), timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))
            #expect(response.status.code == 200)
            #expect(json["AccountId"]?.stringValue == member)
            #expect(json["IdentityType"]?.stringValue == "AssumedRoleUser")

            let forged = try await rpc(
                emulator, ["Action": "GetCallerIdentity"], version: "2015-04-01", secret: "not-the-secret")
            #expect(forged.status == 400)
            #expect(forged.json?["AccountId"] == nil)
        }
    }

    // MARK: ResourceManager

    @Test("ListAccounts pages the management account and every member, 1 to 100 a page, and refuses more")
    func listAccountsPaging() async throws {
        try await withEmulatorServer(Self.configuration()) { emulator in
            let expected = [Self.management] + Self.members.map(\.accountId)
            var seen: [String] = []
            for page in 1...expected.count {
                let reply = try await rpc(
                    emulator, ["Action": "ListAccounts", "PageNumber": "\(page)", "PageSize": "1"])
                #expect(reply.status == 200)
                #expect(reply.json?["TotalCount"] == .number(Double(expected.count)))
                #expect(reply.json?["PageNumber"] == .number(Double(page)))
                #expect(reply.json?["PageSize"] == .number(1))
                #expect(reply.json?["RequestId"]?.stringValue != nil)
                seen += accountIds(reply)
            }
            #expect(seen == expected)
            let beyond = try await rpc(emulator, ["Action": "ListAccounts", "PageNumber": "6", "PageSize": "1"])
            #expect(accountIds(beyond).isEmpty)

            let all = try await rpc(emulator, ["Action": "ListAccounts", "PageSize": "100"])
            #expect(accountIds(all) == expected)
            let account = try #require(all.json?["Accounts"]?["Account"]?.arrayValue?.last)
            #expect(account["Status"] == "PendingRemove")
            #expect(account["DisplayName"] == "member-4")
            #expect(account["FolderId"] == .string(Self.team.id))
            #expect(account["ResourceDirectoryId"] == "rd-test01")
            #expect(account["Type"] == "ResourceAccount")

            let tooLarge = try await rpc(emulator, ["Action": "ListAccounts", "PageSize": "101"])
            #expect(tooLarge.status == 400)
            #expect(tooLarge.code == "InvalidParameter.PageSize")
            let zeroPage = try await rpc(emulator, ["Action": "ListAccounts", "PageNumber": "0"])
            #expect(zeroPage.status == 400)
            #expect(zeroPage.code == "InvalidParameter.PageNumber")
        }
    }

    @Test("ListAccountsForParent lists one folder's direct members; ListFoldersForParent its sub-folders")
    func folders() async throws {
        try await withEmulatorServer(Self.configuration()) { emulator in
            func members(_ folder: String) async throws -> [String] {
                accountIds(try await rpc(emulator, ["Action": "ListAccountsForParent", "ParentFolderId": folder]))
            }
            #expect(try await members(Self.root.id) == [Self.management, Self.members[0].accountId])
            #expect(try await members(Self.production.id) == [Self.members[1].accountId])
            #expect(try await members(Self.team.id) == [Self.members[2].accountId, Self.members[3].accountId])
            let paged = try await rpc(
                emulator,
                ["Action": "ListAccountsForParent", "ParentFolderId": Self.team.id, "PageNumber": "2", "PageSize": "1"])
            #expect(accountIds(paged) == [Self.members[3].accountId])
            #expect(paged.json?["TotalCount"] == 2)

            func folders(_ parent: String?) async throws -> [JSONValue] {
                var parameters = ["Action": "ListFoldersForParent"]
                parameters["ParentFolderId"] = parent
                let reply = try await rpc(emulator, parameters)
                #expect(reply.status == 200)
                return reply.json?["Folders"]?["Folder"]?.arrayValue ?? []
            }
            let top = try await folders(Self.root.id)
            #expect(top.map { $0["FolderId"] } == [.string(Self.production.id)])
            #expect(top.first?["FolderName"] == "Production")
            #expect(top.first?["CreateTime"]?.stringValue?.hasSuffix("Z") == true)
            #expect(try await folders(nil).map { $0["FolderId"] } == [.string(Self.production.id)])
            #expect(try await folders(Self.production.id).map { $0["FolderId"] } == [.string(Self.team.id)])
            #expect(try await folders(Self.team.id).isEmpty)

            let unknown = try await rpc(emulator, ["Action": "ListAccountsForParent", "ParentFolderId": "fd-none"])
            #expect(unknown.status == 404)
            let missing = try await rpc(emulator, ["Action": "ListAccountsForParent"])
            #expect(missing.status == 400)
        }
    }

    @Test(
        "a member's own key may not list the directory unless it is a delegated administrator; without an organisation there is none"
    )
    func permissions() async throws {
        try await withEmulatorServer(Self.configuration()) { emulator in
            let denied = try await rpc(emulator, ["Action": "ListAccounts"], key: Self.memberKey)
            #expect(denied.status == 403)
            #expect(denied.code == "NoPermission")
        }
        var delegated = Self.configuration()
        delegated.organisation?.members[3].isDelegatedAdministrator = true
        try await withEmulatorServer(delegated) { emulator in
            let allowed = try await rpc(emulator, ["Action": "ListAccounts"], key: Self.memberKey)
            #expect(allowed.status == 200)
            #expect(allowed.json?["TotalCount"] == 5)
        }
        try await withEmulatorServer { emulator in
            let none = try await rpc(emulator, ["Action": "ListAccounts"])
            #expect(none.status == 404)
            #expect(none.code == "EntityNotExists.ResourceDirectory")
        }
    }

    @Test("ResourceManager calls must be signed: unsigned and wrongly signed calls are refused, V3 is accepted")
    func signatures() async throws {
        try await withEmulatorServer(Self.configuration()) { emulator in
            let unsigned = try await rpc(emulator, ["Action": "ListAccounts"], signed: false)
            #expect(unsigned.status == 400)
            #expect(unsigned.code == "MissingAccessKeyId")
            let wrong = try await rpc(emulator, ["Action": "ListAccounts"], secret: "wrong")
            #expect(wrong.status == 400)
            #expect(wrong.code == "SignatureDoesNotMatch")

            let client = CSTestClient(emulator)
            let v3 = try await client.send(
                client.signed(
                    "GET", "/", query: ["PageSize": "100"], action: "ListAccounts",
                    extraHeaders: ["x-acs-version": "2020-03-31"]))
            #expect(v3.status == 200)
            #expect(accountIds(v3).count == 5)
            var forged = client.signed(
                "GET", "/", query: ["PageSize": "100"], action: "ListAccounts",
                extraHeaders: ["x-acs-version": "2020-03-31"])
            forged.query["PageSize"] = "1"
            #expect(try await client.send(forged).code == "SignatureDoesNotMatch")
            let wrongVersion = try await client.send(
                client.signed("GET", "/", action: "ListAccounts", extraHeaders: ["x-acs-version": "2015-12-15"]))
            #expect(wrongVersion.code == "InvalidVersion")
        }
    }

    // MARK: AssumeRole into members

    @Test("AssumeRole into a member gives credentials that see that member's fleet only")
    func assumeRoleIntoMember() async throws {
        try await withEmulatorServer(Self.configuration()) { emulator in
            let member = Self.members[0]
            let reply = try await assumeRole(emulator, account: member.accountId)
            #expect(reply.status == 200)
            let memberClient = try client(emulator, credentials: reply)
            let expected = FleetGenerator.generate(member.fleet).clusters.map(\.id)
            #expect(try await clusterIds(memberClient).sorted() == expected.sorted())

            let managementIds = try await clusterIds(CSTestClient(emulator))
            #expect(managementIds.count == 24)
            #expect(Set(managementIds).isDisjoint(with: expected))
            let foreign = try await memberClient.call(
                "GET", "/clusters/\(try #require(managementIds.first))", action: "DescribeClusterDetail")
            #expect(foreign.code == "ErrorClusterNotFound")
            let own = try await memberClient.call(
                "GET", "/clusters/\(try #require(expected.first))", action: "DescribeClusterDetail")
            #expect(own.status == 200)
        }
    }

    @Test("a member's kubeconfig points at the Kubernetes server, which serves the member's clusters")
    func memberKubernetes() async throws {
        try await withEmulatorServer(Self.configuration()) { emulator in
            let memberClient = try client(
                emulator, credentials: try await assumeRole(emulator, account: Self.members[0].accountId))
            let cluster = try #require(
                FleetGenerator.generate(Self.members[0].fleet).clusters.first {
                    $0.kubernetesFault == .none && $0.detail["state"]?.stringValue == "running"
                        && $0.kubernetesReadStatuses["namespaces"] == nil
                })
            let kubeconfig = try await memberClient.call(
                "GET", "/k8s/\(cluster.id)/user_config", action: "DescribeClusterUserKubeconfig")
            #expect(kubeconfig.status == 200)
            let config = try #require(kubeconfig.json?["config"]?.stringValue)
            #expect(config.contains("\(emulator.kubernetesEndpoint.absoluteString)/clusters/\(cluster.id)"))

            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(
                try NIOSSLCertificate.fromPEMBytes(Array(emulator.authority.caCertificatePEM.utf8)))
            let issued = try emulator.authority.issueClientCertificate(
                clusterId: cluster.id, userName: "tester", notValidBefore: Date() - 60, notValidAfter: Date() + 600)
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(issued.certificatePEM.utf8)).map {
                .certificate($0)
            }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(issued.privateKeyPEM.utf8), format: .pem))
            let http = HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                configuration: HTTPClient.Configuration(tlsConfiguration: tls))
            try await withCleanup {
                let url = "\(emulator.kubernetesEndpoint.absoluteString)/clusters/\(cluster.id)/api/v1/namespaces"
                let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
                let body = try await response.body.collect(upTo: 1 << 20)
                let json = try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))
                #expect(response.status.code == 200)
                #expect(json?["kind"] == "NamespaceList")
            } cleanup: {
                try await http.shutdown()
            }
        }
    }

    @Test("AssumeRole into a member without the role, with a refusing role, or from a member's key is refused")
    func assumeRoleRefusals() async throws {
        try await withEmulatorServer(Self.configuration()) { emulator in
            let missing = try await assumeRole(emulator, account: Self.members[1].accountId)
            #expect(missing.status == 404)
            #expect(missing.code == "EntityNotExist.Role")
            let wrongName = try await assumeRole(emulator, account: Self.members[0].accountId, role: "other")
            #expect(wrongName.code == "EntityNotExist.Role")
            let denied = try await assumeRole(emulator, account: Self.members[2].accountId)
            #expect(denied.status == 403)
            #expect(denied.code == "NoPermission")

            let fromMember = try await rpc(
                emulator,
                [
                    "Action": "AssumeRole", "RoleArn": "acs:ram::\(Self.members[0].accountId):role/x",
                    "RoleSessionName": "ackguard-org",
                ], version: "2015-04-01", key: Self.memberKey)
            #expect(fromMember.status == 403)
            #expect(fromMember.code == "NoPermission")
        }
    }

    @Test("each account's rate limit is its own")
    func perAccountQuota() async throws {
        try await withEmulatorServer(Self.configuration()) { emulator in
            let first = try client(
                emulator, credentials: try await assumeRole(emulator, account: Self.members[0].accountId))
            let fourth = CSTestClient(
                endpoint: emulator.endpoint,
                credential: SigningCredential(accessKeyId: Self.memberKey.id, accessKeySecret: Self.memberKey.secret))
            for _ in 0..<Self.quota.burst {
                #expect(try await first.call("GET", "/api/v1/clusters").status == 200)
            }
            #expect(try await first.call("GET", "/api/v1/clusters").code == "Throttling.User")
            for _ in 0..<Self.quota.burst {
                #expect(try await fourth.call("GET", "/api/v1/clusters").status == 200)
            }
            #expect(try await fourth.call("GET", "/api/v1/clusters").code == "Throttling.User")
            let log = try await CSTestClient(emulator).unsigned("/_emulator/requests")
            #expect(log.json?["throttled"]?["DescribeClustersV1"] == 2)
            for _ in 0..<5 {
                #expect(try await CSTestClient(emulator).call("GET", "/api/v1/clusters").status == 200)
            }
        }
    }

    @Test("a member without a rate limit of its own has the management account's, in buckets of its own")
    func inheritedQuota() async throws {
        var configuration = Self.configuration()
        configuration.faults.all.rateLimit = RateLimit(perSecond: 0.001, burst: 1)
        configuration.organisation?.members[0].rateLimit = nil
        try await withEmulatorServer(configuration) { emulator in
            let management = CSTestClient(emulator)
            #expect(try await management.call("GET", "/api/v1/clusters").status == 200)
            #expect(try await management.call("GET", "/api/v1/clusters").code == "Throttling.User")
            let member = try client(
                emulator, credentials: try await assumeRole(emulator, account: Self.members[0].accountId))
            #expect(try await member.call("GET", "/api/v1/clusters").status == 200)
            #expect(try await member.call("GET", "/api/v1/clusters").code == "Throttling.User")
        }
    }

    @Test("the generated organisation nests folders, has an inactive member and one without its role")
    func generated() {
        let organisation = EmulatorOrganisation.generate(members: 6, clustersPerMember: 2)
        #expect(organisation.members.count == 6)
        #expect(organisation.members.allSatisfy { $0.accountId.count == 16 && $0.accountId.allSatisfy(\.isNumber) })
        #expect(Set(organisation.members.map(\.accountId)).count == 6)
        #expect(organisation.members.filter { $0.status == "PendingRemove" }.count == 1)
        #expect(organisation.members.filter { $0.role == .missing }.count == 1)
        #expect(organisation.rootFolder.id.hasPrefix("r-"))
        #expect(organisation.folders.allSatisfy { $0.id.hasPrefix("fd-") })
        #expect(organisation.folders.contains { $0.parentId != organisation.rootFolder.id })
        #expect(Set(organisation.members.map(\.fleet.seed)).count == 6)
        #expect(organisation == EmulatorOrganisation.generate(members: 6, clustersPerMember: 2))
    }
}
