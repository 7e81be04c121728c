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

/// What the receiver got: each body with its signature header.
actor Received {
    private(set) var deliveries: [(body: Data, signature: String?)] = []
    func add(_ body: Data, _ signature: String?) { deliveries.append((body, signature)) }
}

/// A webhook receiver on 127.0.0.1, port 0, for `body`.
func withReceiver<T>(_ body: (_ url: URL, _ received: Received) async throws -> T) async throws -> T {
    let received = Received()
    let router = Router()
    router.post("/hook") { request, _ in
        let buffer = try await request.body.collect(upTo: 1 << 20)
        await received.add(Data(buffer.readableBytesView), request.headers[HTTPField.Name("X-Ackguard-Signature-256")!])
        return HTTPResponse.Status.noContent
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
}
