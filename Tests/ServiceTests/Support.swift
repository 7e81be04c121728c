import ACKEmulator
import AsyncHTTPClient
import Audit
import AuditRun
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Service
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Lets a test decide when each scan may start: a scan waits in ``pass()`` until the test calls ``open()``.
actor Gate {
    private var permits = 0
    private var waiting: [(id: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private var nextId = 0

    /// Waits for a permit. A cancelled task passes at once (the scan it guards then runs cancelled): otherwise a
    /// loop cancelled while it waits here would never end, and neither would the test awaiting it.
    func pass() async {
        if permits > 0 {
            permits -= 1
            return
        }
        let id = nextId
        nextId += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume()
                } else {
                    waiting.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.release(id) }
        }
    }

    func open() {
        if waiting.isEmpty {
            permits += 1
        } else {
            waiting.removeFirst().continuation.resume()
        }
    }

    private func release(_ id: Int) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume()
    }
}

/// Finished scans as a stream, so a test waits for the n-th scan instead of sleeping.
struct ScanFeed: Sendable {
    let stream: AsyncStream<ScanRecord>
    let continuation: AsyncStream<ScanRecord>.Continuation

    init() { (stream, continuation) = AsyncStream.makeStream() }

    var observer: ScanLoop.Observer { { [continuation] scan, _ in continuation.yield(scan) } }
}

extension AsyncStream<ScanRecord>.Iterator {
    mutating func nextScan() async throws -> ScanRecord {
        guard let scan = await next() else { throw CancellationError() }
        return scan
    }
}

/// The emulator's demo fleet with the settings and environment that reach it (its key as the only credentials, a
/// fresh HOME).
func withDemoEmulator<T>(
    _ body: (_ emulator: Emulator, _ request: AuditRequest) async throws -> T
) async throws -> T {
    try await withEmulatorServer(.demo()) { emulator in
        try await withTemporaryFolder(prefix: "ackguard-serve-home") { home in
            var settings = LiveSettings()
            settings.endpoint = emulator.endpoint.absoluteString
            let environment = [
                "ALIBABA_CLOUD_ACCESS_KEY_ID": emulator.accessKeys[0].id,
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET": emulator.accessKeys[0].secret,
                "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true", "HOME": home.path,
            ]
            let request = AuditRequest(source: .live(settings), environment: environment, toolVersion: "test")
            return try await body(emulator, request)
        }
    }
}

/// Sets `disable_network_policy` in a cluster's kube-system/eni-config.
func setPolicySwitch(_ emulator: Emulator, cluster: String, to value: String) async throws {
    try await emulator.state.withKubernetesStore(clusterId: cluster) { store in
        let found = store.object(kind: "ConfigMap", namespace: "kube-system", name: "eni-config")
        guard var object = found?.objectValue, var metadata = object["metadata"]?.objectValue else { return }
        var data = object["data"]?.objectValue ?? [:]
        data["disable_network_policy"] = .string(value)
        object["data"] = .object(data)
        metadata["resourceVersion"] = nil
        object["metadata"] = .object(metadata)
        store.insert(.object(object))
    }
}

/// GET `url` with an optional bearer token: status and body.
func get(_ client: HTTPClient, _ url: String, token: String? = nil) async throws -> (status: UInt, body: String) {
    var request = HTTPClientRequest(url: url)
    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
    let response = try await client.execute(request, timeout: .seconds(30))
    let body = try await response.body.collect(upTo: 16 << 20)
    return (response.status.code, String(buffer: body))
}

/// An HTTP client for `body`, shut down after it.
func withHTTP<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    let result: T
    do {
        result = try await body(http)
    } catch {
        try? await http.shutdown()
        throw error
    }
    try await http.shutdown()
    return result
}

/// Log lines kept for a test to read: level and message.
final class LogLines: Sendable {
    private let lines = Mutex<[(level: Logger.Level, message: String)]>([])

    var all: [(level: Logger.Level, message: String)] { lines.withLock { $0 } }

    /// Lines at `level` or above.
    func atLeast(_ level: Logger.Level) -> [String] { all.filter { $0.level >= level }.map(\.message) }

    func add(_ level: Logger.Level, _ message: String) { lines.withLock { $0.append((level, message)) } }

    /// A logger writing here, every level included.
    var logger: Logger {
        var logger = Logger(label: "ackguard.serve.tests") { _ in Handler(lines: self) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let lines: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            lines.add(event.level, event.message.description)
        }
    }
}

/// A loopback TCP port that accepts connections (the kernel completes them) and never answers: what a webhook
/// receiver that hangs looks like. Closed by `body`'s end.
func withSilentListener<T>(_ body: (_ url: URL) async throws -> T) async throws -> T {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw CancellationError() }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    #expect(bound == 0)
    #expect(listen(descriptor, 16) == 0)
    var chosen = sockaddr_in()
    _ = withUnsafeMutablePointer(to: &chosen) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    let port = Int(UInt16(bigEndian: chosen.sin_port))
    return try await body(try #require(URL(string: "http://127.0.0.1:\(port)/hook")))
}
