import ACKEmulator
import AsyncHTTPClient
import Audit
import AuditRun
import Foundation
import History
import Logging
import Service
import Synchronization
import TestSupport
import Testing

/// `serve` as the command runs it (``ScanService/init(request:settings:logger:)``: each scan an `AuditRun` of the
/// request) with a store, over an organisation, and shut down in the middle of a scan.
@Suite("serve: store, organisation, shutdown mid-scan")
struct ServeStoreTests {
    /// Runs `service` until `body` returns, then cancels it (as SIGTERM does through the ServiceGroup) and waits.
    func withRunning<T>(
        _ service: ScanService, _ body: (_ url: String, _ running: Task<Void, any Error>) async throws -> T
    ) async throws -> T {
        let (urls, listening) = AsyncStream<String>.makeStream()
        let running = Task { try await service.run(signals: []) { url in listening.yield(url) } }
        var iterator = urls.makeAsyncIterator()
        guard let url = await iterator.next() else {
            _ = try await running.value
            throw CancellationError()
        }
        return try await withCleanup {
            try await body(url, running)
        } cleanup: {
            running.cancel()
            _ = await running.result
        }
    }

    /// A stored scan that is whole: its findings are all there (their count is the scan's counts' sum).
    func expectWhole(_ store: any ScanStore, _ scan: ScanSummary) async throws {
        let findings = try await store.findings(scanId: scan.id)
        #expect(findings.count == scan.counts.values.reduce(0, +) + scan.suppressed, "scan \(scan.id)")
    }

    // MARK: - Shutdown during a scan

