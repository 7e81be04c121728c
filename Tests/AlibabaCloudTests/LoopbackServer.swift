import Foundation
import Hummingbird
import Logging

enum FakeServerError: Error { case noPort }

/// Runs a Hummingbird server answering with `responder` on 127.0.0.1 (ephemeral port) while `body` runs with its
/// base URL, then stops it. The fake CS server and the fake credential servers both serve through it.
func withLoopbackServer<Responder: HTTPResponder, T: Sendable>(
    _ responder: Responder,
    label: String,
    _ body: (URL) async throws -> T
) async throws -> T where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: label)
    // Cancelling the server at the end of a test logs "Already closed" at error level.
    logger.logLevel = .critical
    let app = Application(
        responder: responder,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        },
        logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService(gracefulShutdownSignals: []) }
        defer { group.cancelAll() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0, let url = URL(string: "http://127.0.0.1:\(port)")
        else { throw FakeServerError.noPort }
        return try await body(url)
    }
}
