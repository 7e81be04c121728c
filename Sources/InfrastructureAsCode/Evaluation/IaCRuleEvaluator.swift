import Audit

/// Rule 1 on infrastructure code (RULE.md "Rule 1 on infrastructure code"): configuration is the creation input,
/// so what it does not choose is the default.
enum IaCRuleEvaluator {
    /// One finding per cluster resource, plus one per network add-on resource whose cluster is not in the files.
    static func findings(clusters: [PlannedCluster], addonResources: [PlannedAddonResource]) -> [Finding] {
        var overrides: [Int: [PlannedAddonResource]] = [:]
        var findings: [Finding] = []
        for resource in addonResources.sorted(by: { ($0.scope, $0.address, $0.path) < ($1.scope, $1.address, $1.path) })
        {
            if let name = resource.name.stringValue, NetworkPlugin.classify(name) == nil { continue }
            if resource.name.isNull { continue }
            let targets = matchingClusters(resource, in: clusters)
            if targets.isEmpty {
                if let finding = orphanFinding(resource) { findings.append(finding) }
            }
            for target in targets { overrides[target, default: []].append(resource) }
        }
        for (index, cluster) in clusters.enumerated() {
            findings.append(evaluate(cluster, overrides: overrides[index] ?? []))
        }
        return AuditEngine.sorted(findings)
    }

    static func matchingClusters(_ resource: PlannedAddonResource, in clusters: [PlannedCluster]) -> [Int] {
        let candidates = clusters.indices.filter { clusters[$0].scope == resource.scope }
        switch resource.target {
        case .address(let address):
            let exact = candidates.filter { clusters[$0].address == address }
            if !exact.isEmpty { return exact }
            return candidates.filter { baseAddress(clusters[$0].address) == baseAddress(address) }
        case .clusterId(let id):
            return candidates.filter { clusters[$0].knownClusterId == id }
        case .unknown:
            return []
        }
    }

    /// The address without the instance key of its last resource (`a.b[0]` → `a.b`).
    static func baseAddress(_ address: String) -> String {
        guard address.hasSuffix("]"), let open = address.lastIndex(of: "[") else { return address }
        return String(address[..<open])
    }

    // MARK: - One cluster

    private struct Mention {
        var name: String
        var plugin: NetworkPlugin
        var source: String
        var location: SourceLocation
        var addon: PlannedAddon?
        var resource: PlannedAddonResource?

        var evidence: JSONValue {
            [
                "name": .string(name), "source": .string(source), "file": .string(location.file),
                "line": .number(Double(location.line)), "column": .number(Double(location.column)),
            ]
        }
    }

    private struct Undecided {
        var attribute: String
        var reason: String
        var location: SourceLocation
    }

