/// Why a live collection could not read part of the account.
public enum LiveCollectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The region's clusters kept changing while the listing was read: every pass saw a different total.
    case listingUnstable(region: String, passes: Int)
    /// A listing page was not a cluster listing.
    case listingUnreadable(region: String, page: Int, detail: String)

    public var description: String {
        switch self {
        case .listingUnstable(let region, let passes):
            return "the cluster listing of \(region) changed during each of \(passes) passes; clusters may be missing"
        case .listingUnreadable(let region, let page, let detail):
            return "page \(page) of the cluster listing of \(region) is not a cluster listing: \(detail)"
        }
    }
}
