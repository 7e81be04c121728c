import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A loopback TCP port held bound but not listening, so connections to it are refused and no other process can
/// take it while the emulator runs.
final class ReservedPort: Sendable {
    let port: Int
    private let descriptor: Mutex<Int32?>

    init(host: String = "127.0.0.1") throws(EmulatorError) {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .reservePortFailed(reason: "socket() failed, errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr(host)
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) }
        }
        guard bound == 0 else {
            close(fd)
            throw .reservePortFailed(reason: "bind() failed, errno \(errno)")
        }
        var length = size
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            close(fd)
            throw .reservePortFailed(reason: "getsockname() failed, errno \(errno)")
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.descriptor = Mutex(fd)
    }

    /// Releases the port (idempotent).
    func release() {
        descriptor.withLock { fd in
            if let open = fd {
                close(open)
                fd = nil
            }
        }
    }

    deinit {
        release()
    }
}
