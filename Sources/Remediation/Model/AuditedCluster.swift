public import Audit
public import Evidence

/// One cluster as the audit saw it: the object that described it (a listing item or a detail body, which is also
/// what a re-audit starts from), the evidence decoded from its documents and the rule-1 finding.
public struct AuditedCluster: Sendable {
    /// The `DescribeClustersV1` item (or `DescribeClusterDetail` body) the cluster was collected from.
    public var listing: JSONValue
    public var evidence: ClusterEvidence
    /// The `ack-network-policy-support` finding.
    public var finding: Finding

    public init(listing: JSONValue, evidence: ClusterEvidence, finding: Finding) {
        self.listing = listing
        self.evidence = evidence
        self.finding = finding
    }

    /// Decodes a cluster's documents and evaluates rule 1 (a re-audit after a change). A document that cannot be
    /// decoded gives an `UNKNOWN` finding (`collection-failed`) naming the problem, never a pass
    /// (``ClusterDocuments/evidenceOrFailure()``, as the audit pipeline does).
    public init(documents: ClusterDocuments) {
        let listing = documents.descriptions.first?.value ?? .object(["cluster_id": .string(documents.clusterId)])
        let evidence = documents.evidenceOrFailure()
        let finding = AuditEngine.evaluate(evidence, options: AuditOptions(rules: [.networkPolicySupport]))[0]
        self.init(listing: listing, evidence: evidence, finding: finding)
    }

    public var record: ClusterRecord { evidence.record }
    public var clusterId: String { evidence.record.clusterId }
}
