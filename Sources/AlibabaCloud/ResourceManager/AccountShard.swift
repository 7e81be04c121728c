import AlibabaCloudSigning

/// Which shard of `count` an account belongs to, the same in every process and on every machine: the first 8 bytes
/// of SHA-256 over the account id's UTF-8 bytes, read as a big-endian unsigned integer, modulo `count`, plus one.
/// (Not Swift's `Hasher`, which is seeded per process.) N runners that each keep the accounts of their own shard
/// cover every account exactly once.
public enum AccountShard {
    /// The largest shard count accepted (`--shard K/N`, N ≤ 1000).
    public static let maxCount = 1000

    /// The 1-based shard of `accountId` among `count` shards (`count` below 1 counts as 1).
    public static func index(ofAccount accountId: String, count: Int) -> Int {
        let count = max(1, count)
        let hex = ACS3Signer.hashedPayload(Array(accountId.utf8))
        let prefix = UInt64(hex.prefix(16), radix: 16) ?? 0
        return Int(prefix % UInt64(count)) + 1
    }

    /// Parses `K/N` (1 ≤ K ≤ N ≤ ``maxCount``, decimal digits only); throws a one-line message naming `--shard`.
    public static func parse(_ text: String) throws(ShardParseError) -> (index: Int, count: Int) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        func number(_ part: Substring) -> Int? {
            guard (1...4).contains(part.utf8.count),
                part.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { return nil }
            return Int(part)
        }
        guard parts.count == 2, let index = number(parts[0]), let count = number(parts[1]) else {
            throw ShardParseError("--shard \(String(reflecting: String(text.prefix(40)))) is not K/N (e.g. 2/4)")
        }
        guard (1...maxCount).contains(count) else {
            throw ShardParseError("--shard \(text): N must be between 1 and \(maxCount)")
        }
        guard (1...count).contains(index) else {
            throw ShardParseError("--shard \(text): K must be between 1 and N (\(count))")
        }
        return (index, count)
    }
}

/// A `--shard` value that is not `K/N` within the bounds, as one line.
public struct ShardParseError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
