import ACKEmulator
import AsyncHTTPClient
import Audit
import AuditRun
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Service
import TestSupport
import Testing

/// What the receiver got: each body with its signature and content type headers.
actor Received {
    private(set) var deliveries: [(body: Data, signature: String?, contentType: String?)] = []
    /// Requests seen, answered or not.
    private(set) var attempts = 0

    func add(_ body: Data, _ signature: String?, _ contentType: String?) {
        deliveries.append((body, signature, contentType))
    }

    /// Counts a request; returns its 0-based number.
    func attempt() -> Int {
        attempts += 1
        return attempts - 1
    }

    var bodies: [String] { deliveries.map { String(decoding: $0.body, as: UTF8.self) } }
}

/// A webhook receiver on 127.0.0.1, port 0, for `body`. The n-th request gets `answers[n]` (the last one once they
/// run out); only 2xx answers count as deliveries.
func withReceiver<T>(
    answers: [HTTPResponse.Status] = [.noContent], _ body: (_ url: URL, _ received: Received) async throws -> T
) async throws -> T {
    let received = Received()
    let router = Router()
    router.post("/hook") { request, _ in
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let number = await received.attempt()
        let answer = answers[min(number, answers.count - 1)]
        if (200..<300).contains(answer.code) {
            await received.add(
                Data(buffer.readableBytesView), request.headers[HTTPField.Name("X-Ackguard-Signature-256")!],
                request.headers[.contentType])
        }
        return answer
    }
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let application = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: quiet)
    let server = Task { try await application.runService() }
    var iterator = ports.makeAsyncIterator()
    let port = try #require(await iterator.next())
    return try await withCleanup {
        try await body(try #require(URL(string: "http://127.0.0.1:\(port)/hook")), received)
    } cleanup: {
        server.cancel()
        _ = await server.result
    }
}

@Suite("serve: change alerts")
struct WebhookTests {
    @Test("a cluster broken then fixed through the emulator: exactly one signed event per change")
    func brokenThenFixed() async throws {
        try await withDemoEmulator { emulator, request in
            try await withReceiver { url, received in
                try await withHTTP { http in
                    let cluster = try #require(emulator.fleet.clusters(showing: .configMapFalse).first)
                    let secret = Data("webhook-secret".utf8)
                    let notifier = WebhookNotifier(
                        urls: [url], format: .json, secret: secret, client: http, logger: quiet)
                    let gate = Gate()
                    let feed = ScanFeed()
                    var scans = feed.stream.makeAsyncIterator()
                    let loop = ScanLoop(
                        schedule: .every(seconds: 1), history: ScanHistory(), logger: quiet,
                        observers: [{ scan, before in await notifier.observe(scan, before: before) }, feed.observer]
                    ) {
                        await gate.pass()
                        return try await AuditRun(request).run()
                    }
                    let running = Task { try await loop.run() }
                    try await withCleanup {
                        await gate.open()
                        let first = try await scans.nextScan()
                        #expect(!first.incomplete)
                        #expect(await received.deliveries.isEmpty)  // the first scan is the baseline

                        try await setPolicySwitch(emulator, cluster: cluster.id, to: "true")
                        await gate.open()
                        _ = try await scans.nextScan()
                        try await setPolicySwitch(emulator, cluster: cluster.id, to: "false")
                        await gate.open()
                        _ = try await scans.nextScan()
                    } cleanup: {
                        running.cancel()
                        _ = await running.result
                    }
                    let deliveries = await received.deliveries
                    #expect(deliveries.count == 2)
                    let events = try deliveries.map { try JSONValue.parse(Array($0.body)) }
                    #expect(events.map { $0["change"]?.stringValue } == ["new-fail", "fixed"])
                    for event in events {
                        #expect(event["type"]?.stringValue == "status-change")
                        #expect(event["clusterId"]?.stringValue == cluster.id)
                        #expect(event["clusterName"]?.stringValue == cluster.name)
                        #expect(event["rule"]?.stringValue == "ack-network-policy-support")
                    }
                    #expect(events[0]["oldStatus"]?.stringValue == "PASS")
                    #expect(events[0]["newStatus"]?.stringValue == "FAIL")
                    #expect(events[1]["newStatus"]?.stringValue == "PASS")
                    for delivery in deliveries {
                        let mac = HMAC<SHA256>.authenticationCode(for: delivery.body, using: SymmetricKey(data: secret))
                        let expected = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
                        #expect(delivery.signature == expected)
                        let text = String(decoding: delivery.body, as: UTF8.self)
                        #expect(!text.contains(emulator.accessKeys[0].secret))
                        #expect(!text.contains(emulator.accessKeys[0].id))
                    }
                }
            }
        }
    }

