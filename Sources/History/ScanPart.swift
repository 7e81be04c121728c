/// One runner's part of a sharded scan: `--shard K/N` took a deterministic share of the accounts, and the run id ties
/// the N parts of one organisation scan together.
public struct ScanPart: Sendable, Hashable, Codable {
    /// Names the whole scan the parts belong to (`--run-id`, or the Kubernetes Job's name).
    public var runId: String
    /// 1-based: this part is shard `index` of `count`.
    public var index: Int
    public var count: Int

    public init(runId: String, index: Int, count: Int) {
        self.runId = runId
        self.index = index
        self.count = count
    }
}
