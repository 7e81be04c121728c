import Audit
import Evidence

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

    /// Decodes a cluster's documents and evaluates rule 1. A document that cannot be decoded gives an `UNKNOWN`
    /// finding (`collection-failed`) naming the problem, never a pass.
    public init(documents: ClusterDocuments) {
        let listing = documents.descriptions.first?.value ?? .object(["cluster_id": .string(documents.clusterId)])
        do {
            let evidence = try documents.evidence()
            self.init(
                listing: listing, evidence: evidence, finding: NetworkPolicySupportRule.evaluate(evidence))
        } catch {
            let record = EvidenceDecoding.record(from: documents.descriptions)
            let evidence = ClusterEvidence(record: record, collectionError: error.description)
            let finding = Finding(
                rule: .networkPolicySupport, clusterId: record.clusterId, clusterName: record.name,
                regionId: record.regionId, status: .unknown, reason: .collectionFailed,
                message: "the cluster's evidence could not be decoded: \(error.description)",
                accountId: record.accountId)
            self.init(listing: listing, evidence: evidence, finding: finding)
        }
    }

    public var record: ClusterRecord { evidence.record }
    public var clusterId: String { evidence.record.clusterId }
}
