import Synchronization

/// A one-line progress bar for live scans: clusters done/total, rate and ETA, redrawn in place with `\r`.
///
/// It writes only when `isTTY` is true and `quiet` is false; otherwise every call does nothing, so callers need no
/// branches. The output closure receives the exact bytes to write (stderr in the CLI); the clock is injected, so the
/// rate and ETA are testable. Safe to call from concurrent tasks.
public final class ProgressBar: Sendable {
    /// Seconds elapsed since some fixed origin (monotonic).
    public typealias Now = @Sendable () -> Double

    struct State {
        var start: Double?
        var done = 0
        var total = 0
        var lastWidth = 0
        var finished = false
    }

    public let isEnabled: Bool
    let label: String
    let barWidth: Int
    let output: @Sendable (String) -> Void
    let now: Now
    let state = Mutex(State())

    /// - Parameters:
    ///   - label: what is counted, e.g. `clusters`.
    ///   - isTTY: whether the output is a terminal.
    ///   - quiet: `--quiet`: never draw.
    ///   - now: seconds from a monotonic clock; the first `update` is time zero.
    ///   - output: receives each redraw.
    public init(
        label: String = "clusters", isTTY: Bool, quiet: Bool, barWidth: Int = 24, now: @escaping Now,
        output: @escaping @Sendable (String) -> Void
    ) {
        self.label = label
        self.isEnabled = isTTY && !quiet
        self.barWidth = max(1, barWidth)
        self.now = now
        self.output = output
    }

    /// Records progress and redraws. `done` never goes backwards; `total` may grow (regions discovered late).
    public func update(done: Int, total: Int) {
        guard isEnabled else { return }
        let time = now()
        let text: String? = state.withLock { state in
            guard !state.finished else { return nil }
            if state.start == nil { state.start = time }
            state.done = max(state.done, done)
            state.total = max(total, state.done)
            let line = Self.line(
                done: state.done, total: state.total, elapsed: time - (state.start ?? time), label: label,
                barWidth: barWidth)
            let padding = String(repeating: " ", count: max(0, state.lastWidth - line.count))
            state.lastWidth = line.count
            return "\r" + line + padding
        }
        if let text { output(text) }
    }

    /// Ends the line (once). Later updates are ignored.
    public func finish() {
        guard isEnabled else { return }
        let shouldWrite: Bool = state.withLock { state in
            guard !state.finished else { return false }
            state.finished = true
            return state.lastWidth > 0
        }
        if shouldWrite { output("\n") }
    }

    /// The bar's text: `[#########---------------] 12/40 clusters  3.0/s  ETA 0:09`.
    public static func line(done: Int, total: Int, elapsed: Double, label: String = "clusters", barWidth: Int = 24)
        -> String
    {
        let filled = total > 0 ? min(barWidth, done * barWidth / total) : 0
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled) + "]"
        var rateText = "--/s"
        var etaText = "ETA --:--"
        if elapsed > 0, done > 0 {
            let rate = Double(done) / elapsed
            rateText = formatRate(rate) + "/s"
            let remaining = Double(max(0, total - done)) / rate
            etaText = "ETA " + formatDuration(remaining)
        }
        if total > 0, done >= total { etaText = "done " + formatDuration(max(0, elapsed)) }
        return "\(bar) \(done)/\(total) \(label)  \(rateText)  \(etaText)"
    }

    /// One decimal below 10 per second, whole numbers above.
    static func formatRate(_ rate: Double) -> String {
        if rate >= 10 { return String(Int(rate.rounded())) }
        let tenths = Int((rate * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// `m:ss`, or `h:mm:ss` from an hour up.
    static func formatDuration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--:--" }
        let whole = Int(seconds.rounded(.up))
        let hours = whole / 3600
        let minutes = (whole % 3600) / 60
        let secs = whole % 60
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        if hours > 0 { return "\(hours):\(twoDigits(minutes)):\(twoDigits(secs))" }
        return "\(minutes):\(twoDigits(secs))"
    }
}
