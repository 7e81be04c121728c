import CivilTime

/// RFC 3339 timestamps in UTC, to and from Unix time, without Foundation's formatters: the clock belongs to the
/// caller, which passes the instant as seconds (or milliseconds) since 1970-01-01T00:00:00Z. The one timestamp
/// format of reports, rollback files and remediation.
public enum Timestamp {
    /// `2025-05-01T08:00:42Z`: RFC 3339 in UTC, whole seconds. A caller with a fractional instant rounds it down
    /// first (as Foundation's `ISO8601DateFormatter` does).
    public static func rfc3339(epochSeconds: Int64) -> String { CivilTime(epochSeconds: epochSeconds).rfc3339 }

    /// `20250501T080042Z`: the same instant in ISO 8601's basic format, for file names.
    public static func compact(epochSeconds: Int64) -> String {
        let time = CivilTime(epochSeconds: epochSeconds)
        return "\(padded(time.year, 4))\(padded(time.month))\(padded(time.day))T\(padded(time.hour))"
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
        guard
            let local = CivilTime.epochSeconds(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second)
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
        return (local - Int64(offsetMinutes * 60)) * 1000 + Int64(milliseconds)
    }

    static func padded(_ value: Int, _ width: Int = 2) -> String { CivilTime.padded(value, width) }
}
