/// The container network plug-in of a cluster, as far as the evidence tells.
public enum NetworkPlugin: String, Sendable, Hashable {
    case flannel
    /// Terway in shared-ENI mode: the only mode that enforces NetworkPolicy.
    case terwayShared = "terway-eniip"
    /// Terway in another mode: exclusive ENI (`terway-eni`) or the legacy VPC-route `terway`.
    case terwayOther = "terway-other"

    /// Classifies a plug-in or add-on name; `nil` for names that say nothing about the CNI.
    /// `terway-controlplane` is a companion of the CNI, not a CNI, so it identifies nothing.
    public static func classify(_ name: String) -> NetworkPlugin? {
        switch name.lowercased() {
        case "flannel", "kube-flannel-ds": .flannel
        case "terway-eniip": .terwayShared
        case "terway-eni", "terway": .terwayOther
        default: nil
        }
    }

    /// The add-on name a plug-in name stands for (`Flannel` and `kube-flannel-ds` are the `flannel` add-on).
    public static func canonicalAddonName(_ name: String) -> String {
        let lowered = name.lowercased()
        return classify(lowered) == .flannel ? "flannel" : lowered
    }

    /// The add-on names worth asking the add-on API about.
    public static let addonNames = ["terway-eniip", "terway-eni", "terway", "flannel"]
}

/// Which plug-in names the evidence mentions, and where.
struct PluginIdentification: Sendable {
    struct Mention: Sendable {
        var name: String
        var source: String
        var plugin: NetworkPlugin
        var fromAddonAPI = false
    }

    var mentions: [Mention] = []
    /// Add-on names the add-on API said are not installed.
    var absentAddons: [String: String] = [:]
    /// Add-ons the add-on API said are not installed although another source names them (`addon-api-conflict`).
    var conflicts: [String] = []
    var plugin: NetworkPlugin?

    init(evidence: ClusterEvidence) {
        let record = evidence.record
        if let addons = record.metaData?["Addons"]?.arrayValue {
            for addon in addons {
                guard let name = addon["name"]?.stringValue, let plugin = NetworkPlugin.classify(name) else {
                    continue
                }
                if addon["disabled"].map(PluginIdentification.isTrue) == true { continue }
                mentions.append(Mention(name: name, source: "meta_data.Addons", plugin: plugin))
            }
        }
        if let network = record.metaData?["Capabilities"]?["Network"]?.stringValue,
            let plugin = NetworkPlugin.classify(network)
        {
            mentions.append(Mention(name: network, source: "meta_data.Capabilities.Network", plugin: plugin))
        }
        if let network = record.parameters?["Network"], let plugin = NetworkPlugin.classify(network) {
            mentions.append(Mention(name: network, source: "parameters.Network", plugin: plugin))
        }
        for name in evidence.addonInstances.keys.sorted() {
            guard let plugin = NetworkPlugin.classify(name) else { continue }
            switch evidence.addonInstances[name]! {
            case .read(let instance, let source):
                let state = instance["state"]?.stringValue?.lowercased()
                if state == "deleting" || state == "deleted" {
                    absentAddons[name] = source
                } else {
                    mentions.append(Mention(name: name, source: source, plugin: plugin, fromAddonAPI: true))
                }
            case .notFound(let source, _):
                absentAddons[name] = source
            case .notCollected, .failed:
                break
            }
        }
        // A network plug-in cannot be removed or changed after creation: when the add-on API says one that another
        // source names is not installed, the sources conflict (an add-on API answer, not an absence); the plug-in
        // stays identified and the finding says so.
        let named = Set(mentions.filter { !$0.fromAddonAPI }.map { NetworkPlugin.canonicalAddonName($0.name) })
        conflicts = absentAddons.keys.filter { named.contains(NetworkPlugin.canonicalAddonName($0)) }.sorted()
        let plugins = Set(mentions.map(\.plugin))
        if plugins.contains(.flannel) {
            plugin = .flannel
        } else if plugins.contains(.terwayShared) {
            plugin = .terwayShared
        } else if plugins.contains(.terwayOther) {
            plugin = .terwayOther
        } else {
            plugin = nil
        }
    }

    /// Whether any source names Terway in shared-ENI mode (the clusters whose `eni-config` is read).
    var namesTerwaySharedENI: Bool {
        mentions.contains { $0.plugin == .terwayShared }
    }

    static func isTrue(_ value: JSONValue) -> Bool {
        switch value {
        case .bool(let flag): flag
        case .string(let text): text.lowercased() == "true"
        default: false
        }
    }

    var evidence: JSONValue {
        var object: [String: JSONValue] = [
            "identified": plugin.map { .string($0.rawValue) } ?? .null,
            "seen": .array(mentions.map { ["name": .string($0.name), "source": .string($0.source)] }),
        ]
        if !absentAddons.isEmpty {
            object["notInstalled"] = .array(
                absentAddons.keys.sorted().map { ["name": .string($0), "source": .string(absentAddons[$0]!)] })
        }
        if !conflicts.isEmpty { object["conflicts"] = .array(conflicts.map(JSONValue.string)) }
        return .object(object)
    }
}
