import Foundation
import TestSupport

/// Runs the built `ackguard` binary, as a user would, and captures what it prints.
struct CommandResult {
    var exitCode: Int32
    var stdout: String
    var stderr: String
}

enum CommandRunner {
    /// The folder holding the built products (`.build/debug`): on Linux the test bundle's own folder.
    static var productsDirectory: URL {
        #if os(macOS)
            for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
                return bundle.bundleURL.deletingLastPathComponent()
            }
            fatalError("couldn't find the products directory")
        #else
            return Bundle.main.bundleURL
        #endif
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Variables that an empty value in `environment` removes rather than sets empty.
    static let removable: Set<String> = ["XDG_DATA_HOME", "XDG_STATE_HOME", "ALIBABA_CLOUD_ECS_METADATA_DISABLED"]

    /// Runs the binary and waits for it without holding a thread: the tests share Swift's cooperative pool (two
    /// threads on two cores) with in-process tests whose deadlines a blocked pool would stretch.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("ackguard")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        // Hermetic: history and rollback files go to a folder of this run, unless the test says otherwise.
        let run = try TemporaryFolder(prefix: "ackguard-run")
        defer { run.remove() }
        let home = run.url("home")
        env["XDG_DATA_HOME"] = home.appendingPathComponent("data").path
        env["XDG_STATE_HOME"] = home.appendingPathComponent("state").path
        env["HOME"] = home.path
        // Never leave this machine: no credential chain of a run reaches the ECS metadata service.
        env["ACKGUARD_NO_METADATA_PROBE"] = "1"
        env["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true"
        for (key, value) in environment {
            // An empty value given for a variable the run must not see removes it (`XDG_DATA_HOME`, say).
            if value.isEmpty && removable.contains(key) { env.removeValue(forKey: key) } else { env[key] = value }
        }
        process.environment = env
        // Files, not pipes: a large report cannot block the child, and no reader thread is needed.
        let outURL = run.url("stdout")
        let errURL = run.url("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            process.terminationHandler = { _ in done.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                done.resume()
            }
        }
        guard process.processIdentifier != 0 else { throw CommandRunnerError.notStarted(arguments) }
        try out.close()
        try err.close()
        return CommandResult(
            exitCode: process.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
            stderr: try String(contentsOf: errURL, encoding: .utf8))
    }
}

enum CommandRunnerError: Error {
    case notStarted([String])
}
