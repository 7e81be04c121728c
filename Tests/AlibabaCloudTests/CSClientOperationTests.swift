import AlibabaCloud
import AlibabaCloudSigning
import Audit
import Foundation
import Testing

@Suite("CS client operations against a signature-verifying fake server")
struct CSClientOperationTests {
    @Test(arguments: SignatureVersion.allCases)
    func describeRegionsIsSignedAndDecoded(version: SignatureVersion) async throws {
        let body =
            #"{"regions":[{"regionId":"cn-hangzhou","localName":"华东1"},{"regionId":"eu-central-1"}],"#
            + #""requestId":"req-regions","extra":{"kept":true}}"#
        let server = FakeCSServer { _, _ in .json(body) }
        try await server.serve { url in
            let response = try await withCSClient(endpoint: url, changes: [.signatureVersion(version)]) {
                try await $0.describeRegions()
            }
            #expect(response.value.map(\.regionId) == ["cn-hangzhou", "eu-central-1"])
            #expect(response.value.first?.localName == "华东1")
            #expect(response.requestId == "req-regions")
            #expect(response.raw["extra"]?["kept"] == .bool(true))

            let request = try #require(server.received.first)
            #expect(request.signatureValid)
            #expect(request.method == "GET")
            #expect(request.path == "/regions")
            #expect(request.headers["host"] == "\(url.host ?? ""):\(url.port ?? 0)")
            #expect(request.headers["x-acs-action"] == "DescribeRegions")
            #expect(request.headers["x-acs-version"] == "2015-12-15")
            #expect(request.headers["accept"] == "application/json")
            switch version {
            case .v3: #expect(request.headers["authorization"]?.hasPrefix("ACS3-HMAC-SHA256 Credential=AKID,") == true)
            case .roa: #expect(request.headers["authorization"]?.hasPrefix("acs AKID:") == true)
            }
        }
    }

