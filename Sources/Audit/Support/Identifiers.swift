/// The identifiers ackguard takes from outside (cloud APIs, saved folders) and then uses as file-path components,
/// URL path segments or command words. Each is checked against its shape where it enters, so a hostile value
/// (`../../x`, `a/b`, a newline, an escape sequence) is refused with a message instead of being acted on.
///
/// The shapes are deliberately ASCII-only and exclude `/`, `.` as a first character, whitespace, quotes and every
/// control character, so an accepted value is always one inert path component and one plain shell word.
public enum Identifier: String, Sendable, CaseIterable {
    /// An ACK cluster id. ACK issues `c` + 32 lowercase hex digits; the shape accepted is wider (ASCII letters,
    /// digits and `-`, starting with a letter or digit, at most 64) so older or differently issued ids, and the ids
    /// of hand-written evidence, still work: nothing that shape admits can escape a folder or a shell word.
    case clusterId = "cluster_id"
    /// An Alibaba Cloud region id (`cn-hangzhou`, `ap-southeast-1`, `cn-shanghai-finance-1`): lowercase letters
    /// and digits in groups joined by single `-`, at most 64. No list of regions, so new regions keep working.
    case regionId = "region_id"
    /// An ACK add-on name (`terway-eniip`, `csi-plugin`): ASCII letters, digits, `-`, `_`, `.`, starting with a
    /// letter or digit, at most 128.
    case addonName = "add-on name"
    /// A Kubernetes namespace: a DNS-1123 label (lowercase letters, digits, `-`; alphanumeric at both ends; ≤ 63).
    case namespace
    /// A Kubernetes object name: a DNS-1123 subdomain (DNS-1123 labels joined by `.`; ≤ 253).
    case objectName = "object name"

    /// What the shape is, for people: said in every refusal.
    public var shape: String {
        switch self {
        case .clusterId: "an ACK cluster id: ASCII letters, digits and '-', at most 64, like c + 32 hex digits"
        case .regionId: "a region id: lowercase letters and digits joined by single '-', like cn-hangzhou"
        case .addonName: "an add-on name: ASCII letters, digits, '-', '_', '.', starting with a letter or digit"
        case .namespace: "a Kubernetes namespace: a DNS-1123 label"
        case .objectName: "a Kubernetes object name: a DNS-1123 subdomain"
        }
    }

    /// Whether `value` has this identifier's shape.
    public func accepts(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        switch self {
        case .clusterId:
            return (1...64).contains(bytes.count) && Self.isAlphanumeric(bytes[0])
                && bytes.allSatisfy { Self.isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        case .regionId:
            return (1...64).contains(bytes.count)
                && Self.groups(bytes, separator: UInt8(ascii: "-")) { group in
                    !group.isEmpty && group.allSatisfy { Self.isLowercaseAlphanumeric($0) }
                }
        case .addonName:
            return (1...128).contains(bytes.count) && Self.isAlphanumeric(bytes[0])
                && bytes.allSatisfy { Self.isAlphanumeric($0) || "-_.".utf8.contains($0) }
        case .namespace:
            return bytes.count <= 63 && Self.isDNSLabel(bytes[...])
        case .objectName:
            return bytes.count <= 253
                && Self.groups(bytes, separator: UInt8(ascii: ".")) { Self.isDNSLabel($0) }
        }
    }

    /// `nil` when `value` has the shape; otherwise the one-line problem, naming the field and the value with its
    /// control characters made visible.
    public func problem(with value: String) -> String? {
        accepts(value) ? nil : "\(rawValue) \(InertText.quoted(value)) is not \(shape)"
    }

    // MARK: - Character classes

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowercaseAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    static func isLowercaseAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// RFC 1123 label as Kubernetes checks it: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63.
    static func isDNSLabel(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
        return isLowercaseAlphanumeric(first) && isLowercaseAlphanumeric(last)
            && bytes.allSatisfy { isLowercaseAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// Whether every `separator`-delimited group (empty ones included) satisfies `check`.
    static func groups(_ bytes: [UInt8], separator: UInt8, _ check: (ArraySlice<UInt8>) -> Bool) -> Bool {
        bytes.split(separator: separator, omittingEmptySubsequences: false).allSatisfy(check)
    }
}
