import AlibabaCloudSigning
import Foundation

/// Removes known secrets (raw and percent-encoded, as an echoed string to sign would carry them) from text that
/// came from a server, and keeps it to one short line.
enum Redaction {
    static let maximumLength = 300

    static func clean(_ text: String, secrets: [String]) -> String {
        var result = text
        for secret in secrets where secret.count >= 4 {
            let once = PercentEncoding.rfc3986(secret)
            for form in [PercentEncoding.rfc3986(once), once, secret] {
                result = result.replacingOccurrences(of: form, with: "<redacted>")
            }
        }
        result = result.split(whereSeparator: \.isNewline).joined(separator: " ")
        if result.count > maximumLength {
            result = String(result.prefix(maximumLength)) + "…"
        }
        return result
    }
}
