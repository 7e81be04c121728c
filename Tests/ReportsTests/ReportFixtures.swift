import Audit

/// Hand-made reports that cover every status, warnings, a suppression, a strict failure, notices, and
/// infrastructure-code findings with file locations.
enum ReportFixtures {
    static let clusters: AuditReport = {
        let flannel = Finding(
            rule: .networkPolicySupport, clusterId: "c4f1a2b3", clusterName: "legacy-web", regionId: "cn-hangzhou",
            status: .fail, reason: .pluginFlannel,
            message: "The cluster runs Flannel, which cannot enforce NetworkPolicy.",
            evidence: ["plugin": ["names": ["flannel"], "source": "meta_data.Addons"]],
            remediation: Remediation(
                kind: .recreateCluster,
                steps: [
                    "Create a new cluster with terway-eniip and the add-on config {\"NetworkPolicy\":\"true\"}.",
                    "Migrate the workloads, then delete the old cluster.",
                ]),
            accountId: "1234567890123456")

        let prod = Finding(
            rule: .networkPolicySupport, clusterId: "c7d8e9f0", clusterName: "prod", regionId: "cn-hangzhou",
            status: .pass, reason: .configMapPolicyEnabled,
            message: "kube-system/eni-config leaves network policy on.",
            warnings: [
                FindingWarning(
                    code: .addonConfigDrift, message: "The add-on config says NetworkPolicy \"false\".",
                    details: ["addonConfig": "{\"NetworkPolicy\":\"false\"}"])
            ],
            evidence: [
                "plugin": ["names": ["terway-eniip"], "source": "GET /clusters/c7d8e9f0/addon_instances/terway-eniip"],
                "configMap": ["disable_network_policy": "false", "source": "kube-system/eni-config"],
            ],
            accountId: "1234567890123456")

        let strict = AuditEngine.applyStrict(
            Finding(
                rule: .networkPolicySupport, clusterId: "c1a2b3c4", clusterName: "payments", regionId: "cn-hangzhou",
                status: .pass, reason: .addonPolicyEnabled,
                message: "The add-on config turns network policy on.",
                warnings: [
                    FindingWarning(
                        code: .configMapNotVerified, message: "kube-system/eni-config was not read.")
                ],
                evidence: ["addonConfig": ["NetworkPolicy": "true", "source": "meta_data.Addons"]],
                accountId: "1234567890123456"))

        let unknown = Finding(
            rule: .networkPolicySupport, clusterId: "c5e6f7a8", clusterName: "batch", regionId: "cn-beijing",
            status: .unknown, reason: .configMapMissing,
            message: "kube-system/eni-config does not exist on this terway-eniip cluster.",
            evidence: ["configMap": ["absent": true, "source": "kube-system/eni-config", "status": 404]],
            remediation: Remediation(
                kind: .editConfigMap,
                steps: [
                    "Set disable_network_policy to \"false\" in kube-system/eni-config.",
                    "Restart the terway-eniip DaemonSet.",
                ]),
            accountId: "1234567890123456")

        let serverless = Finding(
            rule: .networkPolicySupport, clusterId: "c9b8a7d6", clusterName: "ask-jobs", regionId: "cn-beijing",
            status: .notApplicable, reason: .serverlessCluster,
            message: "Serverless clusters take policies from the Poseidon add-on, not Terway.",
            evidence: ["cluster": ["cluster_type": "Ask", "profile": "Serverless"]],
            accountId: "1234567890123456")

        var suppressed = Finding(
            rule: .networkPolicySupport, clusterId: "c0ffee01", clusterName: "sandbox \"lab\", team-a",
            regionId: "cn-beijing", status: .fail, reason: .configMapPolicyDisabled,
            message: "kube-system/eni-config sets disable_network_policy to \"true\".",
            evidence: ["configMap": ["disable_network_policy": "true", "source": "kube-system/eni-config"]],
            remediation: Remediation(
                kind: .editConfigMap,
                steps: [
                    "Set disable_network_policy to \"false\" in kube-system/eni-config.",
                    "Restart the terway-eniip DaemonSet.",
                ]),
            accountId: "1234567890123456")
        suppressed.suppression = Suppression(
            reason: "Sandbox, isolated by VPC ACLs (ticket SEC-42)", expires: "2099-12-31")

        let coverage = Finding(
            rule: .networkPolicyCoverage, clusterId: "c7d8e9f0", clusterName: "prod", regionId: "cn-hangzhou",
            status: .fail, reason: .namespacesUncovered,
            message: "2 of 5 namespaces have no NetworkPolicy selecting all pods for ingress: default, shop.",
            evidence: [
                "namespaces": ["uncovered": ["default", "shop"], "included": 5],
                "pods": ["notIsolatedForIngress": 14, "notIsolatedForEgress": 31],
            ],
            accountId: "1234567890123456")

        let coverageUnknown = Finding(
            rule: .networkPolicyCoverage, clusterId: "c5e6f7a8", clusterName: "batch", regionId: "cn-beijing",
            status: .unknown, reason: .kubernetesUnreadable,
            message: "Pods could not be read: 403 Forbidden.",
            evidence: ["pods": ["error": "403 Forbidden", "source": "GET /api/v1/pods"]],
            accountId: "1234567890123456")

        return AuditReport(
            toolVersion: "0.9.0", startedAt: "2025-05-01T08:00:00Z", finishedAt: "2025-05-01T08:00:42.250Z",
            source: .init(kind: .live, regions: ["cn-beijing", "cn-hangzhou"], account: "1234567890123456"),
            rules: [.networkPolicySupport, .networkPolicyCoverage],
            findings: AuditEngine.sorted([
                flannel, prod, strict, unknown, serverless, suppressed, coverage, coverageUnknown,
            ]),
            notices: [
                "suppressions.yaml entry #2 (name legacy-*) expired on 2024-06-30: it suppresses nothing"
            ])
    }()

