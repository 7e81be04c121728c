import AsyncHTTPClient
public import AuditRun
public import Foundation
import Hummingbird
public import Logging
import ServiceLifecycle
public import UnixSignals

/// What `ackguard serve` needs besides the audit request.
public struct ServeSettings: Sendable {
    /// Where to listen: 127.0.0.1 unless told otherwise; port 0 takes a free one.
    public var host = "127.0.0.1"
    public var port = 0
    public var schedule: Schedule = .every(seconds: 3600)
    public var token: BearerToken?
    public var webhooks: [URL] = []
    public var webhookFormat: WebhookNotifier.Format = .json
    public var webhookSecret: Data?
    /// Scans kept in full (reports for `/api/scans/{id}`).
    public var keptScans = 20

    public init() {}

    /// `HOST:PORT`, `[V6]:PORT` or `:PORT`; one line naming the problem otherwise.
    public static func parseListen(_ text: String) throws(ServeError) -> (host: String, port: Int) {
        let problem = ServeError("--listen \(InertName.clip(text)): use HOST:PORT (e.g. 127.0.0.1:8080, [::1]:0)")
        guard text.utf8.count <= 300, let colon = text.lastIndex(of: ":") else { throw problem }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard portText.count <= 5, let port = Int(portText), (0...65535).contains(port) else { throw problem }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "127.0.0.1" }
        guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":") })
        else { throw problem }
        return (host, port)
    }
}

public struct ServeError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The whole service: the scan loop and the HTTP server in one ServiceGroup, which SIGTERM and SIGINT shut down
/// gracefully (the scan in progress is cancelled and kept as incomplete, the server stops accepting).
public struct ScanService: Sendable {
    public let settings: ServeSettings
    public let history: ScanHistory
    public let metrics: ServiceMetrics
    let scan: ScanLoop.Scan
    let logger: Logger
    /// Why the request cannot be served (``problem(with:)``): ``run(signals:onListening:)`` throws it at once.
    let refusal: String?
    /// Told of each finished scan after the metrics and the alerts (tests wait on it).
    public var observers: [ScanLoop.Observer] = []

    public init(settings: ServeSettings, logger: Logger, scan: @escaping ScanLoop.Scan) {
        self.settings = settings
        self.history = ScanHistory(keptScans: settings.keptScans)
        self.metrics = ServiceMetrics()
        self.scan = scan
        self.logger = logger
        self.refusal = nil
    }

    /// The service of `request`: each scan is `AuditRun(request).run()`, which also records it in the store the
    /// request names (`--store`, `--history`), one scan after another.
    public init(request: AuditRequest, settings: ServeSettings, logger: Logger) {
        self.settings = settings
        self.history = ScanHistory(keptScans: settings.keptScans)
        self.metrics = ServiceMetrics()
        self.scan = { try await AuditRun(request).run() }
        self.logger = logger
        self.refusal = Self.problem(with: request)
    }

    /// Why `serve` refuses `request`, or `nil`. A shard (`--shard K/N`) is refused: a shard is one runner's part of
    /// one organisation scan, tied to the others by its run id, and a stored part replaces the part of the same run id
    /// and index. Repeated on a schedule it would keep overwriting one part, and the metrics and the dashboard would
    /// show a fraction of the accounts. A sharded organisation scan is the Indexed Job of `deploy/` (`audit --shard`);
    /// `serve` audits every account of the organisation itself (`--account-concurrency` bounds how many at once).
    public static func problem(with request: AuditRequest) -> String? {
        var sharded = request.part != nil
        if case .live(let settings) = request.source, settings.shard != nil { sharded = true }
        guard sharded else { return nil }
        return "serve does not take --shard: it audits every selected account on each scan; for a sharded "
            + "organisation scan run `audit --shard K/N` as an Indexed Job (deploy/org-scan-job.yaml)"
    }

    /// Runs until a signal (or the task's cancellation) stops it. `onListening` gets `http://HOST:PORT` once the
    /// server listens.
    public func run(
        signals: [UnixSignal] = [.sigterm, .sigint], onListening: @escaping @Sendable (String) -> Void
    ) async throws {
        if let refusal { throw ServeError(refusal) }
        let webhookClient = settings.webhooks.isEmpty ? nil : HTTPClient(eventLoopGroupProvider: .singleton)
        var observers: [ScanLoop.Observer] = [{ [metrics] scan, _ in metrics.update(after: scan) }]
        if let webhookClient {
            let notifier = WebhookNotifier(
                urls: settings.webhooks, format: settings.webhookFormat, secret: settings.webhookSecret,
                client: webhookClient, logger: logger)
            observers.append { scan, before in await notifier.observe(scan, before: before) }
        }
        observers += self.observers
        let loop = ScanLoop(
            schedule: settings.schedule, history: history, logger: logger, observers: observers, scan: scan)
        let routes = ServiceRoutes(
            history: history, metrics: metrics, schedule: settings.schedule, token: settings.token)
        let host = settings.host
        let urlHost = host.contains(":") ? "[\(host)]" : host
        let application = Application(
            router: routes.router(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: settings.port), serverName: nil),
            onServerRunning: { channel in onListening("http://\(urlHost):\(channel.localAddress?.port ?? 0)") },
            logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: application),
                    .init(service: loop, successTerminationBehavior: .ignore),
                ],
                gracefulShutdownSignals: signals, logger: logger))
        do {
            try await group.run()
        } catch {
            try? await webhookClient?.shutdown()
            throw error
        }
        try? await webhookClient?.shutdown()
    }
}
