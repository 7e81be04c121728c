import Foundation

/// The `ackguard-emulator` binary running as a separate process, as a user would start it.
final class EmulatorProcess {
    let process = Process()
    let endpoint: String

    init(_ arguments: [String] = []) throws {
        process.executableURL = CommandRunner.productsDirectory.appendingPathComponent("ackguard-emulator")
        process.arguments = ["--port", "0"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line on stdout is `listening on http://127.0.0.1:PORT`.
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening on ") else {
            process.terminate()
            throw EmulatorStartError(firstLine: text)
        }
        endpoint = String(text.dropFirst("listening on ".count))
    }

    /// The environment that makes `ackguard` use the emulator's demo key.
    var credentials: [String: String] {
        ["ALIBABA_CLOUD_ACCESS_KEY_ID": "ackguard-demo-key", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "ackguard-demo-secret"]
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    struct EmulatorStartError: Error, CustomStringConvertible {
        var firstLine: String
        var description: String { "ackguard-emulator did not start: \(firstLine)" }
    }
}
