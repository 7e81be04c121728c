import Hummingbird
import NIOCore

/// The request context of the emulated Kubernetes API server: it keeps the connection's `Channel`, which holds
/// the TLS handler with the client's certificate.
struct KubernetesRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Request bodies above this size are refused (413).
    var maxUploadSize: Int { 4 << 20 }
}
