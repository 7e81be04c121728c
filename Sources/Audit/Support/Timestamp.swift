/// RFC 3339 timestamps in UTC, to and from Unix time, without Foundation's formatters: the clock belongs to the
/// caller, which passes the instant as seconds (or milliseconds) since 1970-01-01T00:00:00Z. The one timestamp
/// format of reports, rollback files and remediation.
public enum Timestamp {
    /// `2025-05-01T08:00:42Z`: RFC 3339 in UTC, whole seconds. A caller with a fractional instant rounds it down
    /// first (as Foundation's `ISO8601DateFormatter` does).
    public static func rfc3339(epochSeconds: Int64) -> String {
        let (date, time) = civil(epochSeconds)
        return "\(padded(date.year, 4))-\(padded(date.month))-\(padded(date.day))T\(padded(time.hour)):"
            + "\(padded(time.minute)):\(padded(time.second))Z"
    }

    /// `20250501T080042Z`: the same instant in ISO 8601's basic format, for file names.
    public static func compact(epochSeconds: Int64) -> String {
        let (date, time) = civil(epochSeconds)
        return "\(padded(date.year, 4))\(padded(date.month))\(padded(date.day))T\(padded(time.hour))"
            + "\(padded(time.minute))\(padded(time.second))Z"
    }

    /// Milliseconds since 1970-01-01T00:00:00Z for `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`, else `nil`. Digits beyond
    /// milliseconds are dropped; `t` and a space are accepted for `T`, `z` for `Z`.
    public static func epochMilliseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + width] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += width
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysInMonth(year: year, month: month)).contains(day), hour < 24,
            minute < 60, second < 61
        else { return nil }
        var milliseconds = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                if digits < 3 { milliseconds = milliseconds * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { milliseconds *= 10 }
        }
        var offsetMinutes = 0
        if expect("Zz") {
            offsetMinutes = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = number(2), expect(":"), let offsetMinute = number(2), offsetHours < 24,
                offsetMinute < 60
            else { return nil }
            offsetMinutes = sign * (offsetHours * 60 + offsetMinute)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second - offsetMinutes * 60
        return Int64(seconds) * 1000 + Int64(milliseconds)
    }

    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    /// The date of day `days` since 1970-01-01 (Howard Hinnant's `civil_from_days`, the inverse of the above).
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719468
        let era = (shifted >= 0 ? shifted : shifted - 146096) / 146097
        let dayOfEra = shifted - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The UTC date and time of `epochSeconds`.
    static func civil(_ epochSeconds: Int64) -> (
        date: (year: Int, month: Int, day: Int), time: (hour: Int, minute: Int, second: Int)
    ) {
        let seconds = Int(epochSeconds)
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let rest = seconds - days * 86400
        return (civilFromDays(days), (rest / 3600, rest % 3600 / 60, rest % 60))
    }

    /// `value` with leading zeros to at least `width` digits (a negative year keeps its sign first).
    static func padded(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(value.magnitude)
        let zeros = String(repeating: "0", count: max(0, width - digits.count))
        return (value < 0 ? "-" : "") + zeros + digits
    }
}
