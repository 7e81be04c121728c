import ACKEmulator
import Foundation
import Synchronization

typealias ACKEmulatorTestHandle = Emulator

/// Runs `body` with a started emulator and stops it afterwards.
func withEmulator<T: Sendable>(
    _ configuration: EmulatorConfiguration = .demo(),
    _ body: (Emulator) async throws -> T
) async throws -> T {
    let emulator = try await Emulator.start(configuration)
    do {
        let result = try await body(emulator)
        await emulator.stop()
        return result
    } catch {
        await emulator.stop()
        throw error
    }
}

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    var function: @Sendable () -> Date { { self.now } }
}

/// A unique temporary directory for one test.
func temporaryDirectory(_ name: String = #function) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("ackguard-emulator-tests-\(safe)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

extension Fleet {
    /// The first cluster showing `situation`.
    func first(_ situation: FleetSituation) -> FleetCluster? {
        clusters(showing: situation).first
    }
}
