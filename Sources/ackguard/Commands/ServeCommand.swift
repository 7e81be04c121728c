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

    /// The serve options as the library takes them.
    var commandLine: ServeCommandLine {
        var line = ServeCommandLine()
        (line.every, line.cron, line.listen, line.tokenFile) = (every, cron, listen, tokenFile)
        (line.webhooks, line.webhookFormat, line.webhookSecretFile) = (webhook, webhookFormat, webhookSecretFile)
        line.keepScans = keepScans
        return line
    }

    func validate() throws {
        if savedFolder != nil && (liveOptions.demo || liveOptions.endpoint != nil) {
            throw ValidationError("--from audits saved files; it does not combine with --demo or --endpoint")
        }
        do { try commandLine.check() } catch { throw ValidationError(error.description) }
    }

    func run() async throws {
        let settings: ServeSettings
        do { settings = try commandLine.settings() } catch { throw RunFailure(error.description) }
        let request = AuditRequest(
            source: savedFolder.map { .saved(folder: $0) } ?? .live(liveOptions.resolved()),
            options: ruleOptions.auditOptions, suppressions: resultOptions.suppressions,
            history: resultOptions.historyPolicy, environment: ProcessInfo.processInfo.environment,
            toolVersion: ACKGuard.version)
        var logger = Logger(label: "ackguard.serve") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = .info
        let service = ScanService(request: request, settings: settings, logger: logger)
        try await service.run { url in Terminal.writeStdout("listening on \(url)\n") }
    }
}