    @Test("cancelled while a scan waits on hanging Kubernetes APIs: returns promptly, the scan is kept incomplete")
    func cancelMidScan() async throws {
        try await withDemoEmulator { emulator, request in
            try await withTemporaryFolder(prefix: "ackguard-serve-cancel") { folder in
                var request = request
                let path = folder.path("history.sqlite")
                request.history = .at(path: path)
                var settings = ServeSettings()
                settings.schedule = .every(seconds: 1)
                var service = ScanService(request: request, settings: settings, logger: quiet)
                let feed = ScanFeed()
                service.observers = [feed.observer]
                var scans = feed.stream.makeAsyncIterator()
                let elapsed = try await withRunning(service) { _, running in
                    let first = try await scans.nextScan()
                    #expect(first.succeeded)
                    // From now on every cluster's Kubernetes API accepts and never answers (--cluster-timeout is
                    // 30 s): the next scan stays in collection until cancelled.
                    var faults = FaultConfiguration()
                    for cluster in emulator.fleet.clusters { faults.kubernetes[cluster.id] = .hang }
                    await emulator.state.setFaults(faults)
                    await emulator.state.resetRequestLog()
                    let deadline = ContinuousClock.now.advanced(by: .seconds(60))
                    while await !emulator.requestCounts().keys.contains(where: { $0.hasPrefix("k8s:") }) {
                        try #require(ContinuousClock.now < deadline, "the second scan never reached Kubernetes")
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    let cancelled = ContinuousClock.now
                    running.cancel()
                    try await running.value
                    return ContinuousClock.now - cancelled
                }
                #expect(elapsed < .seconds(10), "shutdown took \(elapsed)")
                let kept = await service.history.scans
                #expect(kept.count == 2)
                let second = try #require(kept.last)
                #expect(second.id == 2 && second.cancelled && second.incomplete && !second.succeeded)
                #expect(second.report == nil)  // what it read was cut short: not a report
                #expect(await service.history.diff?.new.id == 1)
                #expect(service.metrics.exposition().contains("ackguard_scan_incomplete 1"))
                // The store: the first scan whole; the cancelled one either not recorded or recorded whole with
                // what it missed in its notices, never as a complete scan.
                let store = try HistoryStore(readingFrom: path)
                let stored = try store.scans()
                #expect((1...2).contains(stored.count))
                for scan in stored { try await expectWhole(store, scan) }
                let oldest = try #require(stored.last)
                #expect(oldest.notices.isEmpty)
                if stored.count == 2 {
                    #expect(!stored[0].notices.isEmpty)
                }
            }
        }
    }

    // MARK: - Store

    @Test("--history PATH: each scheduled scan is recorded, readable by the history afterwards")
    func recordsEachScan() async throws {
        try await withDemoEmulator { _, request in
            try await withTemporaryFolder(prefix: "ackguard-serve-store") { folder in
                var request = request
                let path = folder.path("history.sqlite")
                request.history = .store(path)
                var settings = ServeSettings()
                settings.schedule = .every(seconds: 1)
                var service = ScanService(request: request, settings: settings, logger: quiet)
                let feed = ScanFeed()
                service.observers = [feed.observer]
                var scans = feed.stream.makeAsyncIterator()
                let finished = try await withRunning(service) { _, _ in
                    [try await scans.nextScan(), try await scans.nextScan()]
                }
                let (location, opened) = try await HistoryAccess.openStore(
                    store: nil, historyPath: path, environment: [:])
                #expect(location == path)
                let store = try #require(opened)
                let stored = try await store.scans(limit: nil)
                // A third scan may have started and been cancelled by the shutdown: the first two are whole.
                #expect(stored.count >= 2)
                let firstTwo = Array(stored.reversed().prefix(2))
                for (record, scan) in zip(finished, firstTwo) {
                    let report = try #require(record.report)
                    #expect(record.warnings.isEmpty)
                    #expect(scan.counts == report.summary.counts)
                    #expect(scan.finishedAt == report.finishedAt)
                    #expect(scan.notices.isEmpty)
                    try await expectWhole(store, scan)
                }
            }
        }
    }

    @Test("--store postgres://: each scheduled scan is recorded in PostgreSQL, readable by the history afterwards")
    func recordsInPostgres() async throws {
        try await withPostgresServer { server in
            try await withDemoEmulator { _, request in
                var request = request
                request.history = .store(server.url)
                var settings = ServeSettings()
                settings.schedule = .every(seconds: 1)
                var service = ScanService(request: request, settings: settings, logger: quiet)
                let feed = ScanFeed()
                service.observers = [feed.observer]
                var scans = feed.stream.makeAsyncIterator()
                let finished = try await withRunning(service) { _, _ in
                    [try await scans.nextScan(), try await scans.nextScan()]
                }
                let (location, opened) = try await HistoryAccess.openStore(
                    store: server.url, historyPath: nil, environment: [:])
                #expect(!location.contains(server.password))
                let store = try #require(opened)
                let stored = try await store.scans(limit: nil)
                #expect(stored.count >= 2)
                for (record, scan) in zip(finished, Array(stored.reversed().prefix(2))) {
                    #expect(record.warnings.isEmpty)
                    #expect(scan.counts == record.report?.summary.counts)
                    try await expectWhole(store, scan)
                }
            }
        }
    }

    @Test("a store that cannot record: the scan stands, the warning is logged and shown by /api/scans")
    func storeFailureIsAWarning() async throws {
        try await withDemoEmulator { _, request in
            try await withTemporaryFolder(prefix: "ackguard-serve-store") { folder in
                var request = request
                let path = folder.path("history.sqlite")
                request.history = .at(path: path)
                var settings = ServeSettings()
                settings.schedule = .every(seconds: 3600)
                let log = LogLines()
                var service = ScanService(request: request, settings: settings, logger: log.logger)
                let feed = ScanFeed()
                service.observers = [feed.observer]
                // A file that is not a database: the path passes the check before the scan, recording fails after.
                _ = try folder.write("history.sqlite", String(repeating: "not a database. ", count: 64))
                var scans = feed.stream.makeAsyncIterator()
                try await withRunning(service) { url, _ in
                    let scan = try await scans.nextScan()
                    #expect(scan.warnings.count == 1)
                    #expect(scan.warnings.first?.contains("not stored") == true)
                    #expect(scan.report != nil)
                    #expect(log.atLeast(.warning).contains { $0.contains("not stored") })
                    try await withHTTP { http in
                        let list = try JSONValue.parse(try await get(http, url + "/api/scans").body)
                        #expect(list["scans"]?[0]?["warnings"]?.arrayValue?.isEmpty == false)
                    }
                }
            }
        }
    }

    // MARK: - Organisation

    static let management = "5000000000000001"
    static func member(_ number: Int) -> String {
        "51" + String(repeating: "0", count: 14 - String(number).count) + String(number)
    }

    /// `ackguard_finding_status` series per value of their `account` label.
    static func findingSeriesByAccount(_ metrics: String) -> [String: Int] {
        var byAccount: [String: Int] = [:]
        for line in metrics.split(separator: "\n") where line.hasPrefix("ackguard_finding_status{") {
            guard let label = line.firstRange(of: "account=\"") else { continue }
            byAccount[String(line[label.upperBound...].prefix { $0 != "\"" }), default: 0] += 1
        }
        return byAccount
    }

    @Test("--resource-directory: series per account in /metrics, members not audited make the scan incomplete")
    func organisation() async throws {
        var configuration = EmulatorConfiguration.demo()
        configuration.fleet = .generated(FleetSpecification(clusterCount: 3, seed: 11))
        configuration.organisation = EmulatorOrganisation.generate(members: 5, clustersPerMember: 2)
        try await withEmulatorServer(configuration) { emulator in
            try await withTemporaryFolder(prefix: "ackguard-serve-org") { home in
                var live = LiveSettings()
                live.endpoint = emulator.endpoint.absoluteString
                live.stsEndpoint = emulator.endpoint.absoluteString
                live.resourceManagerEndpoint = emulator.endpoint.absoluteString
                live.resourceDirectory = true
                live.noKubernetes = true
                let environment = [
                    "ALIBABA_CLOUD_ACCESS_KEY_ID": emulator.accessKeys[0].id,
                    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": emulator.accessKeys[0].secret,
                    "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true", "HOME": home.path,
                ]
                let request = AuditRequest(source: .live(live), environment: environment, toolVersion: "test")
                var service = ScanService(request: request, settings: ServeSettings(), logger: quiet)
                let feed = ScanFeed()
                service.observers = [feed.observer]
                var scans = feed.stream.makeAsyncIterator()
                try await withRunning(service) { url, _ in
                    let scan = try await scans.nextScan()
                    let report = try #require(scan.report)
                    // member-02 has no role, member-03 is PendingRemove: two notes, the scan is incomplete.
                    #expect(scan.completenessNotes.count == 2)
                    #expect(scan.completenessNotes.contains { $0.contains(Self.member(2)) })
                    #expect(scan.completenessNotes.contains { $0.contains(Self.member(3)) })
                    #expect(scan.incomplete && !scan.cancelled)
                    let audited = Set([Self.management, Self.member(1), Self.member(4), Self.member(5)])
                    #expect(Set(report.findings.compactMap(\.accountId)) == audited)
                    try await withHTTP { http in
                        let metrics = try await get(http, url + "/metrics").body
                        let byAccount = Self.findingSeriesByAccount(metrics)
                        #expect(byAccount.values.reduce(0, +) == report.findings.count)
                        #expect(Set(byAccount.keys) == audited)
                        #expect(byAccount[Self.management] == 3)
                        #expect(byAccount[Self.member(1)] == 2)
                        #expect(metrics.contains("ackguard_scan_incomplete 1"))
                        let list = try JSONValue.parse(try await get(http, url + "/api/scans").body)
                        let latest = try #require(list["scans"]?[0])
                        #expect(latest["incomplete"]?.boolValue == true)
                        #expect(latest["completenessNotes"]?.arrayValue?.count == 2)
                        let page = try await get(http, url + "/").body
                        #expect(page.contains("id=\"incomplete\""))
                        #expect(page.contains(Self.member(2)) && page.contains(Self.member(3)))
                    }
                }
            }
        }
    }

    @Test("--shard: serve refuses it before listening, in one line that says what to do instead")
    func shardRefused() async throws {
        var live = LiveSettings()
        live.resourceDirectory = true
        live.shard = ScanPart(runId: "nightly", index: 1, count: 2)
        let request = AuditRequest(
            source: .live(live), part: live.shard, environment: [:], toolVersion: "test")
        let problem = try #require(ScanService.problem(with: request))
        #expect(problem.contains("--shard") && problem.contains("Indexed Job") && !problem.contains("\n"))
        let service = ScanService(request: request, settings: ServeSettings(), logger: quiet)
        let listened = Mutex(false)
        let error = await #expect(throws: ServeError.self) {
            try await service.run(signals: []) { _ in listened.withLock { $0 = true } }
        }
        #expect(error?.description == problem)
        #expect(!listened.withLock { $0 })
        #expect(ScanService.problem(with: AuditRequest(source: .live(LiveSettings()), toolVersion: "test")) == nil)
    }
}