    static func evaluate(_ cluster: PlannedCluster, overrides: [PlannedAddonResource]) -> Finding {
        var finding = Finding(
            rule: .networkPolicySupport, clusterId: cluster.address, clusterName: cluster.name ?? cluster.address,
            regionId: cluster.region ?? "", status: .unknown, reason: .pluginUnknown, message: "",
            location: cluster.location)
        var resourceEvidence: [String: JSONValue] = [
            "type": .string(cluster.resourceType), "address": .string(cluster.address),
            "file": .string(cluster.location.file), "line": .number(Double(cluster.location.line)),
            "column": .number(Double(cluster.location.column)), "format": .string(cluster.kind.rawValue),
        ]
        if !cluster.notes.isEmpty { resourceEvidence["notes"] = .array(cluster.notes.map(JSONValue.string)) }
        if !overrides.isEmpty { resourceEvidence["addonResources"] = .array(overrides.map { .string($0.path) }) }
        finding.evidence["resource"] = .object(resourceEvidence)
        let noteSuffix = cluster.notes.isEmpty ? "" : " (" + cluster.notes.joined(separator: "; ") + ")"

        func decide(
            _ status: Status, _ reason: ReasonCode, _ message: String, at location: SourceLocation,
            fix: IaCRemediation.Subject
        ) -> Finding {
            finding.status = status
            finding.reason = reason
            finding.message = message + noteSuffix
            finding.location = location
            finding.remediation = IaCRemediation.remediation(for: reason, subject: fix)
            return finding
        }
        let clusterSubject = IaCRemediation.Subject(
            clusterAddress: cluster.address, kind: cluster.kind, attribute: nil, addonResource: nil)

        if let why = cluster.serverlessReason {
            return decide(
                .notApplicable, .serverlessCluster,
                "serverless cluster (\(why)): NetworkPolicy comes from the Poseidon add-on, not from Terway",
                at: cluster.location, fix: clusterSubject)
        }

        // Which network add-ons the configuration names.
        var mentions: [Mention] = []
        var undecided: [Undecided] = []
        for addon in cluster.addons {
            if case .unknown(let unknown) = addon.name {
                undecided.append(
                    Undecided(
                        attribute: addon.path + ".name", reason: unknown.reason,
                        location: addon.nameLocation ?? addon.location))
                continue
            }
            guard let name = addon.name.stringValue, let plugin = NetworkPlugin.classify(name) else { continue }
            if let disabled = addon.disabled {
                if disabled.boolValue == true { continue }
                if case .unknown(let unknown) = disabled {
                    undecided.append(
                        Undecided(attribute: addon.path + ".disabled", reason: unknown.reason, location: addon.location)
                    )
                    continue
                }
            }
            mentions.append(
                Mention(name: name, plugin: plugin, source: addon.path, location: addon.location, addon: addon))
        }
        for resource in overrides {
            if case .unknown(let unknown) = resource.name {
                undecided.append(
                    Undecided(
                        attribute: resource.path + ".name", reason: unknown.reason,
                        location: resource.nameLocation ?? resource.location))
                continue
            }
            guard let name = resource.name.stringValue, let plugin = NetworkPlugin.classify(name) else { continue }
            mentions.append(
                Mention(
                    name: name, plugin: plugin, source: resource.path, location: resource.location, resource: resource))
        }
        let plugins = Set(mentions.map(\.plugin))
        let identified: NetworkPlugin? =
            plugins.contains(.flannel)
            ? .flannel
            : plugins.contains(.terwayShared) ? .terwayShared : plugins.contains(.terwayOther) ? .terwayOther : nil
        finding.evidence["plugin"] = [
            "identified": identified.map { .string($0.rawValue) } ?? .null,
            "seen": .array(mentions.map(\.evidence)),
        ]

        if let flannel = mentions.first(where: { $0.plugin == .flannel }) {
            return decide(
                .fail, .pluginFlannel,
                "\(flannel.source) installs Flannel (\"\(flannel.name)\"), which cannot enforce NetworkPolicy; the "
                    + "plug-in cannot change after creation",
                at: flannel.location, fix: clusterSubject.with(attribute: flannel.source))
        }
        if let dynamic = cluster.unknownAddons.first {
            return decide(
                .unknown, .valueUnknown,
                "\(dynamic.attribute) \(cluster.kind.notKnownYet) (\(dynamic.reason)), so the network plug-in and its "
                    + "NetworkPolicy setting cannot be checked",
                at: dynamic.location, fix: clusterSubject.with(attribute: dynamic.attribute))
        }
        if let open = undecided.first {
            return decide(
                .unknown, .valueUnknown,
                "\(open.attribute) \(cluster.kind.notKnownYet) (\(open.reason)), so the network plug-in cannot be "
                    + "identified",
                at: open.location, fix: clusterSubject.with(attribute: open.attribute))
        }
        let shared = mentions.filter { $0.plugin == .terwayShared }
        if shared.isEmpty {
            if let other = mentions.first(where: { $0.plugin == .terwayOther }) {
                return decide(
                    .fail, .pluginTerwayExclusiveENI,
                    "\(other.source) installs Terway without shared-ENI mode (\"\(other.name)\"), which does not "
                        + "enforce NetworkPolicy; add terway-eniip",
                    at: other.location, fix: clusterSubject.with(attribute: other.source))
            }
            var message =
                "no network add-on (terway-eniip or flannel) is named, so ACK installs its default plug-in at "
                + "creation and this configuration does not say whether NetworkPolicy is enforced"
            if !cluster.hints.isEmpty { message += " (" + cluster.hints.joined(separator: "; ") + ")" }
            return decide(.unknown, .pluginUnknown, message, at: cluster.location, fix: clusterSubject)
        }

        // terway-eniip: the add-on resources override the cluster's own config, key by key (the config is merged).
        let own = shared.first { $0.addon != nil }?.addon
        let resources = shared.compactMap(\.resource)
        var chosen:
            (
                reading: AddonConfigReading, attribute: String, owner: String, location: SourceLocation,
                subject: IaCRemediation.Subject
            )?
        for resource in resources where chosen == nil {
            let reading = AddonConfigReading(resource.config)
            guard reading.isDecisive else { continue }
            chosen = (
                reading, resource.configPath, resource.path, resource.configLocation ?? resource.location,
                clusterSubject.with(attribute: resource.configPath, addonResource: resource.address)
            )
        }
        if chosen == nil, let own {
            chosen = (
                AddonConfigReading(own.config), own.configPath, own.path,
                own.config == nil ? own.location : (own.configLocation ?? own.location),
                clusterSubject.with(attribute: own.configPath)
            )
        }
        if chosen == nil {
            // Only add-on resources name terway-eniip, and none of them sets NetworkPolicy.
            let resource = resources[0]
            chosen = (
                AddonConfigReading(resource.config), resource.configPath, resource.path,
                resource.configLocation ?? resource.location,
                clusterSubject.with(attribute: resource.configPath, addonResource: resource.address)
            )
        }
        let decision = decideConfig(
            chosen!.reading, attribute: chosen!.attribute, owner: chosen!.owner, kind: cluster.kind)
        var configEvidence = decision.evidence
        if !resources.isEmpty { configEvidence["overriddenBy"] = .array(resources.map { .string($0.path) }) }
        finding.evidence["addonConfig"] = .object(configEvidence)
        return decide(decision.status, decision.reason, decision.message, at: chosen!.location, fix: chosen!.subject)
    }

