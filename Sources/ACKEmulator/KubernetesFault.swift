/// How a cluster's emulated Kubernetes API misbehaves.
public enum KubernetesFault: String, Sendable, Equatable, CaseIterable {
    /// Answers normally.
    case none
    /// Accepts the connection and never answers.
    case hang
    /// Refuses connections (the kubeconfig points at a closed loopback port).
    case refuse
    /// Answers every request with 403 Forbidden.
    case forbidden
    /// Answers every request with 401 Unauthorized.
    case unauthorized
}
