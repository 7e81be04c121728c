import CivilTime
public import Foundation

/// The two timestamp formats the signers put on requests, computed without locales or formatters (UTC only).
public enum SigningDate {
    /// `2024-05-20T08:30:00Z` (ISO 8601, UTC, whole seconds): V3 `x-acs-date` and RPC `Timestamp`.
    public static func iso8601(_ date: Date) -> String { civil(date).rfc3339 }

    /// `Mon, 20 May 2024 08:30:00 GMT` (RFC 1123): the ROA `date` header.
    public static func rfc1123(_ date: Date) -> String {
        let parts = civil(date)
        return "\(weekdays[parts.weekday]), \(pad(parts.day)) \(months[parts.month - 1]) \(pad(parts.year, 4)) "
            + "\(pad(parts.hour)):\(pad(parts.minute)):\(pad(parts.second)) GMT"
    }

    /// Parses the `iso8601(_:)` form (`YYYY-MM-DDThh:mm:ssZ`); `nil` for anything else.
    public static func parseISO8601(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            bytes[19] == UInt8(ascii: "Z"),
            let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10]),
            let hour = number(bytes[11..<13]), let minute = number(bytes[14..<16]),
            let second = number(bytes[17..<19])
        else { return nil }
        return makeDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Parses the `rfc1123(_:)` form (`Mon, 20 May 2024 08:30:00 GMT`); `nil` for anything else.
    public static func parseRFC1123(_ text: String) -> Date? {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 6, fields[0].hasSuffix(","), fields[5] == "GMT",
            let day = Int(fields[1]), let monthIndex = months.firstIndex(of: String(fields[2])),
            let year = Int(fields[3])
        else { return nil }
        let clock = fields[4].split(separator: ":")
        guard clock.count == 3, let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2])
        else { return nil }
        return makeDate(year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second)
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func civil(_ date: Date) -> CivilTime {
        CivilTime(epochSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String { CivilTime.padded(value, width) }

    private static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func makeDate(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        CivilTime.epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            .map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }
}