    @Test("--webhook takes http(s) URLs without credentials; the secret file is bounded")
    func urls() throws {
        #expect(try WebhookNotifier.parseURL("https://hooks.example.com/x").host == "hooks.example.com")
        for bad in ["ftp://x/y", "file:///etc/passwd", "https://user:pw@example.com/", "not a url", "http://"] {
            #expect(throws: WebhookError.self, "\(bad)") { try WebhookNotifier.parseURL(bad) }
        }
    }

    // MARK: - Slack

    static let start = Date(timeIntervalSince1970: 1_796_206_050)

    /// Scan 1 passes, scan 2 fails: one `new-fail` change, with DashboardTests' hostile cluster name.
    static func changedScans() -> (before: ScanRecord, after: ScanRecord) {
        let before = ScanRecord(
            id: 1, startedAt: start, finishedAt: start, report: DashboardTests.report(.pass))
        let after = ScanRecord(
            id: 2, startedAt: start, finishedAt: start.addingTimeInterval(60), report: DashboardTests.report(.fail))
        return (before, after)
    }

    @Test("--webhook-format slack: a JSON body holding only `text`, with Slack's <, > and & escaped")
    func slackBody() throws {
        let (before, after) = Self.changedScans()
        let events = WebhookNotifier.events(for: after, before: before)
        #expect(events.map(\.type) == ["status-change"])
        let incomplete = ScanRecord(
            id: 3, startedAt: Self.start, finishedAt: Self.start, report: nil,
            failure: "region <cn-x> & <!channel> not listed")
        let all = events + WebhookNotifier.events(for: incomplete, before: after)
        #expect(all.map(\.type) == ["status-change", "scan-incomplete"])
        for event in all {
            let body = event.body(.slack)
            let document = try JSONValue.parse(body)
            let object = try #require(document.objectValue)
            #expect(Array(object.keys) == ["text"])
            let text = try #require(object["text"]?.stringValue)
            #expect(text.hasPrefix("ackguard: "))
            // No raw <, > (Slack's links and mentions) and every & starts one of the three entities.
            #expect(!text.contains("<") && !text.contains(">"))
            let ampersands = text.components(separatedBy: "&").dropFirst()
            #expect(ampersands.allSatisfy { $0.hasPrefix("amp;") || $0.hasPrefix("lt;") || $0.hasPrefix("gt;") })
            #expect(!text.contains("\u{202E}") && !text.contains("\u{1b}"))
        }
        let change = try #require(try JSONValue.parse(all[0].body(.slack))["text"]?.stringValue)
        #expect(change.contains("new-fail"))
        #expect(change.contains("&lt;script&gt;alert(\"x\")&lt;/script&gt;"))
        #expect(change.contains("PASS → FAIL"))
        let failure = try #require(try JSONValue.parse(all[1].body(.slack))["text"]?.stringValue)
        #expect(failure == "ackguard: scan 3 incomplete: region &lt;cn-x&gt; &amp; &lt;!channel&gt; not listed")
    }

    @Test("a Slack-format event reaches the receiver as application/json, signed like a JSON one")
    func slackDelivery() async throws {
        try await withReceiver { url, received in
            try await withHTTP { http in
                let secret = Data("slack-secret".utf8)
                let notifier = WebhookNotifier(
                    urls: [url], format: .slack, secret: secret, client: http, logger: quiet)
                let (before, after) = Self.changedScans()
                await notifier.observe(after, before: before)
                let deliveries = await received.deliveries
                #expect(deliveries.count == 1)
                let delivery = try #require(deliveries.first)
                #expect(delivery.contentType == "application/json")
                #expect(delivery.signature == WebhookNotifier.signature(delivery.body, key: SymmetricKey(data: secret)))
                #expect(try JSONValue.parse(Array(delivery.body))["text"]?.stringValue?.contains("new-fail") == true)
            }
        }
    }

    // MARK: - Retries

    @Test("a receiver answering 500 twice then 200 gets the event on the third try, and nothing is logged as lost")
    func retriesUntilAccepted() async throws {
        try await withReceiver(answers: [.internalServerError, .internalServerError, .ok]) { url, received in
            try await withHTTP { http in
                let log = LogLines()
                let notifier = WebhookNotifier(
                    urls: [url], format: .json, secret: nil, client: http, logger: log.logger,
                    firstBackoff: .milliseconds(10))
                let (before, after) = Self.changedScans()
                await notifier.observe(after, before: before)
                #expect(await received.attempts == 3)
                #expect(await received.deliveries.count == 1)
                #expect(log.atLeast(.warning).isEmpty)
            }
        }
    }