    /// The verdict a terway-eniip config gives, with the `addonConfig` evidence.
    static func decideConfig(_ reading: AddonConfigReading, attribute: String, owner: String, kind: IaCSourceKind) -> (
        status: Status, reason: ReasonCode, message: String, evidence: [String: JSONValue]
    ) {
        var evidence: [String: JSONValue] = [
            "source": .string(attribute), "config": reading.raw, "NetworkPolicy": .null,
        ]
        switch reading {
        case .setting(let value, _):
            evidence["NetworkPolicy"] = .string(value)
            if value == "true" {
                return (
                    .pass, .addonPolicyEnabled,
                    "\(attribute) sets NetworkPolicy to \"true\": Terway (terway-eniip) enforces NetworkPolicy",
                    evidence
                )
            }
            return (
                .fail, .addonPolicyDisabled,
                "\(attribute) sets NetworkPolicy to \"false\": Terway (terway-eniip) will not enforce NetworkPolicy",
                evidence
            )
        case .absent:
            return (
                .fail, .addonPolicyDisabled,
                "the terway-eniip add-on (\(owner)) has no config, so NetworkPolicy stays off (it is off unless "
                    + "chosen at creation)", evidence
            )
        case .noSetting:
            return (
                .fail, .addonPolicyDisabled,
                "\(attribute) does not set NetworkPolicy, so it stays off (it is off unless chosen at creation)",
                evidence
            )
        case .unknown(let unknown):
            evidence["unknown"] = .string(unknown.reason)
            return (
                .unknown, .valueUnknown,
                "\(attribute) \(kind.notKnownYet) (\(unknown.reason)), so the NetworkPolicy setting cannot be "
                    + "checked", evidence
            )
        case .invalid(let problem, _):
            evidence["problem"] = .string(problem)
            return (
                .unknown, .valueUnknown,
                "\(attribute) cannot be read: \(problem), so the NetworkPolicy setting cannot be checked", evidence
            )
        }
    }

