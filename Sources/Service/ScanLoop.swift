import Audit
public import AuditRun
public import Foundation
public import Logging
public import ServiceLifecycle

/// Runs the audit on a ``Schedule``: the first scan at start-up, then one at a time, never overlapping (the next
/// starts only after the previous one finished). Each finished scan goes into the ``ScanHistory`` and to every
/// observer (metrics, alerts), in order.
///
/// A graceful shutdown (SIGTERM, SIGINT) cancels a scan in progress: it is kept as an incomplete scan without a report
/// (the metric `ackguard_scan_incomplete` says 1, a log line says so) and the loop returns.
public final class ScanLoop: Service, Sendable {
    /// What one scan is: an ``AuditRun`` of the request in the service, anything in tests.
    public typealias Scan = @Sendable () async throws -> AuditOutcome
    /// Told of each finished scan, with the scan with a report before it (what changes are measured against).
    public typealias Observer = @Sendable (_ scan: ScanRecord, _ before: ScanRecord?) async -> Void

    public let schedule: Schedule
    public let history: ScanHistory
    let scan: Scan
    let observers: [Observer]
    let logger: Logger
    let now: @Sendable () -> Date
    let scansLeft: Int?

    /// - Parameter maximumScans: stop after this many scans (tests); `nil` runs until shut down.
    public init(
        schedule: Schedule, history: ScanHistory, logger: Logger, observers: [Observer] = [],
        maximumScans: Int? = nil, now: @escaping @Sendable () -> Date = { Date() }, scan: @escaping Scan
    ) {
        self.schedule = schedule
        self.history = history
        self.scan = scan
        self.observers = observers
        self.logger = logger
        self.now = now
        self.scansLeft = maximumScans
    }

    /// The scan loop of a request: each scan is `AuditRun(request).run()` (which also records it in the history
    /// database when the request says so).
    public convenience init(
        request: AuditRequest, schedule: Schedule, history: ScanHistory, logger: Logger, observers: [Observer] = []
    ) {
        self.init(schedule: schedule, history: history, logger: logger, observers: observers) {
            try await AuditRun(request).run()
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
    }

    /// Scans until cancelled (or ``scansLeft`` are done).
    func loop() async {
        var id = 0
        while !Task.isCancelled {
            id += 1
            let started = now()
            let record = await runOne(id: id, started: started)
            let before = await history.add(record)
            log(record)
            for observer in observers { await observer(record, before) }
            if record.cancelled || Task.isCancelled { return }
            if let scansLeft, id >= scansLeft { return }
            let next = schedule.next(afterStart: started, end: now())
            let wait = next.timeIntervalSince(now())
            if wait > 0 {
                do {
                    try await Task.sleep(for: .milliseconds(Int64(min(wait, 1e9) * 1000)))
                } catch {
                    return
                }
            }
        }
    }

    func runOne(id: Int, started: Date) async -> ScanRecord {
        logger.info("scan \(id) started")
        do {
            let outcome = try await scan()
            if Task.isCancelled {
                // What a cancelled run read was cut short (Kubernetes reads cancelled look like unreachable APIs):
                // its report is not kept, so neither the diff, the alerts nor the metrics take it for a scan.
                return ScanRecord(
                    id: id, startedAt: started, finishedAt: now(), report: nil, callCounts: outcome.callCounts,
                    callOutcomes: outcome.callOutcomes, failure: "cancelled by shutdown", cancelled: true,
                    warnings: outcome.warnings)
            }
            return ScanRecord(
                id: id, startedAt: started, finishedAt: now(), report: outcome.report,
                completenessNotes: outcome.completenessNotes, callCounts: outcome.callCounts,
                callOutcomes: outcome.callOutcomes, warnings: outcome.warnings)
        } catch {
            let cancelled = Task.isCancelled || error is CancellationError
            let message = cancelled ? "cancelled by shutdown" : Self.oneLine(error)
            return ScanRecord(
                id: id, startedAt: started, finishedAt: now(), report: nil, failure: message, cancelled: cancelled)
        }
    }

    func log(_ record: ScanRecord) {
        for warning in record.warnings { logger.warning("scan \(record.id): \(warning)") }
        let counts = record.counts
        let summary = Status.allCases.sorted().map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        let seconds = String(format: "%.1f", record.durationSeconds)
        if record.cancelled {
            logger.warning("scan \(record.id) cancelled by shutdown after \(seconds)s: marked incomplete")
        } else if let failure = record.failure {
            logger.error("scan \(record.id) failed after \(seconds)s: \(failure)")
        } else if record.incomplete {
            let first = record.completenessNotes.first ?? ""
            logger.warning("scan \(record.id) incomplete after \(seconds)s (\(summary)): \(first)")
        } else {
            logger.info("scan \(record.id) finished in \(seconds)s: \(summary)")
        }
    }

    /// An error as one inert line.
    static func oneLine(_ error: any Error) -> String {
        let text = (error as? RunFailure)?.description ?? String(describing: error)
        return InertText.escaped(text)
    }
}
