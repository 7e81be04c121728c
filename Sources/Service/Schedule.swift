import Audit
public import Foundation

/// When scans run: every fixed interval (`--every 30s`, `15m`, `1h`) or at the minutes a 5-field cron expression
/// names (`--cron "*/15 * * * *"`, UTC). The first scan always runs at start-up.
public enum Schedule: Sendable, Equatable {
    case every(seconds: Int)
    case cron(CronExpression)

    /// The shortest interval accepted (a scan of a large fleet takes longer than this anyway).
    public static let minimumSeconds = 1
    /// The longest interval accepted: 31 days.
    public static let maximumSeconds = 31 * 24 * 3600

    /// `30s`, `15m`, `1h`, `2h30m` or a plain number of seconds; one line naming the problem otherwise.
    public static func every(_ text: String) throws(ScheduleError) -> Schedule {
        guard !text.isEmpty, text.utf8.count <= 32 else {
            throw ScheduleError("--every '\(InertName.clip(text))' is not a duration (e.g. 30s, 15m, 1h)")
        }
        if let plain = Int(text) { return try checked(plain, text) }
        var total = 0
        var digits = ""
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                digits.append(Character(String(digit)))
                continue
            }
            let unit: Int
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            default:
                throw ScheduleError(
                    "--every '\(InertName.clip(text))' is not a duration (use s, m, h or d, e.g. 30s, 1h)")
            }
            guard let value = Int(digits), value <= maximumSeconds else {
                throw ScheduleError("--every '\(InertName.clip(text))' is not a duration (e.g. 30s, 15m, 1h)")
            }
            total += value * unit
            digits = ""
            guard total <= maximumSeconds else { break }
        }
        guard digits.isEmpty else {
            throw ScheduleError("--every '\(InertName.clip(text))' needs a unit after \(digits) (s, m, h or d)")
        }
        return try checked(total, text)
    }

    static func checked(_ seconds: Int, _ text: String) throws(ScheduleError) -> Schedule {
        guard seconds >= minimumSeconds, seconds <= maximumSeconds else {
            throw ScheduleError("--every '\(InertName.clip(text))' must be between 1s and 31d")
        }
        return .every(seconds: seconds)
    }

    /// When the scan after one that started at `start` and finished at `end` runs: an interval counts from the start
    /// (a scan longer than the interval is followed at once, never overlapped); cron names the next matching minute
    /// after the end.
    public func next(afterStart start: Date, end: Date) -> Date {
        switch self {
        case .every(let seconds):
            return max(end, start.addingTimeInterval(TimeInterval(seconds)))
        case .cron(let expression):
            return expression.next(after: end) ?? end.addingTimeInterval(TimeInterval(Self.maximumSeconds))
        }
    }

    /// For logs and the dashboard.
    public var description: String {
        switch self {
        case .every(let seconds): "every \(seconds)s"
        case .cron(let expression): "cron \(expression.text) (UTC)"
        }
    }
}

/// A schedule that cannot be used, one line.
public struct ScheduleError: Error, CustomStringConvertible, Equatable {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// A 5-field cron expression (minute hour day-of-month month day-of-week), evaluated in UTC. Each field is `*`, a
/// number, a range `a-b`, a step `*/n` or `a-b/n`, or a comma list of those. Day-of-week 0 and 7 are Sunday; when
/// both day fields are restricted a day matching either runs (as in Vixie cron). Names (`MON`, `JAN`) and `@hourly`
/// are not supported.
public struct CronExpression: Sendable, Equatable {
    public let text: String
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    public init(_ text: String) throws(ScheduleError) {
        guard text.utf8.count <= 200 else { throw ScheduleError("--cron: the expression is longer than 200 bytes") }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw ScheduleError(
                "--cron '\(InertName.clip(text))' needs 5 fields (minute hour day-of-month month day-of-week), "
                    + "found \(fields.count)")
        }
        self.text = fields.joined(separator: " ")
        minutes = try Self.field(fields[0], name: "minute", range: 0...59)
        hours = try Self.field(fields[1], name: "hour", range: 0...23)
        daysOfMonth = try Self.field(fields[2], name: "day-of-month", range: 1...31)
        months = try Self.field(fields[3], name: "month", range: 1...12)
        daysOfWeek = Set(try Self.field(fields[4], name: "day-of-week", range: 0...7).map { $0 % 7 })
        dayOfMonthRestricted = fields[2] != "*"
        dayOfWeekRestricted = fields[4] != "*"
    }

    static func field(_ text: String, name: String, range: ClosedRange<Int>) throws(ScheduleError) -> Set<Int> {
        var values = Set<Int>()
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard items.count <= 60 else { throw ScheduleError("--cron: the \(name) field has more than 60 items") }
        for item in items {
            let problem = ScheduleError(
                "--cron: the \(name) field '\(InertName.clip(text))' is not *, N, A-B, */N or A-B/N within "
                    + "\(range.lowerBound)-\(range.upperBound)")
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 1 || parts.count == 2 else { throw problem }
            var step = 1
            if parts.count == 2 {
                guard parts[1].count <= 2, let value = Int(parts[1]), value >= 1 else { throw problem }
                step = value
            }
            let lower: Int
            let upper: Int
            if parts[0] == "*" {
                (lower, upper) = (range.lowerBound, range.upperBound)
            } else {
                let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count == 1 || bounds.count == 2,
                    bounds.allSatisfy({ $0.count <= 2 && $0.allSatisfy(\.isASCII) }),
                    let first = Int(bounds[0]), let last = bounds.count == 2 ? Int(bounds[1]) : first,
                    range.contains(first), range.contains(last), first <= last
                else { throw problem }
                // `5/15` means from 5 to the end, as in Vixie cron.
                (lower, upper) = (first, bounds.count == 1 && parts.count == 2 ? range.upperBound : last)
            }
            values.formUnion(stride(from: lower, through: upper, by: step))
        }
        return values
    }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The first matching minute strictly after `date`, looking at most 5 years ahead (`nil` when none, e.g.
    /// February 30th).
    public func next(after date: Date) -> Date? {
        let calendar = Self.calendar
        guard let startMinute = calendar.dateInterval(of: .minute, for: date)?.end,
            var day = calendar.dateInterval(of: .day, for: startMinute)?.start
        else { return nil }
        for _ in 0..<(5 * 366) {
            let parts = calendar.dateComponents([.month, .day, .weekday], from: day)
            if let month = parts.month, let dayOfMonth = parts.day, let weekday = parts.weekday, months.contains(month),
                dayMatches(dayOfMonth: dayOfMonth, dayOfWeek: weekday - 1)
            {
                for hour in hours.sorted() {
                    for minute in minutes.sorted() {
                        let candidate = day.addingTimeInterval(TimeInterval(hour * 3600 + minute * 60))
                        if candidate >= startMinute { return candidate }
                    }
                }
            }
            guard let following = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            day = following
        }
        return nil
    }

    func dayMatches(dayOfMonth: Int, dayOfWeek: Int) -> Bool {
        let byMonth = daysOfMonth.contains(dayOfMonth)
        let byWeek = daysOfWeek.contains(dayOfWeek)
        if dayOfMonthRestricted && dayOfWeekRestricted { return byMonth || byWeek }
        return byMonth && byWeek
    }
}

/// User text quoted back in an error, inert (``InertText``) and short.
enum InertName {
    static func clip(_ text: String) -> String {
        let escaped = InertText.escaped(text)
        return escaped.count > 60 ? String(escaped.prefix(60)) + "…" : escaped
    }
}
