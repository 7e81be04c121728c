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

extension ScanPart {
    /// The longest run id kept.
    public static let maxRunIdLength = 128

    /// Why `runId` cannot name a run (`nil` when it can): 1 to 128 characters of letters, digits, `.`, `_`, `:`
    /// and `-` — what a Kubernetes Job name or a CI run id holds.
    public static func runIdProblem(_ runId: String) -> String? {
        guard !runId.isEmpty else { return "the run id is empty" }
        guard runId.utf8.count <= maxRunIdLength else {
            return "the run id is longer than \(maxRunIdLength) characters"
        }
        let allowed = runId.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x3A || byte == 0x2D
        }
        return allowed ? nil : "the run id may hold only letters, digits, '.', '_', ':' and '-'"
    }

    /// Why this part cannot be stored (`nil` when it can): a valid run id and 1 ≤ index ≤ count ≤ 10,000.
    public var problem: String? {
        if let problem = Self.runIdProblem(runId) { return problem }
        guard count >= 1, count <= 10_000 else { return "the shard count \(count) is not between 1 and 10000" }
        guard index >= 1, index <= count else { return "the shard index \(index) is not between 1 and \(count)" }
        return nil
    }
}
