public import AsyncHTTPClient
public import Audit
public import Crypto
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// Change alerts: a POST to every `--webhook` URL for each cluster whose status changed between consecutive scans
/// (new FAIL, fixed, new UNKNOWN) and for each incomplete scan. With a secret, the body's HMAC-SHA256 goes in
/// `X-Ackguard-Signature-256: sha256=<hex>` (as GitHub signs). A delivery is tried 3 times at most (each bounded by
/// a timeout), with exponential backoff, while the receiver answers 5xx or 429 or does not answer; an event given up
/// is one error line in the log, never a reason to stop scanning. Payloads hold what the findings
/// hold (ids, names, statuses, reasons), never credentials.
public final class WebhookNotifier: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case json
        case slack
    }

    public let urls: [URL]
    public let format: Format
    let secret: SymmetricKey?
    let client: HTTPClient
    let logger: Logger
    let attempts: Int
    let firstBackoff: Duration
    let timeout: Duration

    public init(
        urls: [URL], format: Format, secret: Data?, client: HTTPClient, logger: Logger, attempts: Int = 3,
        firstBackoff: Duration = .milliseconds(500), timeout: Duration = .seconds(10)
    ) {
        self.urls = urls
        self.format = format
        self.secret = secret.map { SymmetricKey(data: $0) }
        self.client = client
        self.logger = logger
        self.attempts = max(1, min(attempts, 10))
        self.firstBackoff = firstBackoff
        self.timeout = timeout
    }

    /// Checks a `--webhook` value: an absolute http or https URL with a host, no user or password in it.
    public static func parseURL(_ text: String) throws(WebhookError) -> URL {
        guard text.utf8.count <= 2048, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else {
            throw WebhookError("--webhook \(InertName.clip(text)): not an http:// or https:// URL")
        }
        guard url.user == nil, url.password == nil else {
            throw WebhookError("--webhook: credentials in the URL are refused (use --webhook-secret-file to sign)")
        }
        return url
    }

    /// Reads `--webhook-secret-file`: its bytes, trailing newlines dropped; 1 byte to 4 KiB.
    public static func loadSecret(path: String) throws(WebhookError) -> Data {
        guard var data = FileManager.default.contents(atPath: path) else {
            throw WebhookError("--webhook-secret-file \(InertName.clip(path)): cannot be read")
        }
        while let last = data.last, last == 0x0A || last == 0x0D { data.removeLast() }
        guard !data.isEmpty, data.count <= 4096 else {
            throw WebhookError("--webhook-secret-file \(InertName.clip(path)): must hold 1 byte to 4 KiB")
        }
        return data
    }

    /// The events a finished scan raises, against the scan with a report before it.
    public static func events(for scan: ScanRecord, before: ScanRecord?) -> [WebhookEvent] {
        var events: [WebhookEvent] = []
        if let report = scan.report, let previous = before?.report {
            events += StatusChange.between(previous, report).filter(\.alerts).map {
                WebhookEvent(scan: scan, change: $0)
            }
        }
        if scan.incomplete && !scan.cancelled { events.append(WebhookEvent(incomplete: scan)) }
        return events
    }

    /// The observer for ``ScanLoop``: sends each event to each URL in turn.
    ///
    /// The next scan waits for the deliveries, so a receiver that does not take an event (3 tries, each up to the
    /// timeout) gets no more of this scan's events: they are counted in one more error line. However many clusters
    /// change, a dead receiver costs a scan at most one event's tries.
    public func observe(_ scan: ScanRecord, before: ScanRecord?) async {
        var given = Set<URL>()
        var skipped: [URL: Int] = [:]
        for event in Self.events(for: scan, before: before) {
            let body = Data(event.body(format).utf8)
            for url in urls {
                if given.contains(url) {
                    skipped[url, default: 0] += 1
                } else if await deliver(body, to: url, event: event) == .givenUp {
                    given.insert(url)
                }
            }
        }
        for url in urls {
            guard let count = skipped[url] else { continue }
            logger.error(
                "webhook \(Self.place(url)): \(count) more event(s) of scan \(scan.id) not sent (the receiver did not take one)"
            )
        }
    }

    /// How a delivery ended.
    enum Delivery {
        /// A 2xx answer.
        case delivered
        /// Refused for good (a 4xx other than 429), or the service is shutting down: the next event is tried.
        case refused
        /// Every try failed (5xx, 429, no answer): the receiver is down.
        case givenUp
    }

    /// Scheme and host of a URL, what the log says (never its path or query: a Slack webhook's path is its secret).
    static func place(_ url: URL) -> String { "\(url.scheme ?? "")://\(url.host ?? "")" }

    /// The signature header value for `body`.
    public static func signature(_ body: Data, key: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: key)
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    func deliver(_ body: Data, to url: URL, event: WebhookEvent) async -> Delivery {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "ackguard-serve")
        request.headers.add(name: "X-Ackguard-Event", value: event.type)
        if let secret {
            request.headers.add(name: "X-Ackguard-Signature-256", value: Self.signature(body, key: secret))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let place = Self.place(url)
        var backoff = firstBackoff
        var last = ""
        for attempt in 1...attempts {
            do {
                let response = try await client.execute(request, timeout: Self.timeAmount(timeout))
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if (200..<300).contains(response.status.code) { return .delivered }
                last = "HTTP \(response.status.code)"
                let retriable = response.status.code >= 500 || response.status.code == 429
                logger.debug("webhook \(place): \(event.type) answered \(last) (attempt \(attempt) of \(attempts))")
                if !retriable {
                    logger.error("webhook \(place): \(event.type) for scan \(event.scanId) refused: \(last)")
                    return .refused
                }
            } catch {
                if Task.isCancelled { return .refused }
                last = InertName.clip(String(describing: error))
                logger.debug(
                    "webhook \(place): \(event.type) not delivered (attempt \(attempt) of \(attempts)): \(last)")
            }
            guard attempt < attempts else { break }
            do { try await Task.sleep(for: backoff) } catch { return .refused }
            backoff = backoff * 2
        }
        // One line per event given up (the attempts are debug lines): the service goes on with the next scan.
        logger.error(
            "webhook \(place): \(event.type) for scan \(event.scanId) dropped after \(attempts) attempts: \(last)")
        return .givenUp
    }

    /// A `Duration` for AsyncHTTPClient, to the millisecond (at least 1 ms).
    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        guard !milliseconds.overflow else { return .hours(24) }
        return .milliseconds(max(1, milliseconds.partialValue + attoseconds / 1_000_000_000_000_000))
    }
}

