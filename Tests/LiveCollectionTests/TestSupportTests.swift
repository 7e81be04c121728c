import ACKEmulator
import AlibabaCloud
import Foundation
import TestSupport
import Testing

/// What the other test targets rely on TestSupport for: private folders that go away, an emulator that stops.
@Suite("TestSupport: temporary folders and the emulator harness")
struct TestSupportTests {
    struct Planned: Error {}

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port` (a stopped server refuses at once). Only for
    /// ports nothing should listen on.
    static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }

    @Test("a temporary folder is new, private (0700), under the system temp dir, and writes where it says")
    func temporaryFolder() throws {
        let first = try TemporaryFolder(prefix: "ackguard-support")
        defer { first.remove() }
        #expect(first.url.lastPathComponent.hasPrefix("ackguard-support-"))
        let second = try TemporaryFolder(prefix: "ackguard-support")
        defer { second.remove() }
        #expect(first.path != second.path)
        #expect(first.url.deletingLastPathComponent() == FileManager.default.temporaryDirectory.standardizedFileURL)
        let attributes = try FileManager.default.attributesOfItem(atPath: first.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        let written = try first.write("a/b/c.txt", "text")
        #expect(written == first.path("a/b/c.txt"))
        #expect(try String(contentsOfFile: written, encoding: .utf8) == "text")
        #expect(try first.write("bytes.bin", bytes: [0, 1, 2]) == first.path + "/bytes.bin")
        try first.write(["x.json": "{}", "y/z.json": "[]"])
        #expect(Self.exists(first.path("y/z.json")))
        #expect(try first.makeFolder("empty/inner") == first.path("empty/inner"))
    }

    @Test("remove clears the folder, also a subfolder a test made unreadable")
    func removeUnreadable() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-support")
        try folder.write("locked/inner/file.json", "{}")
        #expect(chmod(folder.path("locked/inner"), 0o000) == 0)
        #expect(chmod(folder.path("locked"), 0o000) == 0)
        folder.remove()
        #expect(!Self.exists(folder.path))
    }

    @Test("withTemporaryFolder removes the folder when the body returns and when it throws, sync and async")
    func scoped() async throws {
        let kept = try withTemporaryFolder(prefix: "ackguard-support") { folder in
            try folder.write("file", "x")
            return folder.path
        }
        #expect(!Self.exists(kept))
        var thrown = ""
        #expect(throws: Planned.self) {
            try withTemporaryFolder(prefix: "ackguard-support") { folder in
                thrown = folder.path
                throw Planned()
            }
        }
        #expect(!thrown.isEmpty && !Self.exists(thrown))
        let asyncPath = try await withTemporaryFolder(prefix: "ackguard-support") { folder in
            await Task.yield()
            return folder.path
        }
        #expect(!Self.exists(asyncPath))
    }

    @Test("withEmulator hands a CS client signed for the emulator, and stops it even when the body throws")
    func emulatorHarness() async throws {
        let regions = try await withEmulator { harness in
            #expect(harness.endpoint == harness.emulator.endpoint)
            #expect(harness.client.options.endpoint == harness.endpoint)
            #expect(harness.credential.accessKeyId == harness.accessKey.id)
            let regions = try await harness.client.describeRegions().value
            #expect(await harness.emulator.requestCounts()["DescribeRegions"] == 1)
            return regions
        }
        #expect(!regions.isEmpty)
        var port = 0
        await #expect(throws: Planned.self) {
            try await withEmulator { harness in
                // No connection while it runs: a connection accepted but not yet served when the server task is
                // cancelled traps in NIO (apple/swift-nio#2637); a closed port is probed safely.
                port = try #require(harness.endpoint.port)
                throw Planned()
            }
        }
        #expect(port > 0 && !Self.accepts(port: port), "the emulator still listens after the body threw")
    }
}
