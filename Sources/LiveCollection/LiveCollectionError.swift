import Audit
import BoundedConcurrency

/// Why a live collection could not read part of the account.
public enum LiveCollectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The region's clusters kept changing while the listing was read: every pass saw a different total.
    case listingUnstable(region: String, passes: Int, seen: Int)
    /// Regions asked for (`--region`) that DescribeRegions does not list.
    case unknownRegions([String], available: [String])
    /// The run's time limit (`--max-duration`) ended before this was done.
    case deadline(what: String, limit: Duration?)
    /// A listing page was not a cluster listing.
    case listingUnreadable(region: String, page: Int, detail: String)

    public var description: String {
        switch self {
        case .listingUnstable(let region, let passes, let seen):
            return "the cluster listing of \(region) changed during each of \(passes) passes: the \(seen) cluster(s) "
                + "seen were audited, others may be missing"
        case .unknownRegions(let unknown, let available):
            let names = unknown.map { InertText.quoted($0) }.joined(separator: ", ")
            return "no such region \(names) (DescribeRegions lists: \(available.joined(separator: ", ")))"
        case .deadline(let what, let limit):
            let limitText = limit.map { " (--max-duration \(secondsText($0)) s)" } ?? ""
            return "\(what) was not read within the run's time limit\(limitText)"
        case .listingUnreadable(let region, let page, let detail):
            return "page \(page) of the cluster listing of \(region) is not a cluster listing: \(detail)"
        }
    }
}
