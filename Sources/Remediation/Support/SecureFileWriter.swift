import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes private files atomically: the bytes go to a new temporary file created with mode 0600 in the target's
/// folder (never readable by others, not even for a moment), are flushed to disk, and the file is renamed over the
/// target. A reader sees the old file or the new one, never half of one.
enum SecureFileWriter {
    enum Failure: Error, CustomStringConvertible {
        case system(path: String, operation: String, errno: Int32)
        case exists(path: String)
        case other(path: String, detail: String)

        var description: String {
            switch self {
            case .system(let path, let operation, let code):
                return "\(path): \(operation) failed: \(String(cString: strerror(code)))"
            case .exists(let path): return "\(path): already exists"
            case .other(let path, let detail): return "\(path): \(detail)"
            }
        }
    }

    /// Creates `directory` (and its parents) with mode 0700 when missing.
    static func ensureDirectory(_ directory: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw Failure.system(path: directory.path, operation: "mkdir", errno: ENOTDIR)
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure.other(path: directory.path, detail: "cannot create the folder: \(error.localizedDescription)")
        }
    }

    /// Atomically replaces (or creates) `url` with `bytes`, mode 0600.
    static func store(_ bytes: [UInt8], at url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let base = url.lastPathComponent
        var temporary = ""
        var descriptor: Int32 = -1
        for attempt in 0..<100 {
            temporary = directory.appendingPathComponent(".\(base).tmp\(attempt)").path
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor >= 0 { break }
            if errno != EEXIST { throw Failure.system(path: temporary, operation: "create", errno: errno) }
        }
        guard descriptor >= 0 else { throw Failure.system(path: temporary, operation: "create", errno: EEXIST) }
        do {
            // The mode given to open() is reduced by the umask; make it exactly 0600.
            guard fchmod(descriptor, 0o600) == 0 else {
                throw Failure.system(path: temporary, operation: "chmod", errno: errno)
            }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { buffer in
                    write(descriptor, buffer.baseAddress, buffer.count)
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure.system(path: temporary, operation: "write", errno: errno)
                }
                offset += written
            }
            guard fsync(descriptor) == 0 else {
                throw Failure.system(path: temporary, operation: "fsync", errno: errno)
            }
            guard close(descriptor) == 0 else {
                descriptor = -1
                throw Failure.system(path: temporary, operation: "close", errno: errno)
            }
            descriptor = -1
            guard rename(temporary, url.path) == 0 else {
                throw Failure.system(path: url.path, operation: "rename", errno: errno)
            }
        } catch {
            if descriptor >= 0 { close(descriptor) }
            unlink(temporary)
            throw error
        }
        // Make the rename durable; a folder that cannot be opened only loses durability, not correctness.
        let folder = open(directory.path, O_RDONLY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }

    /// Reserves a new file name in `directory`: `stem.json`, else `stem-2.json`, `stem-3.json`, … (created empty with
    /// mode 0600 so that two runs never share a file).
    static func reserve(directory: URL, stem: String) throws -> URL {
        for index in 1...1000 {
            let name = index == 1 ? "\(stem).json" : "\(stem)-\(index).json"
            let url = directory.appendingPathComponent(name)
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor >= 0 {
                close(descriptor)
                return url
            }
            if errno != EEXIST { throw Failure.system(path: url.path, operation: "create", errno: errno) }
        }
        throw Failure.exists(path: directory.appendingPathComponent("\(stem).json").path)
    }
}
