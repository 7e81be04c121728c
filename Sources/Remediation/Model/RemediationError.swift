/// Why a remediation step failed. One line, naming the cluster and the step; never a credential.
public enum RemediationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A CS or Kubernetes call of a step failed; `detail` is the underlying error.
    case stepFailed(clusterId: String, step: String, detail: String)
    case kubernetesUnreachable(clusterId: String, detail: String)
    case addonNotInstalled(clusterId: String)
    case addonBusy(clusterId: String, state: String)
    case addonUpdateFailed(clusterId: String, detail: String)
    case addonUpdateTimedOut(clusterId: String, seconds: Int)
    case addonNotApplied(clusterId: String, found: String)
    case configMapMissing(clusterId: String)
    case configMapConflict(clusterId: String, attempts: Int)
    case configMapNotApplied(clusterId: String, found: String)
    case configMapOtherKeysChanged(clusterId: String, keys: [String])
    case daemonSetMissing(clusterId: String)
    case rolloutTimedOut(clusterId: String, seconds: Int, status: String)
    case largeFelixRefused(clusterId: String, nodes: Int)
    case placeholderPodVSwitch(clusterId: String)
    case replacementFailed(clusterId: String, taskId: String, detail: String)
    case replacementTimedOut(clusterId: String, taskId: String, seconds: Int)
    case rollbackFileUnwritable(path: String, detail: String)
    case rollbackFileUnreadable(path: String, detail: String)
    case rollbackFileInvalid(path: String, detail: String)
    /// The rollback file does not prove a change ackguard made on this cluster as it now stands; nothing is written.
    case rollbackRefused(clusterId: String, detail: String)

    public var description: String {
        switch self {
        case .stepFailed(let cluster, let step, let detail):
            return "cluster \(cluster): \(step) failed: \(detail)"
        case .kubernetesUnreachable(let cluster, let detail):
            return "cluster \(cluster): the Kubernetes API cannot be used: \(detail)"
        case .addonNotInstalled(let cluster):
            return "cluster \(cluster): the terway-eniip add-on is not installed"
        case .addonBusy(let cluster, let state):
            return "cluster \(cluster): the terway-eniip add-on is \(state), not active; try again when it is active"
        case .addonUpdateFailed(let cluster, let detail):
            return "cluster \(cluster): the terway-eniip config change failed: \(detail)"
        case .addonUpdateTimedOut(let cluster, let seconds):
            return "cluster \(cluster): the terway-eniip config change did not finish within \(seconds) s"
        case .addonNotApplied(let cluster, let found):
            return "cluster \(cluster): after ModifyClusterAddon the terway-eniip config reads \(found)"
        case .configMapMissing(let cluster):
            return "cluster \(cluster): kube-system/eni-config does not exist"
        case .configMapConflict(let cluster, let attempts):
            return "cluster \(cluster): kube-system/eni-config kept changing under the patch (409 Conflict, "
                + "\(attempts) attempts); nothing more was written"
        case .configMapNotApplied(let cluster, let found):
            return "cluster \(cluster): after the patch kube-system/eni-config reads disable_network_policy \(found)"
        case .configMapOtherKeysChanged(let cluster, let keys):
            return "cluster \(cluster): the eni-config patch changed other keys: \(keys.joined(separator: ", "))"
        case .daemonSetMissing(let cluster):
            return "cluster \(cluster): DaemonSet kube-system/terway-eniip does not exist; Terway cannot be restarted"
        case .rolloutTimedOut(let cluster, let seconds, let status):
            return "cluster \(cluster): DaemonSet kube-system/terway-eniip was not rolled out within \(seconds) s "
                + "(\(status))"
        case .largeFelixRefused(let cluster, let nodes):
            return "cluster \(cluster): refused: \(nodes) nodes with the Felix datapath; ACK advises deploying Typha "
                + "before enabling NetworkPolicy (pass --allow-large to go ahead)"
        case .placeholderPodVSwitch(let cluster):
            return "cluster \(cluster): refused: the replacement's pod vSwitches are placeholders (pass --pod-vswitch)"
        case .replacementFailed(let cluster, let task, let detail):
            return "replacement of cluster \(cluster): task \(task) failed: \(detail)"
        case .replacementTimedOut(let cluster, let task, let seconds):
            return "replacement of cluster \(cluster): task \(task) did not finish within \(seconds) s; follow it "
                + "with `aliyun cs GET /tasks/\(task)`"
        case .rollbackFileUnwritable(let path, let detail):
            return "rollback file \(path) cannot be written: \(detail)"
        case .rollbackFileUnreadable(let path, let detail):
            return "rollback file \(path) cannot be read: \(detail)"
        case .rollbackFileInvalid(let path, let detail):
            return "rollback file \(path) is not valid: \(detail)"
        case .rollbackRefused(let cluster, let detail):
            return "cluster \(cluster): rollback refused, nothing was changed: \(detail); run `ackguard fix` for "
                + "another state"
        }
    }
}
