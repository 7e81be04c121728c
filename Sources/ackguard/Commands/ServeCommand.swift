import ArgumentParser
import AuditRun
import Foundation
import Logging
import Service

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Audit on a schedule and serve Prometheus metrics, a dashboard, a JSON API and change alerts.",
        discussion: """
            Runs the same audit as `audit` (the same source, rule and result options) at start-up and then \
            --every DURATION (30s, 15m, 1h) or on --cron "M H DoM Mon DoW" (UTC), one scan at a time. Serves \
            GET /metrics (Prometheus), /healthz, /readyz (200 once the first scan finished), / (dashboard), \
            /api/scans, /api/scans/ID and /api/diff. Listens on 127.0.0.1 unless --listen says otherwise and \
            prints `listening on http://HOST:PORT` as its first line; there is no TLS: put a reverse proxy in front \
            to expose it. SIGTERM or SIGINT stops it (a scan in progress is cancelled and marked incomplete), exit 0.
            Example: ackguard serve --demo --every 30s
            """
    )

    @Option(name: .customLong("from"), help: "Audit a saved-evidence folder instead of a live account.")
    var savedFolder: String?

    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var liveOptions: LiveOptions
    @OptionGroup var resultOptions: ResultOptions

    @Option(help: ArgumentHelp("Time between scan starts: 30s, 15m, 1h, 1d (default 1h).", valueName: "duration"))
    var every: String?

    @Option(help: ArgumentHelp("Scan at the minutes of a 5-field cron expression (UTC) instead.", valueName: "expr"))
    var cron: String?

    @Option(help: ArgumentHelp("Address to listen on (default 127.0.0.1:0, a free port).", valueName: "host:port"))
    var listen = "127.0.0.1:0"

    @Option(
        help: ArgumentHelp(
            "File holding a bearer token (16+ printable characters) required for / and /api/*.", valueName: "path"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("POST change alerts to this http(s) URL (repeatable).", valueName: "url"))
    var webhook: [String] = []

    @Option(help: ArgumentHelp("Alert body: json (default) or slack.", valueName: "format"))
    var webhookFormat = "json"

    @Option(
        help: ArgumentHelp(
            "File holding the secret that signs each alert (X-Ackguard-Signature-256: sha256=HMAC).",
            valueName: "path"))
    var webhookSecretFile: String?

    @Option(help: "Scans whose reports stay available at /api/scans/ID (2-1000).")
    var keepScans = 20

    func validate() throws {
        if savedFolder != nil && (liveOptions.demo || liveOptions.endpoint != nil) {
            throw ValidationError("--from audits saved files; it does not combine with --demo or --endpoint")
        }
        if every != nil && cron != nil { throw ValidationError("--every and --cron are alternatives: give one") }
        do {
            _ = try schedule()
            _ = try ServeSettings.parseListen(listen)
            for url in webhook { _ = try WebhookNotifier.parseURL(url) }
        } catch {
            throw ValidationError("\(error)")
        }
        if WebhookNotifier.Format(rawValue: webhookFormat) == nil {
            throw ValidationError("--webhook-format must be json or slack")
        }
        if (2...1000).contains(keepScans) == false { throw ValidationError("--keep-scans must be between 2 and 1000") }
        if webhookSecretFile != nil && webhook.isEmpty {
            throw ValidationError("--webhook-secret-file signs alerts: it needs --webhook")
        }
    }

    func schedule() throws -> Schedule {
        if let cron { return .cron(try CronExpression(cron)) }
        return try Schedule.every(every ?? "1h")
    }

    /// The serve settings this command line makes; reads the token and secret files.
    func settings() throws -> ServeSettings {
        var settings = ServeSettings()
        (settings.host, settings.port) = try ServeSettings.parseListen(listen)
        settings.schedule = try schedule()
        settings.token = try tokenFile.map { path throws in try BearerToken.load(path: path) }
        settings.webhooks = try webhook.map { url throws in try WebhookNotifier.parseURL(url) }
        settings.webhookFormat = WebhookNotifier.Format(rawValue: webhookFormat) ?? .json
        settings.webhookSecret = try webhookSecretFile.map { path throws in try WebhookNotifier.loadSecret(path: path) }
        settings.keptScans = keepScans
        return settings
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings: ServeSettings
        do {
            settings = try self.settings()
        } catch {
            throw RunFailure("\(error)")
        }
        let request = AuditRequest(
            source: savedFolder.map { .saved(folder: $0) } ?? .live(liveOptions.resolved()),
            options: ruleOptions.auditOptions, suppressions: resultOptions.suppressions,
            history: resultOptions.historyPolicy, environment: environment, toolVersion: ACKGuard.version)
        var logger = Logger(label: "ackguard.serve") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = .info
        let service = ScanService(request: request, settings: settings, logger: logger)
        try await service.run { url in Terminal.writeStdout("listening on \(url)\n") }
    }
}
