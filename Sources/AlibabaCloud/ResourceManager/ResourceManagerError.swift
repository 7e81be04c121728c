/// Failures of the ResourceManager client that are not plain transport errors (those stay `CSClientError` and
/// `ACSServiceError`).
public enum ResourceManagerError: Error, Sendable, CustomStringConvertible {
    /// The caller may not list the Resource Directory's members: not its management account nor a delegated
    /// administrator, or a RAM identity without the `resourcemanager:` action. Carries the service's answer.
    case notManagementAccount(action: String, serviceError: ACSServiceError)
    /// A member account id that is not 16 decimal digits.
    case invalidAccountId(String)
    /// A RAM role name outside 1-64 letters, digits, `.`, `-` and `_`.
    case invalidRoleName(String)
    /// A folder id outside 1-64 letters, digits and `-` (`r-…` for the root folder, `fd-…` for the others).
    case invalidFolderId(String)
    /// A successful status with a body that is not the JSON the operation documents (wrong types, a missing or
    /// impossible count, an account that fails validation).
    case invalidResponse(action: String, detail: String)
    /// A listing that did not end within the allowed number of pages.
    case tooManyPages(action: String, pages: Int)
    /// A page that brought nothing new: the server ignores `PageNumber`.
    case paginationNotAdvancing(action: String, page: Int)
    /// The listing ended (an empty page) before `TotalCount` entries arrived.
    case incompleteListing(action: String, received: Int, totalCount: Int)
    /// The folder walk went deeper than allowed.
    case folderTreeTooDeep(root: String, depth: Int)
    /// The folder walk met more folders than allowed.
    case tooManyFolders(root: String, limit: Int)

    public var description: String {
        switch self {
        case .notManagementAccount(let action, let error):
            return "\(action) is allowed only for the management account or a delegated administrator of the "
                + "Resource Directory (and, for a RAM identity, with the resourcemanager:\(action) permission): "
                + "\(error)"
        case .invalidAccountId(let value):
            return "invalid member account id \(quoted(value)): expected 16 decimal digits"
        case .invalidRoleName(let value):
            return "invalid RAM role name \(quoted(value)): expected 1-64 letters, digits, '.', '-' or '_'"
        case .invalidFolderId(let value):
            return "invalid Resource Directory folder id \(quoted(value)): expected 1-64 letters, digits "
                + "and '-' (r-… or fd-…)"
        case .invalidResponse(let action, let detail):
            return "\(action): unexpected response: \(detail)"
        case .tooManyPages(let action, let pages):
            return "\(action): the listing did not end within \(pages) pages"
        case .paginationNotAdvancing(let action, let page):
            return "\(action): page \(page) brought only entries of earlier pages; the server ignores PageNumber"
        case .incompleteListing(let action, let received, let totalCount):
            return "\(action): the listing ended after \(received) of the \(totalCount) entries its TotalCount "
                + "announced"
        case .folderTreeTooDeep(let root, let depth):
            return "the folders under \(root) nest deeper than \(depth) levels"
        case .tooManyFolders(let root, let limit):
            return "more than \(limit) folders under \(root)"
        }
    }
}

/// A value from outside, quoted with its control characters escaped and cut to 80 characters, for messages.
private func quoted(_ value: String) -> String {
    String(reflecting: String(value.prefix(80)))
}
