import Audit
import Foundation

/// Reads a file of infrastructure code without trusting it: the path must be a regular file (checked with `stat`
/// before opening, and again on the open descriptor, so a FIFO never blocks the scan and a device is never read),
/// and at most `ParseLimits.maximumInputSize` bytes are read (the limit plus one, whatever `stat` said).
enum BoundedFile {
    static func read(_ path: String, limits: ParseLimits = .default) -> Result<[UInt8], Problem> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(Problem(errno: errno)) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(Problem(mode: info.st_mode & S_IFMT)) }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(Problem(errno: errno)) }
        defer { close(descriptor) }
        guard fstat(descriptor, &info) == 0 else { return .failure(Problem(errno: errno)) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(Problem(mode: info.st_mode & S_IFMT)) }
        let limit = limits.maximumInputSize
        let tooLarge = Problem(
            message: "the file is larger than \(ParseLimits.describeSize(limit)) (limit maximumInputSize)")
        if Int(info.st_size) > limit { return .failure(tooLarge) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                if count > limit { return .failure(tooLarge) }
                bytes.append(contentsOf: repeatElement(0, count: min(max(count, 4096), limit + 1 - count)))
            }
            let got = bytes.withUnsafeMutableBytes { buffer in
                Foundation.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(Problem(errno: errno))
            }
            if got == 0 { break }
            count += got
        }
        if count > limit { return .failure(tooLarge) }
        bytes.removeSubrange(count...)
        return .success(bytes)
    }

    /// Why a file cannot be read, as one line.
    struct Problem: Error, Sendable {
        var message: String

        init(message: String) { self.message = message }

        init(errno code: Int32) {
            switch code {
            case ELOOP: message = "cannot read the file: symbolic link loop"
            case EACCES, EPERM: message = "cannot read the file: permission denied"
            case ENOENT: message = "cannot read the file: no such file (or a dangling symbolic link)"
            default: message = "cannot read the file: " + String(cString: strerror(code))
            }
        }

        init(mode: mode_t) {
            let kind: String
            switch mode {
            case S_IFDIR: kind = "a folder"
            case S_IFIFO: kind = "a FIFO (named pipe)"
            case S_IFCHR: kind = "a character device"
            case S_IFBLK: kind = "a block device"
            case S_IFSOCK: kind = "a socket"
            default: kind = "a special file"
            }
            message = "cannot read the file: \(kind), not a regular file"
        }
    }
}
