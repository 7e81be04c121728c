import Audit
import KubernetesAPI

/// Changes `data.disable_network_policy` of `kube-system/eni-config` with a JSON merge patch that carries the
/// `resourceVersion` just read, so the API server answers 409 if anyone changed the ConfigMap in between (the caller
/// re-reads, re-checks and retries a bounded number of times). The same patch sets or removes the rollback proof
/// annotation (``RollbackProof``). No other key is ever in the patch, and the answer is checked: every other key
/// must be byte-identical.
struct ConfigMapChange: Sendable {
    static let namespace = "kube-system"
    static let name = "eni-config"
    static let path = KubernetesPath.configMap(namespace: namespace, name: name)
    static let target = "kube-system/eni-config data.disable_network_policy"

    let context: RemediationContext
    let clusterId: String
    let regionId: String
    let client: KubernetesClient

    func read() async throws -> JSONValue {
        do {
            return try await client.get(Self.path)
        } catch KubernetesError.status(let status) where status.isNotFound {
            throw RemediationError.configMapMissing(clusterId: clusterId)
        } catch {
            throw RemediationError.stepFailed(clusterId: clusterId, step: "GET \(Self.path)", detail: "\(error)")
        }
    }

    /// What a patch does to `data.disable_network_policy`.
    enum ValueChange: Sendable, Equatable {
        /// Leave the key as it is (only the proof annotation changes).
        case keep
        /// Set it (`nil` removes it).
        case set(String?)
    }

    enum Patched: Sendable {
        case applied(WriteRecord, JSONValue)
        /// 409: the ConfigMap changed since `current` was read; nothing was written.
        case conflict
    }

    /// One merge patch of `current`, guarded by its resourceVersion: the key as `change` says and the rollback
    /// proof annotation set to `proof` (`nil` removes it) — the value and its proof in one write, so neither exists
    /// on the cluster without the other. The answer is checked: the value and the annotation as asked, every other
    /// key byte-identical.
    func patch(_ current: JSONValue, change: ValueChange, proof: String?, attempt: Int) async throws -> Patched {
        let value = TerwayPolicySwitch.value(inConfigMap: current)
        guard let version = current["metadata"]?["resourceVersion"]?.stringValue, !version.isEmpty else {
            throw RemediationError.stepFailed(
                clusterId: clusterId, step: "PATCH \(Self.path)",
                detail: "the ConfigMap has no resourceVersion to guard the patch with")
        }
        await context.events(.willPatchConfigMap(clusterId: clusterId, attempt: attempt, resourceVersion: version))
        var patch: [String: JSONValue] = [
            "metadata": [
                "resourceVersion": .string(version),
                "annotations": .object([RollbackProof.annotation: proof.map(JSONValue.string) ?? .null]),
            ]
        ]
        let desired: String?
        switch change {
        case .keep:
            desired = value
        case .set(let new):
            desired = new
            patch["data"] = .object([TerwayPolicySwitch.key: new.map(JSONValue.string) ?? .null])
        }
        let updated: JSONValue
        do {
            updated = try await client.mergePatch(Self.path, .object(patch))
        } catch KubernetesError.status(let status) where status.isConflict {
            return .conflict
        } catch {
            throw RemediationError.stepFailed(clusterId: clusterId, step: "PATCH \(Self.path)", detail: "\(error)")
        }
        try verify(before: current, after: updated, desired: desired)
        guard Self.proof(in: updated) == proof else {
            throw RemediationError.stepFailed(
                clusterId: clusterId, step: "PATCH \(Self.path)",
                detail: "the answer does not carry the annotation \(RollbackProof.annotation) as patched")
        }
        let write = WriteRecord(
            clusterId: clusterId, regionId: regionId, api: "PATCH configmaps", target: Self.target, before: value,
            after: TerwayPolicySwitch.value(inConfigMap: updated), resourceVersionBefore: version,
            resourceVersionAfter: updated["metadata"]?["resourceVersion"]?.stringValue, at: context.timestamp(),
            note: (proof.map { "annotation \(RollbackProof.annotation) set to \($0)" }
                ?? "annotation \(RollbackProof.annotation) removed")
                + (attempt > 1 ? "; \(attempt - 1) conflict(s) (409) re-read, re-checked and retried" : ""))
        return .applied(write, updated)
    }

    /// The rollback proof annotation of a ConfigMap object, `nil` when absent.
    static func proof(in configMap: JSONValue) -> String? {
        configMap["metadata"]?["annotations"]?[RollbackProof.annotation]?.stringValue
    }

    /// The patched ConfigMap holds `desired` and every other key exactly as before.
    func verify(before: JSONValue, after: JSONValue, desired: String?) throws {
        let found = TerwayPolicySwitch.value(inConfigMap: after)
        guard found == desired else {
            throw RemediationError.configMapNotApplied(clusterId: clusterId, found: Self.describe(found))
        }
        var changed: [String] = []
        for field in ["data", "binaryData"] {
            var old = before[field]?.objectValue ?? [:]
            var new = after[field]?.objectValue ?? [:]
            if field == "data" {
                old[TerwayPolicySwitch.key] = nil
                new[TerwayPolicySwitch.key] = nil
            }
            for key in Set(old.keys).union(new.keys).sorted() where old[key] != new[key] {
                changed.append("\(field).\(key)")
            }
        }
        guard changed.isEmpty else {
            throw RemediationError.configMapOtherKeysChanged(clusterId: clusterId, keys: changed)
        }
    }

    static func describe(_ value: String?) -> String {
        value.map { JSONValue.string($0).serialized() } ?? "(absent)"
    }
}