public struct WebhookError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// One alert.
public struct WebhookEvent: Sendable, Equatable {
    /// `status-change` or `scan-incomplete`.
    public let type: String
    public let scanId: Int
    public let scanTime: String
    public let change: StatusChange?
    /// For `scan-incomplete`: why, one line.
    public let detail: String?

    init(scan: ScanRecord, change: StatusChange) {
        type = "status-change"
        scanId = scan.id
        scanTime = ServiceRoutes.rfc3339(scan.finishedAt)
        self.change = change
        detail = nil
    }

    init(incomplete scan: ScanRecord) {
        type = "scan-incomplete"
        scanId = scan.id
        scanTime = ServiceRoutes.rfc3339(scan.finishedAt)
        change = nil
        detail = scan.failure ?? scan.completenessNotes.first ?? "incomplete"
    }

    public var document: JSONValue {
        var object: [String: JSONValue] = [
            "type": .string(type), "scanId": .number(Double(scanId)), "scanTime": .string(scanTime),
        ]
        if let change {
            object["change"] = .string(change.kind.rawValue)
            object["rule"] = .string(change.rule.rawValue)
            object["account"] = change.accountId.map { .string($0) } ?? .null
            object["region"] = .string(change.regionId)
            object["clusterId"] = .string(change.clusterId)
            object["clusterName"] = .string(change.clusterName)
            object["oldStatus"] = change.oldStatus.map { .string($0.rawValue) } ?? .null
            object["newStatus"] = change.newStatus.map { .string($0.rawValue) } ?? .null
            object["reason"] = change.reason.map { .string($0.rawValue) } ?? .null
        }
        if let detail { object["detail"] = .string(detail) }
        return .object(object)
    }

    /// The one-line summary Slack shows (names inert: no mentions or links are formed from cluster names).
    public var text: String {
        if let change {
            let name = Self.slackSafe(change.clusterName)
            return "ackguard: \(change.kind.rawValue) \(name) (\(Self.slackSafe(change.clusterId)), "
                + "\(Self.slackSafe(change.regionId))\(change.accountId.map { ", account \(Self.slackSafe($0))" } ?? "")) "
                + "\(change.rule.rawValue): "
                + "\(change.oldStatus?.rawValue ?? "absent") → \(change.newStatus?.rawValue ?? "absent")"
                + (change.reason.map { " (\($0.rawValue))" } ?? "") + ", scan \(scanId)"
        }
        return "ackguard: scan \(scanId) incomplete: \(Self.slackSafe(detail ?? ""))"
    }

    public func body(_ format: WebhookNotifier.Format) -> String {
        switch format {
        case .json: document.serialized()
        // Only `text`: what every Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat) reads.
        case .slack: JSONValue.object(["text": .string(text)]).serialized()
        }
    }

    /// Slack's three control characters escaped, the rest inert.
    static func slackSafe(_ text: String) -> String {
        InertText.escaped(text).replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