    static let infrastructure: AuditReport = {
        let flannel = Finding(
            rule: .networkPolicySupport, clusterId: "", clusterName: "alicloud_cs_managed_kubernetes.legacy",
            regionId: "", status: .fail, reason: .pluginFlannel,
            message: "addons names flannel: the cluster could never enforce NetworkPolicy.",
            evidence: ["addons": [["name": "flannel"]]],
            remediation: Remediation(
                kind: .recreateCluster,
                steps: ["Replace the flannel add-on with terway-eniip and config {\"NetworkPolicy\":\"true\"}."]),
            location: SourceLocation(file: "infra/main.tf", line: 12, column: 1))
        let prod = Finding(
            rule: .networkPolicySupport, clusterId: "", clusterName: "alicloud_cs_managed_kubernetes.prod",
            regionId: "", status: .pass, reason: .addonPolicyEnabled,
            message: "terway-eniip with NetworkPolicy \"true\".",
            evidence: ["addons": [["name": "terway-eniip", "config": "{\"NetworkPolicy\":\"true\"}"]]],
            location: SourceLocation(file: "infra/main.tf", line: 40, column: 1))
        let unknown = Finding(
            rule: .networkPolicySupport, clusterId: "", clusterName: "Resources.Cluster",
            regionId: "", status: .unknown, reason: .valueUnknown,
            message: "Addons[0].Config is a Fn::Sub that cannot be known before the stack is created.",
            evidence: ["attribute": "Properties.Addons[0].Config"],
            location: SourceLocation(file: "infra/ros template.yaml", line: 7, column: 5))
        let serverless = Finding(
            rule: .networkPolicySupport, clusterId: "", clusterName: "alicloud_cs_serverless_kubernetes.jobs",
            regionId: "", status: .notApplicable, reason: .serverlessCluster,
            message: "Serverless clusters take policies from the Poseidon add-on.",
            location: SourceLocation(file: "infra/serverless.tf", line: 3, column: 1))
        return AuditReport(
            toolVersion: "0.9.0", startedAt: "2025-05-01T09:30:00+08:00", finishedAt: "2025-05-01T09:30:01+08:00",
            source: .init(kind: .iac, location: "infra"),
            rules: [.networkPolicySupport],
            findings: AuditEngine.sorted([flannel, prod, unknown, serverless]))
    }()

    static let empty = AuditReport(
        toolVersion: "0.9.0", startedAt: "2025-05-01T08:00:00Z", finishedAt: "2025-05-01T08:00:01Z",
        source: .init(kind: .saved, regions: [], location: "evidence/"), rules: [.networkPolicySupport],
        findings: [])
}
