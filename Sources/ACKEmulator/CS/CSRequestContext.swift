import Hummingbird
import NIOCore

/// The request context of the CS server: Hummingbird's core storage plus the connection's channel, so a fault can
/// close the connection without answering.
struct CSRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
