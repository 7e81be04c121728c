public import Foundation

/// A private folder (mode 0700) with a new unique name under the system temporary directory, for one test.
///
/// `withTemporaryFolder { folder in ... }` removes it whatever the body does; a test that keeps the value instead
/// calls ``remove()`` itself (`defer { folder.remove() }`).
public struct TemporaryFolder: Sendable {
    /// The folder, absolute and standardised.
    public let url: URL

    /// Creates `<system temp>/<prefix>-XXXXXX` with mode 0700 (`mkdtemp`: a new name, never an existing folder;
    /// short, so that socket paths inside stay within `sun_path`).
    public init(prefix: String = "ackguard-tests") throws {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-XXXXXX").path
        var bytes = Array(template.utf8CString)
        let created = bytes.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let created else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: template])
        }
        url = URL(fileURLWithPath: created, isDirectory: true).standardizedFileURL
    }

    /// The folder's absolute path.
    public var path: String { url.path }

    /// `relative` inside the folder (not created).
    public func url(_ relative: String) -> URL {
        url.appendingPathComponent(relative).standardizedFileURL
    }

    /// The absolute path of `relative` inside the folder (not created).
    public func path(_ relative: String) -> String {
        url(relative).path
    }

    /// Writes `text` (UTF-8) to `relative`, creating the folders on the way; returns the file's absolute path.
    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> String {
        try write(relative, bytes: Data(text.utf8))
    }

    /// Writes `bytes` to `relative`, creating the folders on the way; returns the file's absolute path.
    @discardableResult
    public func write(_ relative: String, bytes: some Sequence<UInt8>) throws -> String {
        let target = url(relative)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: target)
        return target.path
    }

    /// Writes each `relative path: text` pair (see ``write(_:_:)``).
    public func write(_ files: [String: String]) throws {
        for (relative, text) in files.sorted(by: { $0.key < $1.key }) { try write(relative, text) }
    }

    /// Creates the folder `relative` (and those on the way); returns its absolute path.
    @discardableResult
    public func makeFolder(_ relative: String) throws -> String {
        let target = url(relative)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        return target.path
    }

    /// Removes the folder and everything in it, also what a test made unreadable; a leftover is harmless, so
    /// nothing is thrown.
    public func remove() {
        if (try? FileManager.default.removeItem(at: url)) != nil { return }
        Self.makeWritable(url.path)
        try? FileManager.default.removeItem(at: url)
    }

    /// Gives the owner rwx on `path` and every folder below it (symbolic links are not followed).
    private static func makeWritable(_ path: String) {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { return }
        _ = chmod(path, 0o700)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            makeWritable(path + "/" + name)
        }
    }
}

/// Runs `body` with a fresh ``TemporaryFolder`` and removes the folder afterwards, whether `body` throws or not.
public func withTemporaryFolder<T>(
    prefix: String = "ackguard-tests",
    _ body: (TemporaryFolder) throws -> T
) throws -> T {
    let folder = try TemporaryFolder(prefix: prefix)
    defer { folder.remove() }
    return try body(folder)
}

/// Runs `body` with a fresh ``TemporaryFolder`` and removes the folder afterwards, whether `body` throws or not.
public func withTemporaryFolder<T>(
    prefix: String = "ackguard-tests",
    isolation: isolated (any Actor)? = #isolation,
    _ body: (TemporaryFolder) async throws -> T
) async throws -> T {
    let folder = try TemporaryFolder(prefix: prefix)
    defer { folder.remove() }
    return try await body(folder)
}
