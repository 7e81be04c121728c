import AlibabaCloud
import AsyncHTTPClient
import Audit
import Foundation
import TestSupport

/// A change to the default test options.
enum OptionChange {
    case retry(RetryPolicy)
    case signatureVersion(SignatureVersion)
    case maxPages(Int)
    case maxBodyBytes(Int)
    case timeouts(connect: Duration, read: Duration)
    case noRateLimiting
    /// Use the real default endpoint (`https://cs.<region>.aliyuncs.com`).
    case defaultEndpoint

    func apply(to options: inout CSClientOptions) {
        switch self {
        case .retry(let policy): options.retry = policy
        case .signatureVersion(let version): options.signatureVersion = version
        case .maxPages(let pages): options.maxPages = pages
        case .maxBodyBytes(let bytes): options.maxBodyBytes = bytes
        case .timeouts(let connect, let read):
            options.connectTimeout = connect
            options.readTimeout = read
        case .noRateLimiting: options.rateLimiting = nil
        case .defaultEndpoint: options.endpoint = nil
        }
    }
}

/// Runs `body` with a `CSClient` pointed at `url`, signing with AccessKey `AKID` / `test-secret` by default; backoff
/// sleeps are instant (recorded by `runtime`).
func withCSClient<T: Sendable>(
    endpoint url: URL,
    runtime: TestRuntime = TestRuntime(),
    credential: ACSCredential = ACSCredential(
        accessKeyId: "AKID", accessKeySecret: "test-secret", providerName: "static_ak"),
    changes: [OptionChange] = [],
    _ body: (CSClient) async throws -> T
) async throws -> T {
    var options = CSClientOptions()
    options.endpoint = url
    options.runtime = runtime.runtime
    options.retry = RetryPolicy(maxAttempts: 4, maxTotalAttempts: 30, baseDelay: .milliseconds(100))
    for change in changes { change.apply(to: &options) }
    let httpClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: CSClient.httpClientConfiguration(for: options))
    let client = CSClient(httpClient: httpClient, credentials: StaticCredentialProvider(credential), options: options)
    return try await withCleanup {
        try await body(client)
    } cleanup: {
        try await httpClient.shutdown()
    }
}

/// A `DescribeClustersV1` page body with clusters `c-<first>` … `c-<first + count - 1>`, each created with
/// `terway-eniip` and `NetworkPolicy: "true"` in `meta_data` (a JSON string, as the API sends it).
func clusterPage(first: Int, count: Int, pageNumber: Int, pageSize: Int, total: Int?) -> String {
    let addonConfig = #"{\"NetworkPolicy\":\"true\"}"#
    let metaData = #"{"Addons":[{"name":"terway-eniip","config":"\#(addonConfig)"}]}"#
    let clusters = (0..<count).map { offset -> JSONValue in
        [
            "cluster_id": .string("c-\(first + offset)"), "name": .string("cluster \(first + offset)"),
            "cluster_type": "ManagedKubernetes", "meta_data": .string(metaData),
        ]
    }
    var pageInfo: JSONValue = ["page_number": .number(Double(pageNumber)), "page_size": .number(Double(pageSize))]
    if let total, case .object(var members) = pageInfo {
        members["total_count"] = .number(Double(total))
        pageInfo = .object(members)
    }
    let page: JSONValue = ["clusters": .array(clusters), "page_info": pageInfo]
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    do {
        return String(decoding: try encoder.encode(page), as: UTF8.self)
    } catch {
        preconditionFailure("encoding a JSONValue cannot fail: \(error)")
    }
}
