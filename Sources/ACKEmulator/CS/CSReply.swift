import Audit
import Foundation

/// A successful answer of a CS handler.
enum CSReply: Sendable {
    case json(JSONValue)
    /// A success without body (ModifyClusterAddon).
    case empty
    /// A kubeconfig still to be issued (certificate generation happens outside the state actor).
    case kubeconfig(KubeconfigOrder)
}

/// What `DescribeClusterUserKubeconfig` must put in the kubeconfig it returns.
struct KubeconfigOrder: Sendable {
    var clusterId: String
    var clusterName: String
    var server: String
    var userName: String
    var notValidBefore: Date
    var expiration: Date
}
