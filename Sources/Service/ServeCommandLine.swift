import Foundation

/// `ackguard serve`'s own options as typed, before they are checked: the command line parses them, this type says
/// what is wrong with them and makes the ``ServeSettings``.
public struct ServeCommandLine: Sendable {
    public var every: String?
    public var cron: String?
    public var listen = "127.0.0.1:0"
    public var tokenFile: String?
    public var webhooks: [String] = []
    public var webhookFormat = "json"
    public var webhookSecretFile: String?
    public var keepScans = 20

    public init() {}

    /// The schedule: `--cron`, else `--every` (default one hour).
    public func schedule() throws -> Schedule {
        if let cron { return .cron(try CronExpression(cron)) }
        return try Schedule.every(every ?? "1h")
    }

    /// Checks everything that needs no file: one line naming the first problem.
    public func check() throws(ServeError) {
        if every != nil && cron != nil { throw ServeError("--every and --cron are alternatives: give one") }
        do {
            _ = try schedule()
            _ = try ServeSettings.parseListen(listen)
            for url in webhooks { _ = try WebhookNotifier.parseURL(url) }
        } catch {
            throw ServeError("\(error)")
        }
        if WebhookNotifier.Format(rawValue: webhookFormat) == nil {
            throw ServeError("--webhook-format must be json or slack")
        }
        if !(2...1000).contains(keepScans) { throw ServeError("--keep-scans must be between 2 and 1000") }
        if webhookSecretFile != nil && webhooks.isEmpty {
            throw ServeError("--webhook-secret-file signs alerts: it needs --webhook")
        }
    }

    /// The settings, with the token and the webhook secret read from their files.
    public func settings() throws(ServeError) -> ServeSettings {
        try check()
        do {
            var settings = ServeSettings()
            (settings.host, settings.port) = try ServeSettings.parseListen(listen)
            settings.schedule = try schedule()
            settings.token = try tokenFile.map { path throws in try BearerToken.load(path: path) }
            settings.webhooks = try webhooks.map { url throws in try WebhookNotifier.parseURL(url) }
            settings.webhookFormat = WebhookNotifier.Format(rawValue: webhookFormat) ?? .json
            settings.webhookSecret = try webhookSecretFile.map { path throws in
                try WebhookNotifier.loadSecret(path: path)
            }
            settings.keptScans = keepScans
            return settings
        } catch {
            throw ServeError("\(error)")
        }
    }
}