    @Test("a receiver that always answers 500: 3 tries, then one error line; the scans go on")
    func givesUpAfterThree() async throws {
        try await withDemoEmulator { emulator, request in
            try await withReceiver(answers: [.internalServerError]) { url, received in
                try await withHTTP { http in
                    let log = LogLines()
                    let notifier = WebhookNotifier(
                        urls: [url], format: .json, secret: nil, client: http, logger: log.logger,
                        firstBackoff: .milliseconds(10))
                    let cluster = try #require(emulator.fleet.clusters(showing: .configMapFalse).first)
                    let gate = Gate()
                    let feed = ScanFeed()
                    var scans = feed.stream.makeAsyncIterator()
                    let loop = ScanLoop(
                        schedule: .every(seconds: 1), history: ScanHistory(), logger: log.logger,
                        observers: [{ scan, before in await notifier.observe(scan, before: before) }, feed.observer]
                    ) {
                        await gate.pass()
                        return try await AuditRun(request).run()
                    }
                    let running = Task { try await loop.run() }
                    try await withCleanup {
                        await gate.open()
                        _ = try await scans.nextScan()
                        try await setPolicySwitch(emulator, cluster: cluster.id, to: "true")
                        await gate.open()
                        let second = try await scans.nextScan()
                        #expect(await received.attempts == 3)
                        let lost = log.atLeast(.warning).filter { $0.hasPrefix("webhook ") }
                        #expect(lost.count == 1)
                        #expect(
                            lost.first?.contains("status-change for scan \(second.id) dropped after 3 attempts") == true
                        )
                        #expect(lost.first?.contains("HTTP 500") == true)
                        // The service goes on: the next scan runs and finishes (no change, no event).
                        await gate.open()
                        let third = try await scans.nextScan()
                        #expect(third.id == second.id + 1 && third.succeeded)
                        #expect(await received.attempts == 3)
                    } cleanup: {
                        await gate.open()
                        running.cancel()
                        _ = await running.result
                    }
                    #expect(await received.deliveries.isEmpty)
                }
            }
        }
    }

    @Test("a receiver that never answers: each try ends at the timeout, 3 tries, then one error line")
    func silentReceiverIsBounded() async throws {
        try await withSilentListener { url in
            try await withHTTP { http in
                let log = LogLines()
                let notifier = WebhookNotifier(
                    urls: [url], format: .json, secret: nil, client: http, logger: log.logger,
                    firstBackoff: .milliseconds(10), timeout: .milliseconds(300))
                let (before, after) = Self.changedScans()
                let clock = ContinuousClock()
                let took = await clock.measure { await notifier.observe(after, before: before) }
                #expect(took >= .milliseconds(900))  // three timeouts
                // Without the timeout a silent receiver holds the delivery for ever; the bound is loose because the
                // full suite's parallel load (an in-process emulator on the same event loops) delays timers a lot.
                #expect(took < .seconds(60))
                let lost = log.atLeast(.warning)
                #expect(lost.count == 1)
                #expect(lost.first?.contains("dropped after 3 attempts") == true)
            }
        }
    }

    /// `count` clusters, all with `status`.
    static func fleet(_ status: Status, count: Int) -> AuditReport {
        AuditReport(
            toolVersion: "test", startedAt: "2026-12-02T10:00:00Z", finishedAt: "2026-12-02T10:00:01Z",
            source: .init(kind: .emulator, regions: ["cn-hangzhou"]), rules: [.networkPolicySupport],
            findings: (1...count).map { number in
                Finding(
                    rule: .networkPolicySupport, clusterId: "c\(number)", clusterName: "cluster-\(number)",
                    regionId: "cn-hangzhou", status: status,
                    reason: status == .fail ? .configMapPolicyDisabled : .configMapPolicyEnabled, message: "m")
            })
    }

    @Test("a dead receiver and many changes: one event's tries, then the rest of the scan's events counted in one line")
    func deadReceiverCostsOneEvent() async throws {
        try await withSilentListener { url in
            try await withHTTP { http in
                let log = LogLines()
                let notifier = WebhookNotifier(
                    urls: [url], format: .json, secret: nil, client: http, logger: log.logger,
                    firstBackoff: .milliseconds(10), timeout: .milliseconds(300))
                let before = ScanRecord(
                    id: 1, startedAt: Self.start, finishedAt: Self.start, report: Self.fleet(.pass, count: 50))
                let after = ScanRecord(
                    id: 2, startedAt: Self.start, finishedAt: Self.start, report: Self.fleet(.fail, count: 50))
                #expect(WebhookNotifier.events(for: after, before: before).count == 50)
                let took = await ContinuousClock().measure { await notifier.observe(after, before: before) }
                // One event's tries, not 50 events × 3 tries × 300 ms (45 s unloaded): the log lines below say which
                // happened; the time bound is loose for the full suite's load, which delays timers.
                #expect(took < .seconds(40))
                let lines = log.atLeast(.warning)
                #expect(lines.count == 2)
                #expect(lines.first?.contains("dropped after 3 attempts") == true)
                #expect(lines.last?.contains("49 more event(s) of scan 2 not sent") == true)
            }
        }
    }

    // MARK: - Incomplete scans

    @Test("a scan cut by --max-duration raises one scan-incomplete event naming what it missed")
    func incompleteScanEvent() async throws {
        try await withDemoEmulator { emulator, request in
            try await withReceiver { url, received in
                try await withHTTP { http in
                    guard case .live(var settings) = request.source else { throw CancellationError() }
                    settings.maxDuration = .seconds(1)
                    var cut = request
                    cut.source = .live(settings)
                    let request = cut
                    var faults = FaultConfiguration()
                    faults.perAPI["DescribeClustersV1"] = APIFaults(latency: .seconds(3))
                    await emulator.state.setFaults(faults)
                    let notifier = WebhookNotifier(
                        urls: [url], format: .json, secret: nil, client: http, logger: quiet)
                    let history = ScanHistory()
                    let loop = ScanLoop(
                        schedule: .every(seconds: 3600), history: history, logger: quiet,
                        observers: [{ scan, before in await notifier.observe(scan, before: before) }],
                        maximumScans: 1
                    ) { try await AuditRun(request).run() }
                    try await loop.run()
                    let scan = try #require(await history.latest)
                    #expect(scan.incomplete && !scan.cancelled && scan.report != nil)
                    #expect(!scan.completenessNotes.isEmpty)
                    let deliveries = await received.deliveries
                    #expect(deliveries.count == 1)
                    let event = try JSONValue.parse(Array(try #require(deliveries.first).body))
                    #expect(event["type"]?.stringValue == "scan-incomplete")
                    #expect(event["scanId"]?.intValue == scan.id)
                    let detail = try #require(event["detail"]?.stringValue)
                    #expect(detail == scan.completenessNotes.first)
                    #expect(detail.contains("max-duration"))
                    #expect(!(await received.bodies.joined().contains(emulator.accessKeys[0].secret)))
                }
            }
        }
    }

    // MARK: - Secrets

    @Test("serve with a token and a webhook: no event, JSON or Slack, holds the AccessKey secret or the token")
    func noSecretsInPayloads() async throws {
        try await withDemoEmulator { emulator, request in
            for format in WebhookNotifier.Format.allCases {
                try await withReceiver { url, received in
                    let token = "bearer-token-0123456789-abcdef"
                    var settings = ServeSettings()
                    settings.schedule = .every(seconds: 1)
                    settings.token = BearerToken(token)
                    settings.webhooks = [url]
                    settings.webhookFormat = format
                    settings.webhookSecret = Data("signing-secret".utf8)
                    let cluster = try #require(emulator.fleet.clusters(showing: .configMapFalse).first)
                    let gate = Gate()
                    let feed = ScanFeed()
                    var scans = feed.stream.makeAsyncIterator()
                    // Scan 1 is the baseline, scan 2 sees the cluster broken (a change), scan 3 is cut short by
                    // a failing listing (incomplete). A bad key would fail the run: its error must not leak either.
                    var service = ScanService(settings: settings, logger: quiet) {
                        await gate.pass()
                        return try await AuditRun(request).run()
                    }
                    service.observers = [feed.observer]
                    let running = Task { [service] in try await service.run(signals: []) { _ in } }
                    try await withCleanup {
                        await gate.open()
                        _ = try await scans.nextScan()
                        try await setPolicySwitch(emulator, cluster: cluster.id, to: "true")
                        await gate.open()
                        _ = try await scans.nextScan()
                        var faults = FaultConfiguration()
                        faults.perAPI["DescribeClustersV1"] = APIFaults(serverErrorFraction: 1)
                        await emulator.state.setFaults(faults)
                        await gate.open()
                        let third = try await scans.nextScan()
                        #expect(third.incomplete)
                        await emulator.state.setFaults(FaultConfiguration())
                        try await setPolicySwitch(emulator, cluster: cluster.id, to: "false")
                    } cleanup: {
                        await gate.open()
                        running.cancel()
                        _ = await running.result
                    }
                    let bodies = await received.bodies
                    #expect(bodies.count == 2, "\(format)")  // the new FAIL and the incomplete scan
                    for body in bodies {
                        #expect(!body.contains(emulator.accessKeys[0].secret))
                        #expect(!body.contains(token))
                        #expect(!body.contains("signing-secret"))
                        #expect(!body.contains("ALIBABA_CLOUD"))
                    }
                }
            }
        }
    }
}
