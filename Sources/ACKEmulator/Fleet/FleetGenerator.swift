import Foundation
import JSON

/// Generates a deterministic fleet from a `FleetSpecification`.
///
/// The first 24 clusters show the 24 primary situations of RULE.md once each (in a seeded order); further clusters
/// repeat the common ones with seeded weights. Rule-2 shapes (covered namespaces, namespaces without policies,
/// label-selector and egress-only policies) are spread over the clusters whose Kubernetes API can be read.
public enum FleetGenerator {
    public static func generate(_ specification: FleetSpecification) -> Fleet {
        var random = SeededRandomNumberGenerator(seed: specification.seed)
        let regions = specification.regions.isEmpty ? FleetSpecification.demoRegions : specification.regions
        var situations = FleetSituation.primary
        situations.shuffle(using: &random)
        let count = max(0, specification.clusterCount)
        if count < situations.count {
            situations = Array(situations.prefix(count))
        } else {
            for _ in situations.count..<count {
                situations.append(weightedExtra(using: &random))
            }
        }
        let base = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01T00:00:00Z
        var readableIndex = 0
        var clusters: [FleetCluster] = []
        for (index, situation) in situations.enumerated() {
            let region = regions[index % regions.count]
            let zoneLetter = ["a", "b", "h", "i", "j", "k"][Int(random.next() % 6)]
            var blueprint = ClusterBlueprint(
                id: "c" + random.hex(32),
                name: clusterName(index: index, situation: situation, random: &random),
                regionId: region,
                zoneId: "\(region)-\(zoneLetter)",
                accountId: specification.accountId,
                created: base.addingTimeInterval(Double(index) * 86_400 * 9 + Double(random.next() % 80_000)))
            blueprint.nodeCount = 2 + Int(random.next() % 4)
            blueprint.tags = ["env": blueprint.name.hasPrefix("prod") ? "production" : "staging", "owner": "platform"]
            blueprint.version = ["1.28.9-aliyun.1", "1.30.1-aliyun.1", "1.31.1-aliyun.1"][Int(random.next() % 3)]
            apply(situation, to: &blueprint)
            let readable = blueprint.kubernetesFault == .none && blueprint.state != "deleted"
            if readable {
                switch readableIndex {
                case 0: blueprint.coverage = .allCovered
                case 1: blueprint.coverage = .mixed
                default: blueprint.coverage = random.nextFraction() < 0.35 ? .allCovered : .mixed
                }
                readableIndex += 1
            } else {
                blueprint.coverage = .systemOnly
            }
            var builder = ClusterBuilder(random: SeededRandomNumberGenerator(seed: random.next()))
            clusters.append(builder.build(blueprint))
        }
        // Listings show the newest cluster first, as the console does.
        let newestFirst = clusters.enumerated().sorted { lhs, rhs in
            let left = lhs.element.detail["created"]?.stringValue ?? ""
            let right = rhs.element.detail["created"]?.stringValue ?? ""
            return left == right ? lhs.offset < rhs.offset : left > right
        }.map(\.element)
        return Fleet(clusters: newestFirst, regions: regions)
    }

    static func clusterName(index: Int, situation: FleetSituation, random: inout SeededRandomNumberGenerator)
        -> String
    {
        let environments = ["prod", "staging", "dev", "prod", "qa"]
        let workloads = ["payments", "checkout", "search", "ledger", "media", "identity", "gateway", "analytics"]
        let environment = environments[Int(random.next() % UInt64(environments.count))]
        let workload = workloads[Int(random.next() % UInt64(workloads.count))]
        return "\(environment)-\(workload)-\(String(format: "%02d", index + 1))"
    }

    static func weightedExtra(using random: inout SeededRandomNumberGenerator) -> FleetSituation {
        let weights: [(FleetSituation, Int)] = [
            (.configMapFalse, 5), (.flannel, 3), (.configMapTrue, 3), (.configMapKeyAbsent, 2),
            (.addonConfigDrift, 1), (.configMapMissing, 1), (.terwayExclusiveENIOnly, 1), (.registered, 1),
            (.serverlessProfile, 1), (.deleted, 1), (.exclusiveENINodes, 1), (.addonPolicyTrueUnverified, 1),
            (.pluginUnknown, 1),
        ]
        let total = weights.reduce(0) { $0 + $1.1 }
        var pick = Int(random.next() % UInt64(total))
        for (situation, weight) in weights {
            if pick < weight { return situation }
            pick -= weight
        }
        return .configMapFalse
    }