    @Test func wrongSecretIsRejectedByTheVerifier() async throws {
        let server = FakeCSServer { _, _ in .json("{}") }
        try await server.serve { url in
            let wrong = ACSCredential(accessKeyId: "AKID", accessKeySecret: "not-the-secret", providerName: "static_ak")
            let error = await #expect(throws: ACSServiceError.self) {
                try await withCSClient(endpoint: url, credential: wrong) { try await $0.describeRegions() }
            }
            #expect(error?.code == "SignatureDoesNotMatch")
            #expect(error?.httpStatus == 400)
            #expect(server.received.count == 1)
            #expect(server.received.first?.signatureValid == false)
        }
    }

    @Test func stsTokenIsSentAndSigned() async throws {
        let server = FakeCSServer(secrets: ["STS.id": "sts-secret"]) { _, _ in .json(#"{"task_id":"T1"}"#) }
        try await server.serve { url in
            let sts = ACSCredential(
                accessKeyId: "STS.id", accessKeySecret: "sts-secret", securityToken: "token/+=",
                expiration: Date(timeIntervalSince1970: 2_000_000_000), providerName: "ecs_ram_role")
            let response = try await withCSClient(endpoint: url, credential: sts) {
                try await $0.describeTaskInfo(taskId: "T-1/x", region: "cn-hangzhou")
            }
            #expect(response.value["task_id"] == "T1")
            let request = try #require(server.received.first)
            #expect(request.signatureValid)
            #expect(request.path == "/tasks/T-1%2Fx")
            #expect(request.headers["x-acs-security-token"] == "token/+=")
            #expect(request.headers["x-acs-accesskey-id"] == "STS.id")
        }
    }

    @Test func paginationFollowsTotalCountAcrossPages() async throws {
        let server = FakeCSServer { request, _ in
            let page = Int(request.query["page_number"] ?? "") ?? 0
            let size = Int(request.query["page_size"] ?? "") ?? 0
            let count = min(size, max(0, 7 - (page - 1) * size))
            return .json(
                clusterPage(first: (page - 1) * size, count: count, pageNumber: page, pageSize: size, total: 7))
        }
        try await server.serve { url in
            let pages = try await withCSClient(endpoint: url) { client in
                let pages = try await client.listClusters(region: "cn-hangzhou", pageSize: 3)
                #expect(await client.callCounts == ["DescribeClustersV1": 3])
                return pages
            }
            #expect(pages.count == 3)
            let ids = pages.flatMap { $0.value.clusters.compactMap(\.clusterId) }
            #expect(ids == (0..<7).map { "c-\($0)" })
            #expect(pages.last?.value.pageInfo?.totalCount == 7)
            #expect(server.received.map { $0.query["page_number"] } == ["1", "2", "3"])
            #expect(server.received.allSatisfy { $0.query["region_id"] == "cn-hangzhou" && $0.signatureValid })
            #expect(server.received.allSatisfy { $0.path == "/api/v1/clusters" })
            let addons = pages[0].value.clusters[0].metaDataAddons
            #expect(addons.first?.name == "terway-eniip")
            #expect(addons.first?.configValues?["NetworkPolicy"] == "true")
        }
    }

    @Test func paginationWithoutTotalStopsAtAShortPage() async throws {
        let server = FakeCSServer { request, _ in
            let page = Int(request.query["page_number"] ?? "") ?? 0
            return .json(
                clusterPage(first: page * 10, count: page == 1 ? 2 : 1, pageNumber: page, pageSize: 2, total: nil))
        }
        try await server.serve { url in
            let pages = try await withCSClient(endpoint: url) {
                try await $0.listClusters(region: "cn-beijing", pageSize: 2)
            }
            #expect(pages.count == 2)
            #expect(server.received.count == 2)
        }
    }

    @Test func neverEndingServerIsCutOffAtMaxPages() async throws {
        let server = FakeCSServer { request, _ in
            let page = Int(request.query["page_number"] ?? "") ?? 0
            return .json(clusterPage(first: page * 100, count: 2, pageNumber: page, pageSize: 2, total: 1_000_000))
        }
        try await server.serve { url in
            let error = await #expect(throws: CSClientError.self) {
                try await withCSClient(endpoint: url, changes: [.maxPages(5)]) {
                    try await $0.listClusters(region: "cn-hangzhou", pageSize: 2)
                }
            }
            guard case .tooManyPages(let action, let pages)? = error else {
                Issue.record("expected tooManyPages, got \(String(describing: error))")
                return
            }
            #expect(action == "DescribeClustersV1")
            #expect(pages == 5)
            #expect(server.received.count == 5)
        }
    }

    @Test func serverIgnoringPageNumberIsDetected() async throws {
        let server = FakeCSServer { _, _ in
            .json(clusterPage(first: 0, count: 2, pageNumber: 1, pageSize: 2, total: 50))
        }
        try await server.serve { url in
            let error = await #expect(throws: CSClientError.self) {
                try await withCSClient(endpoint: url) { try await $0.listClusters(region: "cn-hangzhou", pageSize: 2) }
            }
            guard case .paginationNotAdvancing(_, let page)? = error else {
                Issue.record("expected paginationNotAdvancing, got \(String(describing: error))")
                return
            }
            #expect(page == 2)
            #expect(server.received.count == 2)
        }
    }

    @Test func addonInstanceFromTheCurrentPath() async throws {
        let server = FakeCSServer { _, _ in
            .json(
                #"{"name":"terway-eniip","version":"v1.9.0","state":"active","config":"{\"NetworkPolicy\":\"true\"}"}"#)
        }
        try await server.serve { url in
            let response = try await withCSClient(endpoint: url) {
                try await $0.getClusterAddonInstance(clusterId: "c1", name: "terway-eniip", region: "cn-hangzhou")
            }
            let addon = try #require(response?.value)
            #expect(addon.state == "active")
            #expect(addon.configValues?["NetworkPolicy"] == "true")
            #expect(server.received.map(\.path) == ["/clusters/c1/addon_instances/terway-eniip"])
            #expect(server.received.first?.action == "GetClusterAddonInstance")
        }
    }

    @Test func addonInstanceFallsBackToTheDeprecatedPathOn404() async throws {
        let server = FakeCSServer { request, _ in
            if request.path.contains("/addon_instances/") {
                return .error(status: 404, code: "NotFound", message: "route not found", pascalCase: true)
            }
            return .json(#"{"name":"terway-eniip","version":"v1.2","state":"active","config":""}"#)
        }
        try await server.serve { url in
            let response = try await withCSClient(endpoint: url) { client in
                let response = try await client.getClusterAddonInstance(
                    clusterId: "c1", name: "terway-eniip", region: "cn-hangzhou")
                #expect(
                    await client.callCounts == ["GetClusterAddonInstance": 1, "DescribeClusterAddonInstance": 1])
                return response
            }
            #expect(response?.value.version == "v1.2")
            #expect(
                server.received.map(\.path) == [
                    "/clusters/c1/addon_instances/terway-eniip", "/clusters/c1/components/terway-eniip/instance",
                ])
            #expect(server.received.last?.action == "DescribeClusterAddonInstance")
            #expect(server.received.allSatisfy { $0.signatureValid })
        }
    }

    @Test func addonNotFoundAsksTheDeprecatedPathToo() async throws {
        let server = FakeCSServer { request, _ in
            if request.path.contains("/addon_instances/") { return .error(status: 404, code: "AddonNotFound") }
            return .json(#"{"name":"terway-eniip","version":"v1.9","state":"active","config":"{}"}"#)
        }
        try await server.serve { url in
            let response = try await withCSClient(endpoint: url) {
                try await $0.getClusterAddonInstance(clusterId: "c1", name: "terway-eniip", region: "cn-hangzhou")
            }
            #expect(response?.value.version == "v1.9")
            #expect(server.received.map(\.action) == ["GetClusterAddonInstance", "DescribeClusterAddonInstance"])
        }
    }

    @Test func addonNotFoundOnBothPathsIsNil() async throws {
        let server = FakeCSServer { _, _ in .error(status: 404, code: "AddonNotFound") }
        try await server.serve { url in
            let response = try await withCSClient(endpoint: url) {
                try await $0.getClusterAddonInstance(clusterId: "c1", name: "flannel", region: "cn-hangzhou")
            }
            #expect(response == nil)
            #expect(server.received.count == 2)
        }
    }

    @Test func addonMissingOnBothPathsIsNil() async throws {
        let server = FakeCSServer { _, _ in .json("not found", status: 404) }
        try await server.serve { url in
            let response = try await withCSClient(endpoint: url) {
                try await $0.getClusterAddonInstance(clusterId: "c1", name: "terway-eniip", region: "cn-hangzhou")
            }
            #expect(response == nil)
            #expect(server.received.count == 2)
        }
    }

    @Test func clusterNotFoundIsAnErrorNotAMissingAddon() async throws {
        let server = FakeCSServer { _, _ in .error(status: 404, code: "ErrorClusterNotFound") }
        try await server.serve { url in
            let error = await #expect(throws: ACSServiceError.self) {
                try await withCSClient(endpoint: url) {
                    try await $0.getClusterAddonInstance(clusterId: "gone", name: "terway-eniip", region: "cn-hangzhou")
                }
            }
            #expect(error?.code == "ErrorClusterNotFound")
        }
    }

    @Test func clusterDetailAcceptsMetaDataAsStringOrObject() async throws {
        let server = FakeCSServer { request, _ in
            if request.path.hasSuffix("/c-string") {
                return .json(
                    #"{"cluster_id":"c-string","meta_data":"{\"Capabilities\":{\"Network\":\"terway-eniip\"}}","#
                        + #""size":"3","parameters":{"ProxyMode":"ipvs","Count":2}}"#
                )
            }
            return .json(#"{"cluster_id":"c-object","meta_data":{"Capabilities":{"Network":"Flannel"}},"size":3}"#)
        }
        try await server.serve { url in
            try await withCSClient(endpoint: url) { client in
                let viaString = try await client.describeClusterDetail(clusterId: "c-string", region: "cn-hangzhou")
                #expect(viaString.value.capabilities?["Network"] == "terway-eniip")
                #expect(viaString.value.size == 3)
                #expect(viaString.value.parameters == ["ProxyMode": "ipvs", "Count": "2"])
                #expect(viaString.raw["meta_data"]?.stringValue?.contains("Capabilities") == true)
                let viaObject = try await client.describeClusterDetail(clusterId: "c-object", region: "cn-hangzhou")
                #expect(viaObject.value.capabilities?["Network"] == "Flannel")
            }
        }
    }

    @Test func kubeconfigQueryAndRedaction() async throws {
        let server = FakeCSServer { _, _ in
            .json(
                #"{"config":"apiVersion: v1\nusers:\n- name: u\n  user:\n    token: SECRET-TOKEN\n","#
                    + #""expiration":"2030-01-01T00:00:00Z"}"#
            )
        }
        try await server.serve { url in
            try await withCSClient(endpoint: url) { client in
                let response = try await client.describeClusterUserKubeconfig(
                    clusterId: "c1", region: "cn-hangzhou", privateIpAddress: true, temporaryDurationMinutes: 60)
                #expect(response.value.config?.contains("SECRET-TOKEN") == true)
                #expect(!"\(response.value)".contains("SECRET-TOKEN"))
                #expect(response.value.expirationDate == Date(timeIntervalSince1970: 1_893_456_000))
                let request = try #require(server.received.first)
                #expect(request.path == "/k8s/c1/user_config")
                #expect(request.query == ["PrivateIpAddress": "true", "TemporaryDurationMinutes": "60"])

                await #expect(throws: CSClientError.self) {
                    try await client.describeClusterUserKubeconfig(
                        clusterId: "c1", region: "cn-hangzhou", privateIpAddress: false, temporaryDurationMinutes: 5)
                }
                #expect(server.received.count == 1)
            }
        }
    }

    @Test func modifyAddonSendsConfigBodyAndReturnsRequestId() async throws {
        let server = FakeCSServer { _, _ in
            FakeReply(status: 200, body: "", headers: ["x-acs-request-id": "req-modify"])
        }
        try await server.serve { url in
            let requestId = try await withCSClient(endpoint: url) {
                try await $0.modifyClusterAddon(
                    clusterId: "c1", componentId: "terway-eniip", config: #"{"NetworkPolicy":"true"}"#,
                    region: "cn-hangzhou")
            }
            #expect(requestId == "req-modify")
            let request = try #require(server.received.first)
            #expect(request.signatureValid)
            #expect(request.method == "POST")
            #expect(request.path == "/clusters/c1/components/terway-eniip/config")
            #expect(request.headers["content-type"] == "application/json; charset=utf-8")
            #expect(String(decoding: request.body, as: UTF8.self) == #"{"config":"{\"NetworkPolicy\":\"true\"}"}"#)
        }
    }

    @Test func upgradeStatusNodePoolsAndCreateCluster() async throws {
        let server = FakeCSServer { request, _ in
            switch request.action {
            case "DescribeClusterAddonsUpgradeStatus":
                return .json(#"{"terway-eniip":{"tasks":{"status":"Success"}}}"#)
            case "DescribeClusterNodePools": return .json(#"{"nodepools":[{"nodepool_info":{"name":"default"}}]}"#)
            case "CreateCluster": return .json(#"{"cluster_id":"c-new","task_id":"T-9","request_id":"req-create"}"#)
            default: return .error(status: 400, code: "UnexpectedAction")
            }
        }
        try await server.serve { url in
            try await withCSClient(endpoint: url) { client in
                let status = try await client.describeClusterAddonsUpgradeStatus(
                    clusterId: "c1", componentIds: ["terway-eniip", "a/b"], region: "cn-hangzhou")
                #expect(status.value["terway-eniip"]?["tasks"]?["status"] == "Success")
                #expect(server.received.last?.query["componentIds"] == #"["terway-eniip","a/b"]"#)
                #expect(server.received.last?.path == "/clusters/c1/components/upgradestatus")

                let pools = try await client.describeClusterNodePools(clusterId: "c1", region: "cn-hangzhou")
                #expect(pools.value["nodepools"]?[0]?["nodepool_info"]?["name"] == "default")
                #expect(server.received.last?.path == "/clusters/c1/nodepools")

                let created = try await client.createCluster(
                    body: ["name": "np-test", "addons": [["name": "terway-eniip", "config": "{}"]]],
                    region: "cn-hangzhou")
                #expect(created.value["task_id"] == "T-9")
                #expect(created.requestId == "req-create")
                let sent = try #require(server.received.last)
                #expect(sent.method == "POST" && sent.path == "/clusters" && sent.signatureValid)
                #expect(
                    String(decoding: sent.body, as: UTF8.self)
                        == #"{"addons":[{"config":"{}","name":"terway-eniip"}],"name":"np-test"}"#)
            }
        }
    }

    @Test func specialCharactersInQueryAndPathSurviveTheWire() async throws {
        let server = FakeCSServer { _, _ in .json(#"{"ok":true}"#) }
        try await server.serve { url in
            try await withCSClient(endpoint: url) { client in
                _ = try await client.describeClusterAddonsUpgradeStatus(
                    clusterId: "测试 集群*~+", componentIds: ["名字 +*~/%"], region: "cn-hangzhou")
            }
            let request = try #require(server.received.first)
            #expect(request.signatureValid)
            #expect(request.path == "/clusters/%E6%B5%8B%E8%AF%95%20%E9%9B%86%E7%BE%A4%2A~%2B/components/upgradestatus")
            #expect(request.query["componentIds"] == #"["名字 +*~/%"]"#)
        }
    }
}
