import AlibabaCloudSigning
public import AsyncHTTPClient
import Foundation
public import JSON
public import Logging
import NIOCore

/// The Container Service (CS, API version 2015-12-15, ROA) operations ackguard uses.
///
/// All calls of one client share one adaptive rate limiter per API action. Responses keep the exact JSON in
/// `CSResponse.raw`. The client does not own `httpClient`: the caller shuts it down.
public final class CSClient: Sendable {
    public let options: CSClientOptions
    private let transport: ACSTransport
    private let state: CSClientState

    public init(
        httpClient: HTTPClient,
        credentials: any CredentialProvider,
        options: CSClientOptions,
        logger: Logger = Logger(label: "ackguard.cs")
    ) {
        self.options = options
        self.state = CSClientState(limiterConfiguration: options.rateLimiting, runtime: options.runtime)
        self.transport = ACSTransport(
            httpClient: httpClient, credentials: credentials, options: options, logger: logger, state: state)
    }

    /// An `HTTPClient` configuration matching `options`: connect and read timeouts, no redirects, and a connection
    /// pool of `maxConnectionsPerHost` per endpoint.
    public static func httpClientConfiguration(for options: CSClientOptions) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        let connections = max(1, options.maxConnectionsPerHost)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        // A connection that cannot be made fails its calls at once; the transport's own retries (backoff, jitter,
        // the call's budget) then decide, instead of the pool retrying silently until the connect timeout: an
        // unreachable endpoint is reported in about a second rather than after attempts × connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = HTTPClient.Configuration.Timeout(
            connect: timeAmount(options.connectTimeout), read: timeAmount(options.readTimeout))
        configuration.redirectConfiguration = .disallow
        return configuration
    }

    /// Attempts per API action so far, retries included.
    public var callCounts: [String: Int] {
        get async { await state.callCounts }
    }

    /// The same attempts by outcome: `ok` (any answer but an error), `throttled`, `error` (another error answer) and
    /// `no-answer` (a timeout or a broken connection); the outcomes of an action add up to its ``callCounts``.
    public var callOutcomes: [String: [String: Int]] {
        get async {
            let attempts = await state.callCounts
            let failed = await state.failedAttempts
            var outcomes: [String: [String: Int]] = [:]
            for (action, count) in attempts {
                var byOutcome = failed[action] ?? [:]
                byOutcome["ok"] = max(0, count - byOutcome.values.reduce(0, +))
                outcomes[action] = byOutcome
            }
            return outcomes
        }
    }

    /// The most recent error of any call (an error answer, or an attempt that got none), for messages.
    public var lastError: String? {
        get async { await state.lastError }
    }

    /// Attempts per API action that got no HTTP answer (timeouts, connection failures), retried ones included.
    public var unansweredCounts: [String: Int] {
        get async { await state.unansweredCounts }
    }

    /// The adaptive rate limiter of an API action (created on first use); `nil` when rate limiting is off.
    public func rateLimiter(for action: String) async -> AdaptiveRateLimiter? {
        await state.limiter(for: action)
    }

    // MARK: - Operations

    /// `DescribeRegions`, `GET /regions` (account-wide endpoint).
    public func describeRegions() async throws -> CSResponse<[CSRegion]> {
        let operation = ACSOperation(
            action: "DescribeRegions", method: "GET", pathname: "/regions", region: nil, idempotent: true)
        let (raw, requestId) = try await json(operation)
        return CSResponse(value: CSRegion.list(from: raw), raw: raw, requestId: requestId)
    }

    /// `DescribeClustersV1`, `GET /api/v1/clusters?page_number&page_size&region_id`: one page.
    public func describeClustersV1Page(
        region: String,
        pageNumber: Int,
        pageSize: Int
    ) async throws -> CSResponse<CSClusterPage> {
        let action = "DescribeClustersV1"
        guard pageNumber >= 1, pageSize >= 1 else {
            throw CSClientError.invalidArgument(action: action, detail: "page_number and page_size must be >= 1")
        }
        let operation = ACSOperation(
            action: action, method: "GET", pathname: "/api/v1/clusters",
            query: ["page_number": String(pageNumber), "page_size": String(pageSize), "region_id": region],
            region: region, idempotent: true)
        let (raw, requestId) = try await json(operation)
        return CSResponse(value: CSClusterPage(json: raw), raw: raw, requestId: requestId)
    }

    /// Every page of `DescribeClustersV1` for a region. Stops when `page_info.total_count` clusters were collected
    /// (or, without a total, at a short or empty page); fails on a server that repeats pages or never ends
    /// (`maxPages`).
    public func listClusters(region: String, pageSize: Int = 50) async throws -> [CSResponse<CSClusterPage>] {
        let action = "DescribeClustersV1"
        var pages: [CSResponse<CSClusterPage>] = []
        var seen = Set<String>()
        var collected = 0
        var pageNumber = 1
        while true {
            guard pages.count < options.maxPages else {
                throw CSClientError.tooManyPages(action: action, pages: options.maxPages)
            }
            let page = try await describeClustersV1Page(region: region, pageNumber: pageNumber, pageSize: pageSize)
            pages.append(page)
            let clusters = page.value.clusters
            let ids = clusters.compactMap(\.clusterId)
            if pageNumber > 1, !ids.isEmpty, ids.allSatisfy(seen.contains) {
                throw CSClientError.paginationNotAdvancing(action: action, page: pageNumber)
            }
            seen.formUnion(ids)
            collected += clusters.count
            if clusters.isEmpty { break }
            if let total = page.value.pageInfo?.totalCount {
                if collected >= total { break }
            } else if clusters.count < pageSize {
                break
            }
            pageNumber += 1
        }
        return pages
    }

    /// `DescribeClusterDetail`, `GET /clusters/{cluster_id}`.
    public func describeClusterDetail(clusterId: String, region: String) async throws -> CSResponse<CSCluster> {
        let operation = ACSOperation(
            action: "DescribeClusterDetail", method: "GET",
            pathname: "/clusters/\(ACSOperation.pathParameter(clusterId))", region: region, idempotent: true)
        let (raw, requestId) = try await json(operation)
        return CSResponse(value: CSCluster(json: raw), raw: raw, requestId: requestId)
    }

    /// nil when the add-on is not installed: both paths answered `AddonNotFound` (or a 404 that is not about the
    /// cluster). The deprecated `DescribeClusterAddonInstance` is asked whenever the current one answers so, since
    /// one path may know an add-on the other does not.
    ///
    /// `GetClusterAddonInstance` is `GET /clusters/{cluster_id}/addon_instances/{name}`; the fallback is
    /// `GET /clusters/{cluster_id}/components/{name}/instance`. `ErrorClusterNotFound` is thrown, not `nil`.
    public func getClusterAddonInstance(
        clusterId: String,
        name: String,
        region: String
    ) async throws -> CSResponse<CSAddonInstance>? {
        let cluster = ACSOperation.pathParameter(clusterId)
        let addon = ACSOperation.pathParameter(name)
        let current = ACSOperation(
            action: "GetClusterAddonInstance", method: "GET",
            pathname: "/clusters/\(cluster)/addon_instances/\(addon)", region: region, idempotent: true)
        let deprecated = ACSOperation(
            action: "DescribeClusterAddonInstance", method: "GET",
            pathname: "/clusters/\(cluster)/components/\(addon)/instance", region: region, idempotent: true)
        for operation in [current, deprecated] {
            do {
                let (raw, requestId) = try await json(operation)
                return CSResponse(value: CSAddonInstance(json: raw), raw: raw, requestId: requestId)
            } catch let error as ACSServiceError where Self.isAddonAbsent(error) {
                continue
            }
        }
        return nil
    }

    /// `DescribeClusterUserKubeconfig`, `GET /k8s/{cluster_id}/user_config?PrivateIpAddress&TemporaryDurationMinutes`.
    /// The result holds credentials: never log or save it.
    public func describeClusterUserKubeconfig(
        clusterId: String,
        region: String,
        privateIpAddress: Bool,
        temporaryDurationMinutes: Int?
    ) async throws -> CSResponse<CSKubeconfig> {
        let action = "DescribeClusterUserKubeconfig"
        var query = ["PrivateIpAddress": privateIpAddress ? "true" : "false"]
        if let minutes = temporaryDurationMinutes {
            guard (15...4320).contains(minutes) else {
                throw CSClientError.invalidArgument(
                    action: action, detail: "TemporaryDurationMinutes must be 15...4320, got \(minutes)")
            }
            query["TemporaryDurationMinutes"] = String(minutes)
        }
        let operation = ACSOperation(
            action: action, method: "GET", pathname: "/k8s/\(ACSOperation.pathParameter(clusterId))/user_config",
            query: query, region: region, idempotent: true)
        let (raw, requestId) = try await json(operation)
        return CSResponse(value: CSKubeconfig(json: raw), raw: raw, requestId: requestId)
    }

    /// `DescribeClusterNodePools`, `GET /clusters/{cluster_id}/nodepools`.
    public func describeClusterNodePools(clusterId: String, region: String) async throws -> CSResponse<JSONValue> {
        let operation = ACSOperation(
            action: "DescribeClusterNodePools", method: "GET",
            pathname: "/clusters/\(ACSOperation.pathParameter(clusterId))/nodepools", region: region,
            idempotent: true)
        let (raw, requestId) = try await json(operation)
        return CSResponse(value: raw, raw: raw, requestId: requestId)
    }

    /// `ModifyClusterAddon`, `POST /clusters/{cluster_id}/components/{component_id}/config` with `{"config": …}`.
    /// The service merges `config` into the stored configuration, so repeating the call is harmless. Returns the
    /// request id (the API returns no body and no task id).
    public func modifyClusterAddon(
        clusterId: String,
        componentId: String,
        config: String,
        region: String
    ) async throws -> String? {
        let operation = ACSOperation(
            action: "ModifyClusterAddon", method: "POST",
            pathname: "/clusters/\(ACSOperation.pathParameter(clusterId))/components/"
                + "\(ACSOperation.pathParameter(componentId))/config",
            body: try Self.encode(["config": JSONValue.string(config)]), region: region, idempotent: true)
        let response = try await transport.send(operation)
        return response.requestId
    }

    /// `DescribeClusterAddonsUpgradeStatus`, `GET /clusters/{cluster_id}/components/upgradestatus?componentIds=[…]`
    /// (`componentIds` is a JSON-encoded array string).
    public func describeClusterAddonsUpgradeStatus(
        clusterId: String,
        componentIds: [String],
        region: String
    ) async throws -> CSResponse<JSONValue> {
        let ids = try Self.encode(JSONValue.array(componentIds.map(JSONValue.string)))
        let operation = ACSOperation(
            action: "DescribeClusterAddonsUpgradeStatus", method: "GET",
            pathname: "/clusters/\(ACSOperation.pathParameter(clusterId))/components/upgradestatus",
            query: ["componentIds": String(decoding: ids, as: UTF8.self)], region: region, idempotent: true)
        let (raw, requestId) = try await json(operation)
        return CSResponse(value: raw, raw: raw, requestId: requestId)
    }

    /// `CreateCluster`, `POST /clusters`. Retried after network errors or 5xx only when the body carries a
    /// `client_token` (the service's idempotency key).
    public func createCluster(body: JSONValue, region: String) async throws -> CSResponse<JSONValue> {
        let operation = ACSOperation(
            action: "CreateCluster", method: "POST", pathname: "/clusters", body: try Self.encode(body),
            region: region, idempotent: body["client_token"]?.stringValue?.isEmpty == false)
        let (raw, requestId) = try await json(operation)
        return CSResponse(value: raw, raw: raw, requestId: requestId)
    }

    /// `DescribeTaskInfo`, `GET /tasks/{task_id}`.
    public func describeTaskInfo(taskId: String, region: String) async throws -> CSResponse<JSONValue> {
        let operation = ACSOperation(
            action: "DescribeTaskInfo", method: "GET", pathname: "/tasks/\(ACSOperation.pathParameter(taskId))",
            region: region, idempotent: true)
        let (raw, requestId) = try await json(operation)
        return CSResponse(value: raw, raw: raw, requestId: requestId)
    }

    // MARK: - Helpers

    /// Sends and parses the JSON body; a 2xx answer that is not JSON is an `invalidResponse`.
    private func json(_ operation: ACSOperation) async throws -> (JSONValue, String?) {
        let response = try await transport.send(operation)
        guard let raw = JSONValue.parse(response.body) else {
            throw CSClientError.invalidResponse(
                action: operation.action, status: response.status, detail: "body is not JSON: \(response.snippet)")
        }
        return (raw, response.headers["x-acs-request-id"] ?? ACSHTTPResponse.requestId(in: raw))
    }

    static func encode(_ value: JSONValue) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// `AddonNotFound`, or a 404 that is not about the cluster (a path the endpoint does not serve).
    static func isAddonAbsent(_ error: ACSServiceError) -> Bool {
        isAddonNotFound(error) || (error.httpStatus == 404 && !isClusterNotFound(error))
    }

    static func isAddonNotFound(_ error: ACSServiceError) -> Bool {
        error.code == "AddonNotFound" || error.code.hasSuffix(".AddonNotFound")
    }

    static func isClusterNotFound(_ error: ACSServiceError) -> Bool {
        error.code == "ErrorClusterNotFound" || error.code.contains("ClusterNotFound")
    }
}