    // MARK: - Add-on resources without their cluster

    /// A network add-on resource whose cluster is not described by the files: reported against the cluster it
    /// names.
    static func orphanFinding(_ resource: PlannedAddonResource) -> Finding? {
        guard let name = resource.name.stringValue, let plugin = NetworkPlugin.classify(name) else { return nil }
        let clusterId: String
        var targetNote: String
        switch resource.target {
        case .address(let address):
            clusterId = address
            targetNote = "the cluster \(address) is not described by the scanned files"
        case .clusterId(let id):
            clusterId = id
            targetNote = "the cluster \(id) is not described by the scanned files"
        case .unknown(let description, let reason):
            clusterId = description
            targetNote = "the cluster it names (\(description)) cannot be identified: \(reason)"
        }
        var finding = Finding(
            rule: .networkPolicySupport, clusterId: clusterId, clusterName: resource.address, regionId: "",
            status: .unknown, reason: .valueUnknown, message: "", location: resource.location)
        var resourceEvidence: [String: JSONValue] = [
            "type": .string(resource.resourceType), "address": .string(resource.address),
            "file": .string(resource.location.file), "line": .number(Double(resource.location.line)),
            "column": .number(Double(resource.location.column)), "format": .string(resource.kind.rawValue),
            "cluster": .string(targetNote),
        ]
        if !resource.notes.isEmpty { resourceEvidence["notes"] = .array(resource.notes.map(JSONValue.string)) }
        finding.evidence["resource"] = .object(resourceEvidence)
        finding.evidence["plugin"] = [
            "identified": .string(plugin.rawValue),
            "seen": [
                [
                    "name": .string(name), "source": .string(resource.path), "file": .string(resource.location.file),
                    "line": .number(Double(resource.location.line)),
                    "column": .number(Double(resource.location.column)),
                ]
            ],
        ]
        let subject = IaCRemediation.Subject(
            clusterAddress: clusterId, kind: resource.kind, attribute: resource.configPath,
            addonResource: resource.address)
        func decide(_ status: Status, _ reason: ReasonCode, _ message: String, _ location: SourceLocation) -> Finding {
            finding.status = status
            finding.reason = reason
            finding.message = message + "; " + targetNote
            finding.location = location
            finding.remediation = IaCRemediation.remediation(for: reason, subject: subject)
            return finding
        }
        switch plugin {
        case .flannel:
            return decide(.fail, .pluginFlannel, "\(resource.path) installs Flannel (\"\(name)\")", resource.location)
        case .terwayOther:
            return decide(
                .fail, .pluginTerwayExclusiveENI,
                "\(resource.path) installs Terway without shared-ENI mode (\"\(name)\")",
                resource.location)
        case .terwayShared:
            break
        }
        let reading = AddonConfigReading(resource.config)
        let location = resource.configLocation ?? resource.location
        var configEvidence: [String: JSONValue] = [
            "source": .string(resource.configPath), "config": reading.raw, "NetworkPolicy": .null,
        ]
        if case .setting(let value, _) = reading { configEvidence["NetworkPolicy"] = .string(value) }
        finding.evidence["addonConfig"] = .object(configEvidence)
        switch reading {
        case .setting("true", _):
            return decide(.pass, .addonPolicyEnabled, "\(resource.configPath) sets NetworkPolicy to \"true\"", location)
        case .setting(_, _):
            return decide(
                .fail, .addonPolicyDisabled, "\(resource.configPath) sets NetworkPolicy to \"false\"", location)
        case .absent, .noSetting:
            return decide(
                .unknown, .policyStateUnknown,
                "\(resource.path) does not set NetworkPolicy; the add-on config is merged into the cluster's, so the "
                    + "cluster's current setting stays", location)
        case .unknown(let unknown):
            return decide(
                .unknown, .valueUnknown,
                "\(resource.configPath) \(resource.kind.notKnownYet) (\(unknown.reason))", location)
        case .invalid(let problem, _):
            return decide(.unknown, .valueUnknown, "\(resource.configPath) cannot be read: \(problem)", location)
        }
    }
}
