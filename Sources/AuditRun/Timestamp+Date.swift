public import Audit
public import Foundation

extension Timestamp {
    /// ``rfc3339(epochSeconds:)`` of a `Date` (whole seconds, UTC): the run's clock reading for its report.
    public static func rfc3339(_ date: Date) -> String {
        rfc3339(epochSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))
    }
}
