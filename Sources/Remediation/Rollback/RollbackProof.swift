import Audit
import Crypto
import Foundation

/// The proof that a rollback record describes a change ackguard itself made. `fix --apply` writes the digest of the
/// record on the cluster (an annotation of `kube-system/eni-config`, in the same merge patch as the ConfigMap
/// change, before the add-on is touched), and `fix --rollback` restores nothing unless the file's record hashes to
/// that digest and the cluster still holds what ackguard left there. A rollback file is thus only a key to undo
/// ackguard's own change on that very cluster: an edited id, region, prior or after value no longer matches the
/// digest on the cluster, and a digest recomputed over an edited record matches no cluster.
public enum RollbackProof {
    /// The annotation on `kube-system/eni-config` that holds the digest.
    public static let annotation = "ackguard/rollback-digest"
    static let prefix = "sha256:"

    /// `sha256:<64 hex>` of the canonical record: the entry as JSON with sorted keys, without its digest, its writes
    /// and the resourceVersion after the write (which the API server assigns in the write that stores the digest).
    public static func digest(of entry: RollbackEntry) -> String {
        var record = entry
        record.digest = ""
        record.writes = []
        record.configMap.afterResourceVersion = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and enums cannot fail; an empty input would still never match a real digest.
        let bytes = (try? encoder.encode(record)) ?? Data()
        return prefix + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: - Shapes

    /// The longest value ackguard restores verbatim into the ConfigMap or the add-on config.
    static let maximumValueLength = 256

    /// Checks that every field has the shape ackguard writes; the problem, naming the field, otherwise.
    static func problem(in entry: RollbackEntry) -> String? {
        if !isClusterId(entry.clusterId) { return "clusterId \(quoted(entry.clusterId)) is not an ACK cluster id" }
        if !isRegionId(entry.regionId) { return "regionId \(quoted(entry.regionId)) is not a region id" }
        for (field, text, limit) in [
            ("clusterName", entry.clusterName, 256), ("recordedAt", entry.recordedAt, 64),
            ("configMap.priorResourceVersion", entry.configMap.priorResourceVersion, 128),
            ("configMap.afterResourceVersion", entry.configMap.afterResourceVersion ?? "", 128),
        ] where text.count > limit || hasControlCharacter(text) {
            return "\(field) \(quoted(String(text.prefix(80)))) is too long or holds control characters"
        }
        if entry.addon.priorConfig.utf8.count > 65_536 { return "addon.priorConfig is longer than 64 KiB" }
        let fixed: [(String, String, String)] = [
            ("addon.name", entry.addon.name, AddonConfigChange.addonName),
            ("configMap.namespace", entry.configMap.namespace, ConfigMapChange.namespace),
            ("configMap.name", entry.configMap.name, ConfigMapChange.name),
            ("configMap.key", entry.configMap.key, TerwayPolicySwitch.key),
            ("daemonSet.namespace", entry.daemonSet.namespace, TerwayRestart.namespace),
            ("daemonSet.name", entry.daemonSet.name, TerwayRestart.name),
        ]
        for (field, value, expected) in fixed where value != expected {
            return "\(field) is \(quoted(value)); ackguard only ever changes \(quoted(expected))"
        }
        for (field, value) in [
            ("addon.priorNetworkPolicy", entry.addon.priorNetworkPolicy),
            ("addon.afterNetworkPolicy", entry.addon.afterNetworkPolicy), ("configMap.prior", entry.configMap.prior),
            ("configMap.after", entry.configMap.after),
        ] {
            if let problem = problem(in: value) { return "\(field) \(problem)" }
        }
        if entry.addon.afterNetworkPolicy.text != "true" {
            return "addon.afterNetworkPolicy is \(entry.addon.afterNetworkPolicy); ackguard only ever sets \"true\""
        }
        let after = entry.configMap.after.text
        let enables = TerwayPolicySwitch.policyEnabled(disableNetworkPolicy: after)
        guard enables && (after == "false" || after == entry.configMap.prior.text) else {
            return "configMap.after is \(entry.configMap.after); ackguard only ever leaves \"false\" or a prior "
                + "value that already enables policy"
        }
        guard entry.digest.hasPrefix(prefix), entry.digest.count == prefix.count + 64,
            entry.digest.dropFirst(prefix.count).allSatisfy({ $0.isHexDigit && !$0.isUppercase })
        else {
            return "digest \(quoted(String(entry.digest.prefix(80)))) is not sha256:<64 hex digits>"
        }
        guard entry.digest == digest(of: entry) else {
            return "digest does not match the record (the file was edited after ackguard wrote it)"
        }
        return nil
    }

    static func problem(in value: PriorValue) -> String? {
        switch (value.state, value.value) {
        case (.absent, nil): return nil
        case (.absent, .some): return "is absent but has a value"
        case (.present, nil): return "is present but has no value"
        case (.present, .some(let text)):
            if text.count > maximumValueLength { return "is longer than \(maximumValueLength) characters" }
            if hasControlCharacter(text) { return "\(quoted(text)) holds control characters" }
            return nil
        }
    }

    /// `c` and 32 lower-case hex digits, as ACK names clusters.
    static func isClusterId(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        return utf8.count == 33 && utf8[0] == UInt8(ascii: "c")
            && utf8.dropFirst().allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// `cn-hangzhou`, `ap-southeast-1`, `cn-shanghai-finance-1`: lower-case letters, then dash-separated parts.
    static func isRegionId(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count <= 40, parts.count >= 2, parts.count <= 5 else { return false }
        guard parts[0].count >= 2, parts[0].utf8.allSatisfy({ (0x61...0x7A).contains($0) }) else { return false }
        return parts.dropFirst().allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
        }
    }

    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains {
            $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}"
        }
    }

    /// A value for a one-line message: JSON-quoted, so control characters and quotes are escaped.
    static func quoted(_ text: String) -> String { JSONValue.string(text).serialized() }
}
