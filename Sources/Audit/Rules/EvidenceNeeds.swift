/// What evidence a cluster needs next, as the rules see it: live collection asks this instead of keeping its own
/// copy of the decision table, so that the calls made follow RULE.md exactly.
public struct EvidenceNeeds: Sendable, Equatable {
    /// The Terway add-on's live config (`GetClusterAddonInstance terway-eniip`, layer 2).
    public var addonInstance: Bool
    /// Kubernetes documents to read (`eni-config`, `nodes`, `namespaces`, `networkpolicies`, `pods`).
    public var kubernetesFiles: [String]

    /// The needs of a cluster from what is known of it so far (its record, and the add-on answer once asked).
    ///
    /// Nothing more for a cluster the rules do not apply to. The add-on API is asked unless the record alone
    /// decides (Flannel or Terway exclusive ENI, with no source naming `terway-eniip`). `eni-config` and the nodes
    /// are read on every cluster that any source names `terway-eniip` (RULE.md layer 3), whatever the add-on API
    /// answered; the coverage rule's documents whenever that rule runs.
    public static func of(_ evidence: ClusterEvidence, readCoverage: Bool) -> EvidenceNeeds {
        if NetworkPolicySupportRule.evaluate(evidence).status == .notApplicable {
            return EvidenceNeeds(addonInstance: false, kubernetesFiles: [])
        }
        let identification = PluginIdentification(evidence: evidence)
        var files: [String] = []
        if identification.namesTerwaySharedENI { files += ["eni-config", "nodes"] }
        if readCoverage { files += ["namespaces", "networkpolicies", "pods"] }
        return EvidenceNeeds(
            addonInstance: identification.plugin == nil || identification.namesTerwaySharedENI,
            kubernetesFiles: files)
    }
}
