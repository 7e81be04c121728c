import AlibabaCloud
import Audit
import Collection
import Foundation
import KubernetesAPI
import Logging

/// What a live collection found: every cluster's documents (decoded into evidence by the caller), the listing pages
/// as read, and the problems that did not stop it.
public struct LiveCollectionResult: Sendable {
    public var regions: [String]
    public var listingPages: [JSONValue]
    /// Regions whose listing failed: the audit is incomplete.
    public var failedRegions: [String: String]
    public var clusterCount: Int
}

/// Collects evidence live: the CS API (regions → listing → add-on instance) and each cluster's Kubernetes API,
/// with bounded concurrency. Only the calls the rule's layers need are made: no detail call (the listing carries
/// `meta_data`), no add-on call where the listing already decides (Flannel, exclusive ENI, not applicable).
public struct LiveCollector: Sendable {
    public let client: CSClient
    public let options: LiveCollectionOptions
    public let logger: Logger

    public init(client: CSClient, options: LiveCollectionOptions, logger: Logger = Logger(label: "ackguard.collect")) {
        self.client = client
        self.options = options
        self.logger = logger
    }

    /// Collects every cluster; `handle` receives each cluster's documents as soon as they are complete (in no
    /// particular order), `progress` the count done and the total.
    public func collect(
        handle: @escaping @Sendable (ClusterDocuments) async throws -> Void,
        progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) async throws -> LiveCollectionResult {
        let regions: [String]
        if let chosen = options.regions, !chosen.isEmpty {
            regions = chosen
        } else {
            regions = try await client.describeRegions().value.compactMap(\.regionId).sorted()
        }
        // Listing: one region after another would waste the latency; all at once is bounded by the region count.
        let collector = self
        var listings = await withTaskGroup(of: (String, Result<RegionListing, any Error>).self) { group in
            for region in regions {
                group.addTask {
                    do {
                        // Into a local first: `try await` inside the tuple literal is miscompiled in release builds
                        // (Swift 6.3): the group then hands the waiting task a corrupt result.
                        let listing = try await collector.listRegion(region)
                        return (region, .success(listing))
                    } catch {
                        return (region, .failure(error))
                    }
                }
            }
            var results: [String: Result<RegionListing, any Error>] = [:]
            for await (region, result) in group { results[region] = result }
            return results
        }
        var pages: [JSONValue] = []
        var failedRegions: [String: String] = [:]
        // Every listing entry of a cluster is one of its descriptions (a region listed twice has two), as the saved
        // folder's reader sees them, so that `--from` over what `collect` wrote gives the same findings. They wait for
        // their cluster's turn as JSON text, a fraction of the memory of the parsed tree.
        var descriptions: [String: [String]] = [:]
        var order: [String] = []
        for region in regions {
            switch listings.removeValue(forKey: region)! {
            case .success(let listing):
                pages += listing.pages
                for entry in listing.clusters {
                    if descriptions[entry.id] == nil { order.append(entry.id) }
                    descriptions[entry.id, default: []].append(entry.text)
                }
            case .failure(let error):
                failedRegions[region] = "\(error)"
                logger.warning("listing failed", metadata: ["region": "\(region)", "error": "\(error)"])
            }
        }
        let total = order.count
        progress(0, total)
        let counter = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func startNext() {
                guard next < order.count else { return }
                let objects = descriptions.removeValue(forKey: order[next])!.map { text in
                    // Text this collector wrote from a parsed value: it parses again.
                    (try? JSONValue.parse(text)) ?? .null
                }
                next += 1
                group.addTask {
                    let documents = await collectCluster(objects)
                    try await handle(documents)
                    progress(await counter.increment(), total)
                }
            }
            for _ in 0..<min(options.concurrency, order.count) { startNext() }
            while try await group.next() != nil { startNext() }
        }
        return LiveCollectionResult(
            regions: regions, listingPages: pages, failedRegions: failedRegions, clusterCount: total)
    }

    // MARK: - Listing

    /// Every listing page of a region. Page 1 gives the total; the other pages are read at once. Offset pages shift
    /// when a cluster is created or deleted while they are read, which could hide a cluster at a page boundary: when
    /// the total changed between pages, or the pages do not add up to it, the region is listed again (up to three
    /// passes) and the pages of every pass are returned, so each cluster that existed throughout is seen.
    func listRegion(_ region: String) async throws -> RegionListing {
        let pageSize = options.pageSize
        var listing = RegionListing(keepPages: options.keepListingPages)
        let passes = 3
        for _ in 0..<passes {
            let first = try await client.describeClustersV1Page(region: region, pageNumber: 1, pageSize: pageSize)
            guard let total = first.value.pageInfo?.totalCount else {
                // No total to plan with: page by page until a short page.
                for page in try await client.listClusters(region: region, pageSize: pageSize) {
                    try listing.add(page.raw, region: region)
                }
                return listing
            }
            let count = max(1, (total + pageSize - 1) / pageSize)
            guard count <= client.options.maxPages else {
                throw CSClientError.tooManyPages(action: "DescribeClustersV1", pages: client.options.maxPages)
            }
            var pass = [first.raw]
            if count > 1 {
                let client = client
                pass += try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
                    for number in 2...count {
                        group.addTask {
                            let page = try await client.describeClustersV1Page(
                                region: region, pageNumber: number, pageSize: pageSize)
                            return (number, page.raw)
                        }
                    }
                    var later: [Int: JSONValue] = [:]
                    for try await (number, page) in group { later[number] = page }
                    return (2...count).map { later[$0]! }
                }
            }
            var listed = 0
            var ids: Set<String> = []
            var stable = true
            for page in pass {
                let pageIds = try listing.add(page, region: region)
                listed += pageIds.count
                ids.formUnion(pageIds)
                if EvidenceDecoding.totalCount(ofPage: page) != total { stable = false }
            }
            if stable && listed == total && ids.count == total { return listing }
            logger.debug(
                "the listing changed while it was read; listing again",
                metadata: ["region": "\(region)", "total": "\(total)", "listed": "\(listed)"])
        }
        throw LiveCollectionError.listingUnstable(region: region, passes: passes)
    }

    /// The pages of one region's listing as read (when kept), and the cluster objects on them (repeats included)
    /// as compact JSON text.
    struct RegionListing: Sendable {
        var keepPages: Bool
        var pages: [JSONValue] = []
        var clusters: [(id: String, text: String)] = []
        var pageCount = 0

        /// Adds a page; returns the ids of its clusters.
        @discardableResult
        mutating func add(_ page: JSONValue, region: String) throws -> [String] {
            let objects: [JSONValue]
            do {
                objects = try EvidenceDecoding.clusterObjects(inListing: page, source: "clusters.json")
            } catch {
                let number = page["page_info"]?["page_number"]?.intValue ?? pageCount + 1
                throw LiveCollectionError.listingUnreadable(region: region, page: number, detail: "\(error)")
            }
            pageCount += 1
            if keepPages { pages.append(page) }
            // clusterObjects(inListing:) accepts only objects with a non-empty string cluster_id.
            let entries = objects.map { (id: $0["cluster_id"]!.stringValue!, text: $0.serialized()) }
            clusters += entries
            return entries.map(\.id)
        }
    }

    // MARK: - One cluster

    /// Collects one cluster from its listing object (a `DescribeClustersV1` item or a `DescribeClusterDetail`
    /// body): the same calls `collect` makes for it. Used to re-audit a cluster after a change.
    public func collect(cluster listing: JSONValue) async -> ClusterDocuments {
        await collectCluster([listing])
    }

    /// Collects one cluster from its listing entries (later ones win field by field).
    func collectCluster(_ listings: [JSONValue]) async -> ClusterDocuments {
        let id = listings.first?["cluster_id"]?.stringValue ?? ""
        var documents = ClusterDocuments(clusterId: id, descriptions: listings.map { ($0, "clusters.json") })
        let record = EvidenceDecoding.record(from: documents.descriptions)
        let region = record.regionId
        let preliminary = NetworkPolicySupportRule.evaluate(ClusterEvidence(record: record))
        if preliminary.status == .notApplicable { return documents }
        let listingDecides = preliminary.reason == .pluginFlannel || preliminary.reason == .pluginTerwayExclusiveENI
        if !listingDecides {
            documents.addons["terway-eniip"] = await addonDocument(clusterId: id, region: region)
        }
        let evidence = (try? documents.evidence()) ?? ClusterEvidence(record: record)
        let support = NetworkPolicySupportRule.evaluate(evidence)
        if support.status == .notApplicable { return documents }
        let isSharedENI = PluginProbe.isTerwaySharedENI(support)
        var files: [String] = []
        if isSharedENI { files += ["eni-config", "nodes"] }
        if options.readCoverage { files += ["namespaces", "networkpolicies", "pods"] }
        guard !files.isEmpty else { return documents }
        if case .none = options.kubernetes { return documents }
        documents.kubernetes = await kubernetesDocuments(record: record, files: files)
        return documents
    }

    /// GetClusterAddonInstance, or the error the API answered, as a document.
    func addonDocument(clusterId: String, region: String) async -> JSONValue {
        do {
            if let instance = try await client.getClusterAddonInstance(
                clusterId: clusterId, name: "terway-eniip", region: region)
            {
                return instance.raw
            }
            return ErrorDocuments.service(
                code: "AddonNotFound", message: "terway-eniip is not installed", requestId: nil, status: 404)
        } catch let error as ACSServiceError {
            return ErrorDocuments.service(
                code: error.code, message: error.message, requestId: error.requestId, status: error.httpStatus)
        } catch {
            return ErrorDocuments.service(code: "ClientError", message: "\(error)", requestId: nil, status: 0)
        }
    }

    // MARK: - Kubernetes

    /// The cluster's Kubernetes documents, or for each file the error that kept it unread. Access comes first (the
    /// temporary kubeconfig is a CS call, paced and retried like the others); `clusterTimeout` then bounds the
    /// reads from the cluster's own API, which is what may hang.
    func kubernetesDocuments(record: ClusterRecord, files: [String]) async -> [String: JSONValue] {
        let endpoint: KubernetesEndpoint
        do {
            endpoint = try await kubernetesEndpoint(record: record)
        } catch {
            let status = ErrorDocuments.status(for: error, doing: "get access to the Kubernetes API")
            return Dictionary(uniqueKeysWithValues: files.map { ($0, status) })
        }
        let deadline = options.clusterTimeout
        let collector = self
        let result = await withTaskGroup(of: [String: JSONValue]?.self) { group in
            group.addTask { await collector.readKubernetes(endpoint: endpoint, files: files) }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return nil
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
        if let result { return result }
        let seconds = Double(deadline.components.seconds) + Double(deadline.components.attoseconds) / 1e18
        let status = ErrorDocuments.kubernetesStatus(
            code: 504, reason: "Timeout",
            message: "the cluster's Kubernetes API did not answer within \(String(format: "%g", seconds)) s")
        return Dictionary(uniqueKeysWithValues: files.map { ($0, status) })
    }

    func readKubernetes(endpoint: KubernetesEndpoint, files: [String]) async -> [String: JSONValue] {
        let client: KubernetesClient
        do {
            client = try KubernetesClient(endpoint: endpoint, timeout: options.kubernetesCallTimeout)
        } catch {
            let status = ErrorDocuments.status(for: error, doing: "connect to the Kubernetes API")
            return Dictionary(uniqueKeysWithValues: files.map { ($0, status) })
        }
        var documents: [String: JSONValue] = [:]
        for file in files {
            if Task.isCancelled { break }
            do {
                switch file {
                case "eni-config":
                    documents[file] = try await client.get("/api/v1/namespaces/kube-system/configmaps/eni-config")
                case "nodes": documents[file] = try await client.list("/api/v1/nodes")
                case "namespaces": documents[file] = try await client.list("/api/v1/namespaces")
                case "networkpolicies":
                    documents[file] = try await client.list("/apis/networking.k8s.io/v1/networkpolicies")
                case "pods": documents[file] = try await client.list("/api/v1/pods")
                default: break
                }
            } catch {
                documents[file] = ErrorDocuments.status(for: error, doing: "read \(file)")
                if !ErrorDocuments.isPerResource(error) {
                    // The API server itself is unreachable: the other reads would fail the same way.
                    for rest in files where documents[rest] == nil { documents[rest] = documents[file] }
                    break
                }
            }
        }
        try? await client.shutdown()
        return documents
    }

    /// How this collector reaches a cluster's Kubernetes API: a temporary kubeconfig from
    /// DescribeClusterUserKubeconfig (held in memory only) or the matching context of the user's kubeconfig.
    public func kubernetesEndpoint(record: ClusterRecord) async throws -> KubernetesEndpoint {
        switch options.kubernetes {
        case .none:
            throw KubernetesError.invalidRequest("Kubernetes access is switched off")
        case .temporaryKubeconfig(let privateIP, let minutes):
            let response = try await client.describeClusterUserKubeconfig(
                clusterId: record.clusterId, region: record.regionId, privateIpAddress: privateIP,
                temporaryDurationMinutes: minutes)
            guard let yaml = response.value.config, !yaml.isEmpty else {
                throw KubernetesError.invalidResponse("DescribeClusterUserKubeconfig returned no kubeconfig")
            }
            return try Kubeconfig.parse(yaml: yaml, baseDirectory: nil).resolve(context: nil)
        case .kubeconfig(let kubeconfig, let context):
            let name = try KubeconfigMatcher.context(for: record, in: kubeconfig, only: context)
            return try kubeconfig.resolve(context: name)
        }
    }
}

/// Counts completed clusters across tasks.
actor Counter {
    var value = 0

    func increment() -> Int {
        value += 1
        return value
    }
}

enum PluginProbe {
    /// Rule 1 reached the Terway shared-ENI rows (7–11 or configmap-missing).
    static func isTerwaySharedENI(_ finding: Finding) -> Bool {
        switch finding.reason {
        case .configMapPolicyDisabled, .configMapPolicyEnabled, .configMapMissing, .addonPolicyDisabled,
            .addonPolicyEnabled, .policyStateUnknown:
            return true
        default:
            return false
        }
    }
}
