import Audit
import Foundation
import Testing

@testable import History

/// Issue 14 item 9: `history` lists a database it may only read, and a path that is not a database file is refused
/// before SQLite puts anything next to it.
@Suite("history: read-only listing and refused paths")
struct HistoryReadOnlyTests {
    /// Every entry of a folder with its size and modification date.
    static func listing(_ folder: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)
            let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            result[name] = "\(size) \(modified)"
        }
        return result
    }

    /// A database with two scans, written and closed as `audit` leaves it.
    static func populated() throws -> (path: String, folder: String, cleanup: @Sendable () -> Void) {
        let (path, cleanup) = try HistoryFixtures.databasePath()
        do {
            let store = try HistoryStore(path: path)
            for id in ["c1", "c2"] {
                let report = HistoryFixtures.report([HistoryFixtures.finding(id, status: .fail, reason: .pluginFlannel)]
                )
                try store.record(report, scope: HistoryStore.scope(of: report))
            }
        }
        return (path, (path as NSString).deletingLastPathComponent, cleanup)
    }

    @Test("a read-only file in a read-only folder is listed; nothing is created or written next to it")
    func readOnlyDatabaseIsListed() throws {
        let (path, folder, cleanup) = try Self.populated()
        defer {
            chmod(folder, 0o755)
            cleanup()
        }
        // The writer closed: SQLite checkpointed and removed -wal and -shm.
        #expect(try Self.listing(folder).keys.sorted() == [(path as NSString).lastPathComponent])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(chmod(path, 0o444) == 0)
        #expect(chmod(folder, 0o555) == 0)
        let before = try Self.listing(folder)

        let store = try HistoryStore(readingFrom: path)
        let scans = try store.scans()
        #expect(scans.count == 2)
        #expect(try store.findings(scanId: scans[0].id).map(\.clusterId) == ["c2"])
        _ = try store.diff(old: scans[1].id, new: scans[0].id)
        // Root ignores file modes, so writing is also refused by the connection itself.
        #expect(throws: HistoryError.self) {
            let report = HistoryFixtures.report([])
            try store.record(report, scope: HistoryStore.scope(of: report))
        }
        #expect(try Self.listing(folder) == before, "no -wal, -shm or -journal file, no change")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test("with a writer's -wal file present, the read-only open still sees the writer's latest scans")
    func walIsRead() throws {
        let (path, folder, cleanup) = try Self.populated()
        defer { cleanup() }
        let writer = try HistoryStore(path: path)
        let report = HistoryFixtures.report([HistoryFixtures.finding("c3", status: .pass, reason: .pluginFlannel)])
        try writer.record(report, scope: HistoryStore.scope(of: report))
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        let reader = try HistoryStore(readingFrom: path)
        #expect(try reader.scans().count == 3)
        #expect(FileManager.default.fileExists(atPath: folder + "/history.sqlite-wal"))
    }

    @Test(
        "a path that is not a regular file is refused, and nothing is created next to it",
        arguments: ["/dev/null", "/dev/zero", "/tmp", "/tmp/"])
    func notARegularFile(_ path: String) throws {
        let journal = ["-journal", "-wal", "-shm"].map { path + $0 }
        let existing = journal.filter { FileManager.default.fileExists(atPath: $0) }
        #expect(throws: HistoryError.self) { try HistoryStore(path: path) }
        #expect(throws: HistoryError.self) { try HistoryStore(readingFrom: path) }
        #expect(throws: HistoryError.self) { try HistoryStore.checkPath(path, folderMayBeMissing: true) }
        #expect(journal.filter { FileManager.default.fileExists(atPath: $0) } == existing)
        do {
            try HistoryStore.checkPath(path, folderMayBeMissing: true)
        } catch {
            #expect(error.description.hasPrefix("history database \(path): cannot open: "))
        }
    }

    @Test("a FIFO, a dangling link and a missing folder are named clearly")
    func otherRefusals() throws {
        let (path, cleanup) = try HistoryFixtures.databasePath()
        defer { cleanup() }
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fifo = folder + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: HistoryError.cannotOpen(path: fifo, reason: "not a regular file (a FIFO)")) {
            try HistoryStore(path: fifo)
        }
        let link = folder + "/dangling"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder + "/nowhere")
        #expect {
            try HistoryStore(readingFrom: link)
        } throws: { "\($0)".contains("symbolic link that leads nowhere") }
        let missing = folder + "/no/such/folder/history.sqlite"
        #expect(
            throws: HistoryError.cannotOpen(path: missing, reason: "the folder \(folder)/no/such/folder does not exist")
        ) { try HistoryStore.checkPath(missing, folderMayBeMissing: false) }
        #expect(throws: HistoryError.self) { try HistoryStore(readingFrom: missing) }
        #expect(!FileManager.default.fileExists(atPath: folder + "/no"))
    }
}
