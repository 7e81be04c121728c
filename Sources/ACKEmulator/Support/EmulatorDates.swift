import AlibabaCloudSigning
import Foundation

/// The timestamp forms the emulated APIs use.
enum EmulatorDates {
    /// `2024-02-05T17:44:26+08:00`: cluster `created`/`updated` as the CS API renders them (China Standard Time).
    static func chinaStandardTime(_ date: Date) -> String {
        let shifted = SigningDate.iso8601(date.addingTimeInterval(8 * 3_600))
        return String(shifted.dropLast()) + "+08:00"
    }

    /// `2024-02-05T09:44:26Z`.
    static func utc(_ date: Date) -> String {
        SigningDate.iso8601(date)
    }

    /// `2024-02-05 09:44:26`: task stage times.
    static func stageTime(_ date: Date) -> String {
        let text = SigningDate.iso8601(date.addingTimeInterval(8 * 3_600))
        return String(text.dropLast()).replacingOccurrences(of: "T", with: " ")
    }
}
