import JSON

/// `page_info` of paged CS listings.
public struct CSPageInfo: Sendable, Hashable {
    public let pageNumber: Int?
    public let pageSize: Int?
    public let totalCount: Int?

    public init(pageNumber: Int?, pageSize: Int?, totalCount: Int?) {
        self.pageNumber = pageNumber
        self.pageSize = pageSize
        self.totalCount = totalCount
    }

    init(json: JSONValue) {
        self.init(
            pageNumber: json.integer("page_number"), pageSize: json.integer("page_size"),
            totalCount: json.integer("total_count"))
    }
}
