/// A deterministic random number generator (SplitMix64): the same seed gives the same sequence on every platform.
///
/// Every random choice the emulator makes (fleets, identifiers, faults) comes from one of these, so a run is
/// reproducible from its seed.
public struct SeededRandomNumberGenerator: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A uniformly distributed number in `0..<1`.
    public mutating func nextFraction() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }

    /// `count` lower-case hexadecimal digits.
    public mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String((0..<count).map { _ in digits[Int(next() % 16)] })
    }

    /// `count` characters from lower-case letters and digits.
    public mutating func alphanumeric(_ count: Int) -> String {
        let characters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<count).map { _ in characters[Int(next() % UInt64(characters.count))] })
    }

    /// An upper-case UUID-shaped identifier, as Alibaba Cloud request ids look.
    public mutating func requestId() -> String {
        let text = hex(32).uppercased()
        let characters = Array(text)
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }
        return groups.joined(separator: "-")
    }
}