    /// Sets the blueprint knobs that make a cluster show `situation`.
    static func apply(_ situation: FleetSituation, to blueprint: inout ClusterBlueprint) {
        let policyTrue = ["ENITrunking": "true", "IPVlan": "false", "NetworkPolicy": "true"]
        let policyFalse = ["ENITrunking": "true", "IPVlan": "false", "NetworkPolicy": "false"]
        let policyAbsent = ["ENITrunking": "true", "IPVlan": "false"]
        var tags: Set<FleetSituation> = [situation]
        func terway(_ config: [String: String], _ configMap: ClusterBlueprint.ConfigMapState) {
            blueprint.plugin = .terwayENIIP
            blueprint.addonConfig = config
            blueprint.configMap = configMap
            switch config["NetworkPolicy"] {
            case "true": tags.insert(.addonNetworkPolicyTrue)
            case "false": tags.insert(.addonNetworkPolicyFalse)
            default: tags.insert(.addonNetworkPolicyAbsent)
            }
        }
        switch situation {
        case .flannel:
            blueprint.plugin = .flannel
            blueprint.configMap = .missing
        case .terwayExclusiveENIOnly:
            blueprint.plugin = .terwayENI
            blueprint.configMap = .value("false")
            blueprint.version = "1.22.15-aliyun.1"
            blueprint.clusterType = "Kubernetes"
            blueprint.clusterSpec = "ack.standard"
        case .configMapFalse: terway(policyTrue, .value("false"))
        case .configMapKeyAbsent: terway(policyTrue, .keyAbsent)
        case .configMapZero: terway(policyAbsent, .value("0"))
        case .configMapEmpty: terway(policyTrue, .value(""))
        case .configMapTrue: terway(policyFalse, .value("true"))
        case .configMapOne: terway(policyFalse, .value("1"))
        case .configMapSpaceFalse: terway(policyTrue, .value(" false"))
        case .configMapCapitalTrue: terway(policyFalse, .value("True"))
        case .configMapMissing: terway(policyTrue, .missing)
        case .addonConfigDrift: terway(policyFalse, .value("false"))
        case .addonPolicyTrueUnverified:
            terway(policyTrue, .value("false"))
            blueprint.kubernetesFault = .refuse
            tags.insert(.kubernetesRefuses)
        case .addonPolicyFalseUnverified:
            terway(policyFalse, .value("true"))
            blueprint.metaDataAddonConfig = policyTrue
            blueprint.kubernetesFault = .forbidden
            tags.formUnion([.kubernetesForbidden, .staleMetaData])
        case .addonPolicyAbsentUnverified:
            terway(policyAbsent, .keyAbsent)
            blueprint.kubernetesFault = .unauthorized
            tags.insert(.kubernetesUnauthorized)
        case .registered:
            blueprint.clusterType = "ExternalKubernetes"
            blueprint.clusterSpec = "ack.pro.small"
            blueprint.plugin = .none
            blueprint.configMap = .missing
        case .serverlessProfile:
            blueprint.profile = "Serverless"
            blueprint.plugin = .none
            blueprint.configMap = .missing
        case .serverlessAsk:
            blueprint.clusterType = "Ask"
            blueprint.clusterSpec = "ack.standard"
            blueprint.plugin = .none
            blueprint.configMap = .missing
        case .deleting:
            terway(policyFalse, .value("true"))
            blueprint.state = "deleting"
        case .deleted:
            blueprint.plugin = .flannelAddonOnly
            blueprint.configMap = .missing
            blueprint.state = "deleted"
        case .deleteFailed:
            terway(policyFalse, .value("true"))
            blueprint.state = "delete_failed"
            blueprint.deletionProtection = true
        case .exclusiveENINodes:
            terway(policyTrue, .value("false"))
            blueprint.nodeCount = 5
            blueprint.exclusiveENINodeCount = 2
        case .largeFelixCluster:
            terway(policyTrue, .value("false"))
            blueprint.datapath = "veth"
            blueprint.nodeCount = 120
            blueprint.clusterSpec = "ack.pro.xlarge"
        case .pluginUnknown:
            blueprint.plugin = .unidentified
            blueprint.configMap = .missing
        default:
            break
        }
        blueprint.situations = tags
    }
}
