import ACKEmulator
import AsyncHTTPClient
import Audit
import AuditRun
import Crypto
import Foundation
import Logging
import Service
import TestSupport
import Testing

let quiet = Logger(label: "ackguard.serve.tests", factory: { _ in SwiftLogNoOpLogHandler() })

@Suite("serve: against the emulator")
struct ServeTests {
    /// Runs the service for `request` (every scan waits for `gate`), with its first URL, until `body` returns.
    func withService<T>(
        _ request: AuditRequest, settings: ServeSettings = ServeSettings(), gate: Gate, feed: ScanFeed,
        _ body: (_ url: String, _ service: ScanService) async throws -> T
    ) async throws -> T {
        var service = ScanService(settings: settings, logger: quiet) {
            await gate.pass()
            return try await AuditRun(request).run()
        }
        service.observers = [feed.observer]
        let (urls, listening) = AsyncStream<String>.makeStream()
        let running = Task { [service] in
            try await service.run(signals: []) { url in listening.yield(url) }
        }
        var iterator = urls.makeAsyncIterator()
        let url = try #require(await iterator.next())
        return try await withCleanup {
            try await body(url, service)
        } cleanup: {
            // A scan waiting at the gate is not cancellable: let it through, into a cancelled run.
            await gate.open()
            running.cancel()
            _ = await running.result
        }
    }

    @Test("/readyz waits for the first scan; /metrics, /api/scans and / then show the latest scan")
    func endpoints() async throws {
        try await withDemoEmulator { _, request in
            let gate = Gate()
            let feed = ScanFeed()
            var scans = feed.stream.makeAsyncIterator()
            var settings = ServeSettings()
            settings.schedule = .every(seconds: 1)
            try await withService(request, settings: settings, gate: gate, feed: feed) { url, _ in
                #expect(url.hasPrefix("http://127.0.0.1:"))
                try await withHTTP { http in
                    #expect(try await get(http, url + "/healthz").status == 200)
                    #expect(try await get(http, url + "/readyz").status == 503)
                    await gate.open()
                    let scan = try await scans.nextScan()
                    let report = try #require(scan.report)
                    #expect(try await get(http, url + "/readyz").status == 200)

                    let metrics = try await get(http, url + "/metrics")
                    #expect(metrics.status == 200)
                    let lines = metrics.body.split(separator: "\n").map(String.init)
                    for status in Status.allCases {
                        let series = lines.filter {
                            $0.hasPrefix("ackguard_finding_status{") && $0.contains("status=\"\(status.rawValue)\"")
                        }
                        #expect(series.count == report.summary[status], "\(status)")
                        #expect(series.allSatisfy { $0.hasSuffix(" 1.0") || $0.hasSuffix(" 1") })
                        #expect(
                            lines.contains {
                                $0.hasPrefix("ackguard_findings{status=\"\(status.rawValue)\"} ")
                                    && Double($0.split(separator: " ").last!) == Double(report.summary[status])
                            })
                    }
                    #expect(
                        lines.contains("ackguard_scan_incomplete 0.0") || lines.contains("ackguard_scan_incomplete 0"))
                    #expect(
                        lines.contains { $0.hasPrefix("ackguard_api_calls_total{") && $0.contains("outcome=\"ok\"") })

                    let list = try await get(http, url + "/api/scans")
                    let document = try JSONValue.parse(list.body)
                    let latest = try #require(document["scans"]?[0])
                    #expect(latest["id"]?.intValue == scan.id)
                    #expect(latest["counts"]?["FAIL"]?.intValue == report.summary[.fail])

                    let one = try await get(http, url + "/api/scans/\(scan.id)")
                    #expect(one.status == 200)
                    #expect(try JSONValue.parse(one.body)["findings"]?.arrayValue?.count == report.findings.count)
                    #expect(try await get(http, url + "/api/scans/99").status == 404)
                    #expect(try await get(http, url + "/api/scans/x%3Cy").status == 404)

                    let page = try await get(http, url + "/")
                    #expect(page.status == 200)
                    // The HTML report of the scan (its counts, its findings table), the trend and the changes.
                    #expect(page.body.contains("<h2>Report of scan \(scan.id)</h2>"))
                    #expect(page.body.contains("id=\"count-FAIL\">\(report.summary[.fail])</span>"))
                    #expect(page.body.contains("id=\"findings-table\""))
                    #expect(page.body.contains("id=\"trend-FAIL\""))
                    #expect(page.body.contains("id=\"changes\""))
                    #expect(!page.body.contains("<script"))
                }
            }
        }
    }

    @Test("--token-file: / and /api/* need the bearer token; /metrics, /healthz and /readyz stay open")
    func token() async throws {
        try await withDemoEmulator { _, request in
            let gate = Gate()
            let feed = ScanFeed()
            var settings = ServeSettings()
            let secret = "s3cret-token-0123456789"
            settings.token = BearerToken(secret)
            try await withService(request, settings: settings, gate: gate, feed: feed) { url, _ in
                try await withHTTP { http in
                    for path in ["/", "/api/scans", "/api/diff", "/api/scans/1"] {
                        let status1 = try await get(http, url + path).status
                        #expect(status1 == 401, "\(path)")
                        let status2 = try await get(http, url + path, token: secret + "x").status
                        #expect(status2 == 401, "\(path)")
                    }
                    let status3 = try await get(http, url + "/", token: secret).status
                    #expect(status3 == 200)
                    let status4 = try await get(http, url + "/api/scans", token: secret).status
                    #expect(status4 == 200)
                    for path in ["/metrics", "/healthz"] {
                        let status5 = try await get(http, url + path).status
                        #expect(status5 == 200, "\(path)")
                    }
                    let status6 = try await get(http, url + "/readyz").status
                    #expect(status6 == 503)
                }
            }
        }
    }

    @Test("the token file: 16+ printable characters, errors name the file and never the token")
    func tokenFile() throws {
        try withTemporaryFolder(prefix: "ackguard-serve-token") { folder in
            let good = try folder.write("good", "abcdefghijklmnopq\n")
            #expect(try BearerToken.load(path: good).matches("abcdefghijklmnopq"))
            let short = try folder.write("short", "tiny-secret\n")
            let error = #expect(throws: TokenFileError.self) { try BearerToken.load(path: short) }
            #expect(error?.description.contains("tiny-secret") == false)
            #expect(error?.description.contains("short") == true)
            #expect(throws: TokenFileError.self) { try BearerToken.load(path: folder.path("missing")) }
        }
    }

    @Test("a scan cancelled by shutdown is kept as incomplete and the metric says so")
    func cancellation() async throws {
        let history = ScanHistory()
        let metrics = ServiceMetrics()
        let (started, didStart) = AsyncStream<Void>.makeStream()
        let loop = ScanLoop(
            schedule: .every(seconds: 3600), history: history, logger: quiet,
            observers: [{ scan, _ in metrics.update(after: scan) }]
        ) {
            didStart.yield()
            try await Task.sleep(for: .seconds(600))
            throw CancellationError()
        }
        let running = Task { try await loop.run() }
        var iterator = started.makeAsyncIterator()
        _ = await iterator.next()
        running.cancel()
        try await running.value
        let scan = try #require(await history.latest)
        #expect(scan.cancelled && scan.incomplete && scan.report == nil)
        #expect(metrics.exposition().contains("ackguard_scan_incomplete 1"))
    }
}
