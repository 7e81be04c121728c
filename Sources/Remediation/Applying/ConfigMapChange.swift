import Audit
import KubernetesAPI

/// Changes `data.disable_network_policy` of `kube-system/eni-config` with a JSON merge patch that carries the
/// `resourceVersion` just read, so the API server answers 409 if anyone changed the ConfigMap in between. On 409 the
/// ConfigMap is read again, the need re-checked, and the patch retried (a bounded number of times). No other key is
/// ever in the patch, and the answer is checked: every other key must be byte-identical.
struct ConfigMapChange: Sendable {
    static let namespace = "kube-system"
    static let name = "eni-config"
    static let path = KubernetesPath.configMap(namespace: namespace, name: name)
    static let target = "kube-system/eni-config data.disable_network_policy"

    let context: RemediationContext
    let clusterId: String
    let regionId: String

    func read(_ client: KubernetesClient) async throws -> JSONValue {
        do {
            return try await client.get(Self.path)
        } catch KubernetesError.status(let status) where status.isNotFound {
            throw RemediationError.configMapMissing(clusterId: clusterId)
        } catch {
            throw RemediationError.stepFailed(clusterId: clusterId, step: "GET \(Self.path)", detail: "\(error)")
        }
    }

    /// Sets the key to `desired` (`nil` removes it) unless `isSatisfied` says the current value already does.
    /// Returns the write, or `nil` when nothing had to be written.
    func set(
        _ desired: String?, client: KubernetesClient, startingFrom initial: JSONValue? = nil,
        isSatisfied: @Sendable (String?) -> Bool
    ) async throws -> WriteRecord? {
        var current: JSONValue
        if let initial { current = initial } else { current = try await read(client) }
        var conflicts = 0
        while true {
            let value = TerwayPolicySwitch.value(inConfigMap: current)
            if isSatisfied(value) {
                if conflicts > 0 {
                    await context.progress(
                        clusterId, "eni-config already reads \(Self.describe(value)) after re-reading")
                }
                return nil
            }
            guard let version = current["metadata"]?["resourceVersion"]?.stringValue, !version.isEmpty else {
                throw RemediationError.stepFailed(
                    clusterId: clusterId, step: "PATCH \(Self.path)",
                    detail: "the ConfigMap has no resourceVersion to guard the patch with")
            }
            await context.events(
                .willPatchConfigMap(clusterId: clusterId, attempt: conflicts + 1, resourceVersion: version))
            let patch: JSONValue = [
                "metadata": ["resourceVersion": .string(version)],
                "data": .object([TerwayPolicySwitch.key: desired.map(JSONValue.string) ?? .null]),
            ]
            let updated: JSONValue
            do {
                updated = try await client.mergePatch(Self.path, patch)
            } catch KubernetesError.status(let status) where status.isConflict {
                conflicts += 1
                guard conflicts <= context.timing.maxConflictRetries else {
                    throw RemediationError.configMapConflict(clusterId: clusterId, attempts: conflicts)
                }
                await context.progress(
                    clusterId, "eni-config changed since it was read (409 Conflict): re-reading and re-checking")
                current = try await read(client)
                continue
            } catch {
                throw RemediationError.stepFailed(clusterId: clusterId, step: "PATCH \(Self.path)", detail: "\(error)")
            }
            try verify(before: current, after: updated, desired: desired)
            return WriteRecord(
                clusterId: clusterId, regionId: regionId, api: "PATCH configmaps", target: Self.target, before: value,
                after: TerwayPolicySwitch.value(inConfigMap: updated), resourceVersionBefore: version,
                resourceVersionAfter: updated["metadata"]?["resourceVersion"]?.stringValue, at: context.timestamp(),
                note: conflicts > 0 ? "\(conflicts) conflict(s) (409) re-read, re-checked and retried" : nil)
        }
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
