import Audit
import Foundation
import KubernetesAPI

/// `kubectl -n kube-system rollout restart daemonset/terway-eniip` and `rollout status`: the pod-template annotation
/// `kubectl.kubernetes.io/restartedAt` is set (Terway reads `disable_network_policy` only when its containers start,
/// ACK-API.md §6.4), then the DaemonSet is polled until the controller has observed the new generation and every
/// scheduled pod is updated and available.
struct TerwayRestart: Sendable {
    static let namespace = "kube-system"
    static let name = "terway-eniip"
    static let annotation = "kubectl.kubernetes.io/restartedAt"
    static let path = KubernetesPath.daemonSet(namespace: namespace, name: name)

    let context: RemediationContext
    let clusterId: String
    let regionId: String

    func read(_ client: KubernetesClient) async throws -> DaemonSet {
        do {
            return try await client.daemonSet(namespace: Self.namespace, name: Self.name)
        } catch KubernetesError.status(let status) where status.isNotFound {
            throw RemediationError.daemonSetMissing(clusterId: clusterId)
        } catch {
            throw RemediationError.stepFailed(clusterId: clusterId, step: "GET \(Self.path)", detail: "\(error)")
        }
    }

    /// Patches the annotation; returns the write and the generation to wait for.
    func restart(_ client: KubernetesClient) async throws -> (write: WriteRecord, generation: Int) {
        let before = try await read(client)
        let updated: DaemonSet
        do {
            updated = try await client.restartDaemonSet(namespace: Self.namespace, name: Self.name, at: context.clock())
        } catch {
            throw RemediationError.stepFailed(
                clusterId: clusterId, step: "PATCH \(Self.path) (rollout restart)", detail: "\(error)")
        }
        let write = WriteRecord(
            clusterId: clusterId, regionId: regionId, api: "PATCH daemonsets",
            target: "kube-system/daemonset/terway-eniip pod-template annotation \(Self.annotation)",
            before: before.spec?.template?.metadata?.annotations?[Self.annotation],
            after: updated.spec?.template?.metadata?.annotations?[Self.annotation],
            resourceVersionBefore: before.metadata.resourceVersion,
            resourceVersionAfter: updated.metadata.resourceVersion, at: context.timestamp(),
            note: "rollout restart (generation \(before.metadata.generation.map(String.init) ?? "?") → "
                + "\(updated.metadata.generation.map(String.init) ?? "?"))")
        return (write, updated.metadata.generation ?? 0)
    }

    /// Waits until the DaemonSet is rolled out at `generation` or later.
    func waitForRollout(_ client: KubernetesClient, generation: Int) async throws {
        var last = "not read yet"
        let done: Bool? = try await context.poll(timeout: context.timing.rolloutTimeout) {
            let daemonSet = try await read(client)
            let status = daemonSet.status
            last =
                "observed generation \(status?.observedGeneration ?? 0) of \(generation), "
                + "\(status?.updatedNumberScheduled ?? 0) updated and \(status?.numberAvailable ?? 0) available of "
                + "\(status?.desiredNumberScheduled ?? 0)"
            return (status?.observedGeneration ?? 0) >= generation && daemonSet.isRolledOut ? true : nil
        }
        guard done != nil else {
            throw RemediationError.rolloutTimedOut(
                clusterId: clusterId, seconds: context.timing.rolloutTimeout.wholeSeconds, status: last)
        }
        await context.progress(clusterId, "DaemonSet kube-system/terway-eniip rolled out (\(last))")
    }
}
