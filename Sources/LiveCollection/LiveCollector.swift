public import AlibabaCloud
public import Audit
import BoundedConcurrency
public import Evidence
import Foundation
public import KubernetesAPI
public import Logging

/// What a live collection found: every cluster's documents (decoded into evidence by the caller), the listing pages
/// as read, and the problems that did not stop it.
public struct LiveCollectionResult: Sendable {
    public var regions: [String]
    public var listingPages: [JSONValue]
    /// Regions whose listing failed, or may miss clusters (no consistent pass), with why: the audit is incomplete.
    public var failedRegions: [String: String]
    public var clusterCount: Int
}

/// The listing half of a live collection (``LiveCollector/list()``): every cluster listed, not yet collected.
public struct LiveListing: Sendable {
    public var regions: [String]
    public var listingPages: [JSONValue] = []
    /// Regions whose listing failed, or may miss clusters, with why.
    public var failedRegions: [String: String] = [:]
    /// Each cluster's listing entries (a region listed twice gives two), in listing order.
    public var clusters: [[JSONValue]] = []
    /// The run's deadline the clusters are collected within (`--max-duration`), if any.
    public var deadline: ContinuousClock.Instant?
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
        var listing = try await list()
        let total = listing.clusters.count
        progress(0, total)
        let counter = Counter()
        let collector = self
        let deadline = listing.deadline
        // Each cluster's listing entries are handed over (and dropped here) when it starts.
        _ = try await boundedFanOut(count: total, width: options.concurrency) { index in
            let entries = listing.clusters[index]
            listing.clusters[index] = []
            return {
                let documents = await collector.collect(listed: entries, before: deadline)
                try await handle(documents)
                progress(await counter.increment(), total)
            }
        }
        return LiveCollectionResult(
            regions: listing.regions, listingPages: listing.listingPages, failedRegions: listing.failedRegions,
            clusterCount: total)
    }

    /// The first half of ``collect(handle:progress:)``: the regions the account can use and every cluster listed in
    /// them, each with its listing entries, not yet collected. ``collect(listed:before:)`` is the second half, one
    /// cluster at a time, so that a caller can interleave the clusters of several accounts.
    public func list() async throws -> LiveListing {
        // The regions the account can use; chosen ones are checked against them, so a typo is an error, not an
        // empty success.
        let available = Set(try await client.describeRegions().value.compactMap(\.regionId))
        var regions = available.sorted()
        if let chosen = options.regions, !chosen.isEmpty {
            let unknown = Set(chosen).subtracting(available).sorted()
            guard unknown.isEmpty else {
                throw LiveCollectionError.unknownRegions(unknown, available: available.sorted())
            }
            regions = Set(chosen).sorted()
        }
        // Listing: one region after another would waste the latency; all at once is bounded by the region count.
        let collector = self
        // The run's deadline: as set for the whole run (several accounts share one), else `maxDuration` from now.
        let deadline = options.deadline ?? options.maxDuration.map { ContinuousClock.now.advanced(by: $0) }
        let listings = await boundedFanOut(regions, width: regions.count) { region in
            await collector.listRegion(region, before: deadline)
        }
        var result = LiveListing(regions: regions, deadline: deadline)
        // Every listing entry of a cluster is one of its descriptions (a region listed twice has two), as the saved
        // folder's reader sees them, so that `--from` over what `collect` wrote gives the same findings.
        var descriptions: [String: [JSONValue]] = [:]
        var order: [String] = []
        for (region, listing) in zip(regions, listings) {
            switch listing {
            case .success(let listing):
                result.listingPages += listing.pages
                for entry in listing.clusters {
                    if descriptions[entry.id] == nil { order.append(entry.id) }
                    descriptions[entry.id, default: []].append(entry.object)
                }
                if let problem = listing.problem {
                    result.failedRegions[region] = problem.description
                    logger.warning("listing incomplete", metadata: ["region": "\(region)", "error": "\(problem)"])
                }
            case .failure(let error):
                result.failedRegions[region] = "\(error)"
                logger.warning("listing failed", metadata: ["region": "\(region)", "error": "\(error)"])
            }
        }
        result.clusters = order.map { descriptions.removeValue(forKey: $0)! }
        return result
    }

    /// One cluster of a ``LiveListing`` (its listing entries), collected as ``collect(handle:progress:)`` does,
    /// within the listing's `deadline`.
    public func collect(listed entries: [JSONValue], before deadline: ContinuousClock.Instant?) async
        -> ClusterDocuments
    {
        await collectCluster(entries, before: deadline)
    }

    // MARK: - Listing

    /// Every cluster of a region's listing, paged by what the server answers rather than what was asked: the real
    /// API's default and maximum page sizes are not documented, so the first page's items (and `page_info`) tell the
    /// page size the server applies, and `total_count` how many pages to read; the others are read at once.
    ///
    /// Offset pages shift when a cluster is created or deleted while they are read, which could hide a cluster at a
    /// page boundary. A pass is consistent when every page reports the same total, every page but the last is full,
    /// and the pages hold exactly `total` distinct clusters; otherwise the region is listed again, up to three passes.
    /// Every cluster seen in any pass is kept (one deleted meanwhile is then audited as deleted). When no pass is
    /// consistent, the clusters seen are still kept and the region is reported incomplete.
    func listRegion(_ region: String) async throws -> RegionListing {
        try await listRegionPasses(region)
    }

    /// ``listRegion(_:)`` within the run's deadline: a region not listed by then is a failed region.
    func listRegion(_ region: String, before deadline: ContinuousClock.Instant?) async -> Result<
        RegionListing, any Error
    > {
        let collector = self
        let work: @Sendable () async -> Result<RegionListing, any Error> = {
            do {
                return .success(try await collector.listRegionPasses(region))
            } catch {
                return .failure(error)
            }
        }
        guard let deadline else { return await work() }
        return await withTimeLimit(ContinuousClock.now.duration(to: deadline), work)
            ?? .failure(
                LiveCollectionError.deadline(what: "the cluster listing of \(region)", limit: options.maxDuration))
    }

    func listRegionPasses(_ region: String) async throws -> RegionListing {
        var listing = RegionListing(keepPages: options.keepListingPages)
        let passes = 3
        for _ in 0..<passes {
            if try await listPass(region, into: &listing) { return listing }
        }
        let seen = Set(listing.clusters.map(\.id)).count
        listing.problem = LiveCollectionError.listingUnstable(region: region, passes: passes, seen: seen)
        return listing
    }

    /// One pass over a region's listing; true when it was consistent (see ``listRegion(_:)``).
    func listPass(_ region: String, into listing: inout RegionListing) async throws -> Bool {
        let requested = max(1, options.pageSize)
        let first = try await client.describeClustersV1Page(region: region, pageNumber: 1, pageSize: requested)
        let firstIds = try listing.add(first.raw, region: region)
        guard let total = EvidenceDecoding.totalCount(ofPage: first.raw), total >= 0 else {
            return try await listWithoutTotal(region, firstIds: firstIds, into: &listing)
        }
        if total <= firstIds.count {
            let consistent = total == firstIds.count && Set(firstIds).count == total
            if !consistent { logUnstable(region, total: total, listed: firstIds.count) }
            return consistent
        }
        // More than one page: the first page's length is the page size the server applies.
        let served = firstIds.count
        guard served > 0 else {
            logUnstable(region, total: total, listed: 0)
            return false
        }
        let count = (total + served - 1) / served
        guard count <= client.options.maxPages else {
            throw CSClientError.tooManyPages(action: "DescribeClustersV1", pages: client.options.maxPages)
        }
        let client = client
        // Pages 2 through `count`, all at once, in page order.
        let later = try await boundedFanOut(count: count - 1, width: count - 1) { index in
            { try await client.describeClustersV1Page(region: region, pageNumber: index + 2, pageSize: requested).raw }
        }
        var ids = firstIds
        var consistent = true
        for (offset, page) in later.enumerated() {
            let number = offset + 2
            let pageIds = try listing.add(page, region: region)
            ids += pageIds
            let expected = number < count ? served : total - served * (count - 1)
            if EvidenceDecoding.totalCount(ofPage: page) != total || pageIds.count != expected { consistent = false }
        }
        if consistent && ids.count == total && Set(ids).count == total { return true }
        logUnstable(region, total: total, listed: ids.count)
        return false
    }

    /// A listing without `total_count`: page by page until an empty page or one shorter than the first (the page
    /// size the server applies); a server that answers the same clusters again is an error, not an endless loop.
    func listWithoutTotal(_ region: String, firstIds: [String], into listing: inout RegionListing) async throws
        -> Bool
    {
        let requested = max(1, options.pageSize)
        var seen = Set(firstIds)
        var last = firstIds.count
        var number = 1
        while last > 0 && last >= firstIds.count {
            number += 1
            guard number <= client.options.maxPages else {
                throw CSClientError.tooManyPages(action: "DescribeClustersV1", pages: client.options.maxPages)
            }
            let page = try await client.describeClustersV1Page(region: region, pageNumber: number, pageSize: requested)
            let ids = try listing.add(page.raw, region: region)
            if !ids.isEmpty && ids.allSatisfy(seen.contains) {
                throw CSClientError.paginationNotAdvancing(action: "DescribeClustersV1", page: number)
            }
            seen.formUnion(ids)
            last = ids.count
        }
        return true
    }

    func logUnstable(_ region: String, total: Int, listed: Int) {
        logger.debug(
            "the listing changed while it was read; listing again",
            metadata: ["region": "\(region)", "total": "\(total)", "listed": "\(listed)"])
    }

    /// The pages of one region's listing as read (when kept), and the cluster objects on them (repeats included).
    struct RegionListing: Sendable {
        var keepPages: Bool
        var pages: [JSONValue] = []
        var clusters: [(id: String, object: JSONValue)] = []
        var pageCount = 0
        /// Why the listing may miss clusters (no consistent pass); the clusters seen are kept all the same.
        var problem: LiveCollectionError?

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
            let entries = objects.map { (id: $0["cluster_id"]!.stringValue!, object: $0) }
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

    /// Collects one cluster from its listing entries (later ones win field by field): the calls the rules say the
    /// cluster needs (``EvidenceNeeds``), asked again once the add-on API has answered.
    func collectCluster(_ listings: [JSONValue]) async -> ClusterDocuments {
        let id = listings.first?["cluster_id"]?.stringValue ?? ""
        var documents = ClusterDocuments(clusterId: id, descriptions: listings.map { ($0, Self.listingSource) })
        let record = EvidenceDecoding.record(from: documents.descriptions)
        let readCoverage = options.readCoverage
        if EvidenceNeeds.of(ClusterEvidence(record: record), readCoverage: readCoverage).addonInstance {
            documents.addons["terway-eniip"] = await addonDocument(clusterId: id, region: record.regionId)
            documents.sources[ClusterDocuments.addonPath(clusterId: id, name: "terway-eniip")] =
                "GET /clusters/\(id)/addon_instances/terway-eniip"
        }
        let evidence = (try? documents.evidence()) ?? ClusterEvidence(record: record)
        let files = EvidenceNeeds.of(evidence, readCoverage: readCoverage).kubernetesFiles
        guard !files.isEmpty else { return documents }
        if case .none = options.kubernetes { return documents }
        documents.kubernetes = await kubernetesDocuments(record: record, files: files)
        for file in documents.kubernetes.keys {
            guard let path = Self.kubernetesPaths[file] else { continue }
            documents.sources[ClusterDocuments.kubernetesPath(clusterId: id, file: file)] = "GET " + path
        }
        return documents
    }

    /// ``collectCluster(_:)`` within the run's deadline. A cluster that needs calls and is not collected by then
    /// keeps only its listing, marked with why (`collectionError`): it is reported UNKNOWN, never decided on
    /// half its evidence. A cluster its listing decides needs no time and is collected whatever the clock says.
    func collectCluster(_ listings: [JSONValue], before deadline: ContinuousClock.Instant?) async
        -> ClusterDocuments
    {
        guard let deadline else { return await collectCluster(listings) }
        var documents = ClusterDocuments(
            clusterId: listings.first?["cluster_id"]?.stringValue ?? "",
            descriptions: listings.map { ($0, Self.listingSource) })
        let needs = EvidenceNeeds.of(
            ClusterEvidence(record: EvidenceDecoding.record(from: documents.descriptions)),
            readCoverage: options.readCoverage)
        let collector = self
        if !needs.addonInstance && (needs.kubernetesFiles.isEmpty || options.kubernetes.isNone) {
            return await collectCluster(listings)
        }
        if let collected = await withTimeLimit(
            ContinuousClock.now.duration(to: deadline), { await collector.collectCluster(listings) })
        {
            return collected
        }
        let last = await client.lastError.map { "; last API error: \($0)" } ?? ""
        documents.collectionError =
            LiveCollectionError.deadline(what: "the cluster", limit: options.maxDuration).description + last
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
                code: "AddonNotFound",
                message: "GetClusterAddonInstance and the deprecated DescribeClusterAddonInstance both answered that "
                    + "terway-eniip is not installed",
                requestId: nil, status: 404)
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
        if let documents = await withTimeLimit(
            deadline, { await collector.readKubernetes(endpoint: endpoint, files: files) })
        {
            return documents
        }
        let status = ErrorDocuments.kubernetesStatus(
            code: 504, reason: "Timeout",
            message: "the cluster's Kubernetes API did not answer within \(secondsText(deadline)) s")
        return Dictionary(uniqueKeysWithValues: files.map { ($0, status) })
    }

    /// The call that names a live cluster description in its evidence (DescribeClustersV1), where a saved folder
    /// names `clusters.json`.
    public static let listingSource = "GET /api/v1/clusters"

    /// The Kubernetes API path each evidence file is read from: the reads, and the source their evidence names.
    public static let kubernetesPaths: [String: String] = [
        "eni-config": "/api/v1/namespaces/kube-system/configmaps/eni-config", "nodes": "/api/v1/nodes",
        "namespaces": "/api/v1/namespaces", "networkpolicies": "/apis/networking.k8s.io/v1/networkpolicies",
        "pods": "/api/v1/pods",
    ]

    /// `text` with every live source of cluster `clusterId` in it (`GET /api/v1/nodes`) replaced by its
    /// saved-folder name (`kubernetes/<id>/nodes.json`): where `collect` writes that document and what `audit --from`
    /// names. A source is a whole string (an evidence `source`) or opens parentheses in a message
    /// (`(GET /api/v1/pods)`, `(GET /clusters/<id>/addon_instances/terway-eniip: ErrorClusterNotFound)`); the same
    /// words elsewhere (an API's own error text) are left as they are.
    public static func savedNames(in text: String, clusterId: String) -> String {
        guard text.contains("GET /") else { return text }
        var names = [listingSource: "clusters.json"]
        for (file, path) in kubernetesPaths {
            names["GET " + path] = ClusterDocuments.kubernetesPath(clusterId: clusterId, file: file)
        }
        let addon = "GET /clusters/\(clusterId)/addon_instances/terway-eniip"
        names[addon] = ClusterDocuments.addonPath(clusterId: clusterId, name: "terway-eniip")
        if let name = names[text] { return name }
        var text = text
        for (source, name) in names {
            text = text.replacingOccurrences(of: "(\(source))", with: "(\(name))")
                .replacingOccurrences(of: "(\(source): ", with: "(\(name): ")
        }
        return text
    }

    /// `finding` with every live source in its message, warnings and evidence replaced by its saved-folder name
    /// (``savedNames(in:clusterId:)``): a live audit and the re-audit of what `collect` saved then compare equal,
    /// the sources being the one thing that rightly differs.
    public static func withSavedSources(_ finding: Finding) -> Finding {
        let id = finding.clusterId
        func rename(_ value: JSONValue) -> JSONValue {
            switch value {
            case .string(let text): .string(savedNames(in: text, clusterId: id))
            case .array(let items): .array(items.map(rename))
            case .object(let fields): .object(fields.mapValues(rename))
            default: value
            }
        }
        var renamed = finding
        renamed.message = savedNames(in: finding.message, clusterId: id)
        renamed.evidence = finding.evidence.mapValues(rename)
        for index in renamed.warnings.indices {
            renamed.warnings[index].message = savedNames(in: renamed.warnings[index].message, clusterId: id)
            renamed.warnings[index].details = renamed.warnings[index].details.mapValues(rename)
        }
        return renamed
    }

    func readKubernetes(endpoint: KubernetesEndpoint, files: [String]) async -> [String: JSONValue] {
        var read: [String: JSONValue]?
        do {
            try await withKubernetesClient(endpoint: endpoint, timeout: options.kubernetesCallTimeout) { client in
                read = await Self.read(files, with: client)
            }
        } catch  where read == nil {
            // The body does not throw: the client could not be made.
            let status = ErrorDocuments.status(for: error, doing: "connect to the Kubernetes API")
            return Dictionary(uniqueKeysWithValues: files.map { ($0, status) })
        } catch {
            // Shutting the client down failed after the reads: they stand.
        }
        return read!
    }

    /// Reads `files` one after another with `client`, each document or the error that kept it unread.
    static func read(_ files: [String], with client: KubernetesClient) async -> [String: JSONValue] {
        var documents: [String: JSONValue] = [:]
        for file in files {
            if Task.isCancelled { break }
            do {
                guard let path = kubernetesPaths[file] else { continue }
                documents[file] = try await file == "eni-config" ? client.get(path) : client.list(path)
            } catch {
                documents[file] = ErrorDocuments.status(for: error, doing: "read \(file)")
                if !ErrorDocuments.isPerResource(error) {
                    // The API server itself is unreachable: the other reads would fail the same way.
                    for rest in files where documents[rest] == nil { documents[rest] = documents[file] }
                    break
                }
            }
        }
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
