import Audit

/// Fixes written for the code the finding points at: the HCL or ROS to change, then what to do for a cluster that
/// already exists (the add-on list only acts at creation).
enum IaCRemediation {
    struct Subject: Sendable, Hashable {
        var clusterAddress: String
        var kind: IaCSourceKind
        /// The attribute at fault, e.g. `addons[1].config`.
        var attribute: String?
        /// The add-on resource whose config is at fault, when it is one.
        var addonResource: String?

        func with(attribute: String, addonResource: String? = nil) -> Subject {
            var copy = self
            copy.attribute = attribute
            copy.addonResource = addonResource
            return copy
        }
    }

    static let terraformAddon = #"addons { name = "terway-eniip" config = jsonencode({ NetworkPolicy = "true" }) }"#
    static let rosAddon = #"{"Name": "terway-eniip", "Config": "{\"NetworkPolicy\":\"true\"}"}"#

    static func remediation(for reason: ReasonCode, subject: Subject) -> Remediation {
        let address = subject.clusterAddress
        let ros = subject.kind == .ros
        let placeholder = "<cluster id of \(address)>"
        switch reason {
        case .pluginFlannel, .pluginTerwayExclusiveENI:
            let replaced = subject.attribute ?? "the network add-on"
            let code =
                ros
                ? "In \(address), replace \(replaced) with \(rosAddon) and set PodVswitchIds (drop ContainerCidr)."
                : "In \(address), replace \(replaced) with `\(terraformAddon)`, set `pod_vswitch_ids` and drop "
                    + "`pod_cidr`."
            return Remediation(
                kind: .recreateCluster,
                steps: [
                    code,
                    "The network plug-in is fixed at creation: for a cluster that already exists this change "
                        + "creates a new cluster; plan the workload migration (`ackguard fix --cluster \(placeholder)` "
                        + "prints a plan) and never apply it unreviewed.",
                ])
        case .addonPolicyDisabled, .policyStateUnknown:
            var steps: [String]
            if let resource = subject.addonResource {
                steps = [
                    ros
                        ? "In \(resource), set the terway-eniip entry's Config to \"{\\\"NetworkPolicy\\\":\\\"true\\\"}\" "
                            + "(keep the other keys)."
                        : "In \(resource), set `config = jsonencode({ NetworkPolicy = \"true\" })` (keep the other keys)."
                ]
            } else if ros {
                steps = [
                    "In \(address).Properties.Addons, give the terway-eniip entry \"Config\": "
                        + "\"{\\\"NetworkPolicy\\\":\\\"true\\\"}\" (keep the other keys): \(rosAddon).",
                    "Addons only act at creation: for a stack that already exists, add an ALIYUN::CS::ClusterAddons "
                        + "resource with \"ClusterId\": {\"Ref\": \"\(address)\"} and Addons [\(rosAddon)].",
                ]
            } else {
                steps = [
                    "In \(address), set `config = jsonencode({ NetworkPolicy = \"true\" })` in the terway-eniip addons "
                        + "block (keep the other keys): `\(terraformAddon)`.",
                    "`addons` only acts at creation: for a cluster that already exists, also declare "
                        + "`resource \"alicloud_cs_kubernetes_addon\" \"terway_eniip\" { cluster_id = \(address).id "
                        + "name = \"terway-eniip\" config = jsonencode({ NetworkPolicy = \"true\" }) }`.",
                ]
            }
            let live = NetworkPolicySupportRule.remediation(for: .addonPolicyDisabled, clusterId: placeholder).steps
            steps.append("Then switch policy on in the running cluster: " + live.joined(separator: " ; "))
            return Remediation(kind: .editConfigMap, steps: steps)
        case .valueUnknown:
            let attribute = subject.attribute ?? "the value"
            let qualified = subject.addonResource != nil || ros ? attribute : "\(attribute) of \(address)"
            if ros {
                return Remediation(
                    kind: .none,
                    steps: [
                        "Write \(qualified) as a literal so the template shows the NetworkPolicy setting, or audit the "
                            + "cluster \(address) once the stack is created (`ackguard audit`)."
                    ])
            }
            return Remediation(
                kind: .none,
                steps: [
                    "Give \(qualified) a value the files show (a literal, a variable default, a .tfvars file, or "
                        + "`ackguard iac --var NAME=VALUE` / `--var-file FILE`).",
                    "Or scan the plan, where Terraform has resolved it: `terraform plan -out plan.out && terraform show "
                        + "-json plan.out > plan.json && ackguard iac plan.json`.",
                ])
        case .pluginUnknown:
            return Remediation(
                kind: .none,
                steps: [
                    ros
                        ? "Name the network plug-in in \(address).Properties.Addons: \(rosAddon), with PodVswitchIds."
                        : "Name the network plug-in in \(address): `\(terraformAddon)`, with `pod_vswitch_ids`."
                ])
        default:
            return .none
        }
    }
}
