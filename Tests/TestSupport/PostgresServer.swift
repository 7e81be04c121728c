import ACKEmulator
import Foundation

/// A throwaway PostgreSQL server for one test: `initdb` into a private temporary folder, `pg_ctl start` on a free
/// loopback port (and a Unix socket inside the folder), stopped and removed by ``withPostgresServer(_:)``.
///
/// The server refuses to run as root, so under root the folder is handed to `nobody` and every PostgreSQL program runs
/// as that user (`setpriv`, else `runuser`). The programs are found on PATH, else in Debian's
/// `/usr/lib/postgresql/<version>/bin`, else in `ACKGUARD_POSTGRES_BIN`. When they are not installed the test fails
/// saying so (`.ci/run` installs Debian's `postgresql`): it is never skipped.
///
/// With ``TLSOptions`` the server also speaks TLS, with a certificate from a fresh ``EmulatorCertificateAuthority``
/// (``TLSFiles`` names the CA's PEM and an unrelated CA's), and can refuse plain TCP altogether.
public struct PostgresServer: Sendable {
    /// How a test server speaks TLS.
    public struct TLSOptions: Sendable {
        /// The names in the server certificate's subject alternative names.
        public enum Names: Sendable {
            /// `127.0.0.1` (an IP SAN) and `localhost`.
            case loopbackAddress
            /// Only the DNS name `localhost`: a client that checks the host name and connects to 127.0.0.1 fails.
            case localhostOnly
        }

        public var names: Names
        /// pg_hba.conf has `hostssl` lines only: a plain TCP login is refused (SQLSTATE 28000).
        public var only: Bool

        public init(names: Names = .loopbackAddress, only: Bool = false) {
            self.names = names
            self.only = only
        }
    }

    /// A TLS server's certificate files.
    public struct TLSFiles: Sendable {
        public let options: TLSOptions
        /// The PEM of the CA that signed the server's certificate (a `sslrootcert` that works).
        public let caPath: String
        /// The PEM of another CA that signed nothing the server has (a `sslrootcert` that must fail).
        public let unrelatedCAPath: String
    }

    /// The server's TLS files, nil when it speaks plain TCP only.
    public let tls: TLSFiles?

    public let folder: TemporaryFolder
    public let port: Int
    /// The superuser the tests connect as, with a password (TCP logins need it: scram-sha-256).
    public let user = "ackguard"
    public let password: String
    public let database = "postgres"
    let binDirectory: String
    let dataDirectory: String
    let runAs: [String]

    /// `postgres://ackguard:<password>@127.0.0.1:<port>/postgres?sslmode=disable`.
    public var url: String { "postgres://\(user):\(password)@127.0.0.1:\(port)/\(database)?sslmode=disable" }

    /// The same database with another password (or none), `sslmode`, `sslrootcert` (percent-encoded) and host.
    public func url(
        password: String?, sslmode: String = "disable", sslrootcert: String? = nil, host: String = "127.0.0.1"
    ) -> String {
        let credentials = password.map { "\(user):\($0)" } ?? user
        var text = "postgres://\(credentials)@\(host):\(port)/\(database)?sslmode=\(sslmode)"
        if let sslrootcert {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~/")
            text += "&sslrootcert=" + (sslrootcert.addingPercentEncoding(withAllowedCharacters: allowed) ?? sslrootcert)
        }
        return text
    }

    /// What the server has logged so far (server.log; a TLS server logs every connection).
    public func log() -> String {
        (try? String(contentsOfFile: folder.path("server.log"), encoding: .utf8)) ?? ""
    }

    /// The folder of the server's Unix socket.
    public var socketFolder: String { folder.path("sock") }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Initialises and starts a server (with TLS when `tls` is given); throws (with the server's log) when it cannot.
    public static func start(tls: TLSOptions? = nil) async throws -> PostgresServer {
        guard let bin = findBinaries() else {
            throw Failure(
                description:
                    "PostgreSQL is not installed (no initdb on PATH, in /usr/lib/postgresql/*/bin or ACKGUARD_POSTGRES_BIN): "
                    + "install Debian's postgresql package (.ci/run does) to run the PostgreSQL store tests")
        }
        let folder = try TemporaryFolder(prefix: "ackguard-pg")
        do {
            return try await start(bin: bin, folder: folder, tls: tls)
        } catch {
            folder.remove()
            throw error
        }
    }

    static func start(bin: String, folder: TemporaryFolder, tls: TLSOptions?) async throws -> PostgresServer {
        var runAs: [String] = []
        var owner: (uid: uid_t, gid: gid_t)?
        if geteuid() == 0 {
            guard let nobody = getpwnam("nobody") else { throw Failure(description: "no user 'nobody' to run as") }
            let uid = nobody.pointee.pw_uid
            let gid = nobody.pointee.pw_gid
            owner = (uid, gid)
            guard chown(folder.path, uid, gid) == 0 else {
                throw Failure(description: "cannot give \(folder.path) to nobody: \(String(cString: strerror(errno)))")
            }
            if FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") {
                runAs = ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--"]
            } else {
                runAs = ["/usr/sbin/runuser", "-u", "nobody", "--"]
            }
        }
        let password = "pw-" + UUID().uuidString.prefix(12)
        let passwordFile = try folder.write("pwfile", password + "\n")
        let socket = try folder.makeFolder("sock")
        for path in [passwordFile, socket] { try give(path, to: owner) }
        let data = folder.path("data")
        let log = folder.path("init.log")
        try await run(
            runAs + [
                "\(bin)/initdb", "-D", data, "-U", "ackguard", "--pwfile=\(passwordFile)", "-A", "scram-sha-256",
                "--auth-local=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
            ], log: log, what: "initdb")
        let files = try tls.map { try configureTLS($0, folder: folder, data: data, owner: owner) }
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = try freeLoopbackPort()
            let server = PostgresServer(
                tls: files, folder: folder, port: port, password: password, binDirectory: bin, dataDirectory: data,
                runAs: runAs)
            do {
                try await run(
                    runAs + [
                        "\(bin)/pg_ctl", "-D", data, "-l", folder.path("server.log"), "-w", "-t", "60", "-o",
                        "-c listen_addresses=127.0.0.1 -p \(port) -k \(socket) -c fsync=off -c max_connections=60",
                        "start",
                    ], log: folder.path("pg_ctl.log"), what: "pg_ctl start")
                return server
            } catch {
                // Another process took the port between the probe and the start: try another.
                lastError = error
            }
        }
        throw lastError ?? Failure(description: "pg_ctl start failed")
    }

    /// Writes the certificates (the key with mode 0600, both owned by the server's user), turns `ssl` on in
    /// postgresql.conf (and `log_connections`: server.log names every connection, and whether it used TLS) and, for
    /// a TLS-only server, replaces pg_hba.conf with `hostssl` lines.
    static func configureTLS(
        _ options: TLSOptions, folder: TemporaryFolder, data: String, owner: (uid: uid_t, gid: gid_t)?
    ) throws -> TLSFiles {
        let now = Date()
        let authority = try EmulatorCertificateAuthority(commonName: "ackguard-test-postgres-ca", now: now)
        let unrelated = try EmulatorCertificateAuthority(commonName: "ackguard-test-unrelated-ca", now: now)
        let issued = try authority.issueServerCertificate(
            commonName: "ackguard-test-postgres", dnsNames: ["localhost"],
            ipAddresses: options.names == .loopbackAddress ? [[127, 0, 0, 1]] : [],
            notValidBefore: now.addingTimeInterval(-3_600), notValidAfter: now.addingTimeInterval(86_400))
        let caPath = try folder.write("tls/ca.pem", authority.caCertificatePEM)
        let unrelatedPath = try folder.write("tls/unrelated-ca.pem", unrelated.caCertificatePEM)
        let certificate = try folder.write("server-tls/server.crt", issued.certificatePEM)
        let key = try folder.write("server-tls/server.key", issued.privateKeyPEM)
        guard chmod(key, 0o600) == 0 else {
            throw Failure(description: "chmod 0600 \(key): \(String(cString: strerror(errno)))")
        }
        for path in [folder.path("server-tls"), certificate, key] { try give(path, to: owner) }
        try append(
            "\nssl = on\nssl_cert_file = '\(certificate)'\nssl_key_file = '\(key)'\nlog_connections = on\n",
            to: data + "/postgresql.conf")
        if options.only {
            let hba = data + "/pg_hba.conf"
            try Data(
                """
                # TLS only (ackguard tests): a plain TCP login finds no line and is refused.
                local all all trust
                hostssl all all 127.0.0.1/32 scram-sha-256
                hostssl all all ::1/128 scram-sha-256

                """.utf8
            ).write(to: URL(fileURLWithPath: hba))
            try give(hba, to: owner)
        }
        return TLSFiles(options: options, caPath: caPath, unrelatedCAPath: unrelatedPath)
    }

    /// Hands `path` to the server's user (nothing to do when the tests do not run as root).
    static func give(_ path: String, to owner: (uid: uid_t, gid: gid_t)?) throws {
        guard let owner else { return }
        guard chown(path, owner.uid, owner.gid) == 0 else {
            throw Failure(description: "cannot give \(path) to nobody: \(String(cString: strerror(errno)))")
        }
    }

    static func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Stops the server at once and removes its folder.
    public func stop() async {
        try? await Self.run(
            runAs + ["\(binDirectory)/pg_ctl", "-D", dataDirectory, "-m", "immediate", "-w", "stop"],
            log: folder.path("stop.log"), what: "pg_ctl stop")
        folder.remove()
    }

    /// Runs a PostgreSQL program (`psql`, …) from the server's installation as the server's user; returns its output.
    @discardableResult
    public func runProgram(_ name: String, _ arguments: [String]) async throws -> String {
        let log = folder.path("\(name)-\(UUID().uuidString.prefix(8)).log")
        try await Self.run(runAs + ["\(binDirectory)/\(name)"] + arguments, log: log, what: name)
        return (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    }

    static func findBinaries() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let bin = environment["ACKGUARD_POSTGRES_BIN"], FileManager.default.isExecutableFile(atPath: "\(bin)/initdb")
        {
            return bin
        }
        let versions =
            ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions
        where FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\(version)/bin/initdb") {
            return "/usr/lib/postgresql/\(version)/bin"
        }
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/initdb"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                let resolved = URL(fileURLWithPath: candidate).resolvingSymlinksInPath().deletingLastPathComponent()
                if FileManager.default.isExecutableFile(atPath: resolved.appendingPathComponent("pg_ctl").path) {
                    return resolved.path
                }
            }
        }
        return nil
    }

    /// A port nothing listens on just now: bound on 127.0.0.1 with port 0, read back, released.
    static func freeLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "bind 127.0.0.1:0: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs `arguments` with stdout and stderr into `log`, waiting without holding a thread; a non-zero exit throws
    /// with the log's last lines.
    static func run(_ arguments: [String], log: String, what: String) async throws {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        try process.run()
        let pid = process.processIdentifier
        // Foundation learns of a child's exit when the child's end of a private descriptor closes; `pg_ctl start`
        // leaves the server running with it inherited, so its exit would never be seen. waitpid on a thread of its
        // own (not the cooperative pool) sees it.
        var status: Int32 = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var raw: Int32 = 0
                var result: pid_t
                repeat { result = waitpid(pid, &raw, 0) } while result == -1 && errno == EINTR
                // Exited: the low 7 bits are 0 and the exit code is the next byte; anything else is a failure.
                continuation.resume(returning: result == pid ? ((raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128) : -1)
            }
        }
        if status == -1 {
            // Foundation reaped it first (ECHILD): it knows the status.
            while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
            status = process.terminationStatus
        }
        guard status == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            let serverLog =
                log.hasSuffix("pg_ctl.log")
                ? (try? String(
                    contentsOfFile: (log as NSString).deletingLastPathComponent + "/server.log", encoding: .utf8)) ?? ""
                : ""
            throw Failure(
                description:
                    "\(what) exited with \(status): \((text + serverLog).split(separator: "\n").suffix(8).joined(separator: " | "))"
            )
        }
    }
}

/// Starts a throwaway PostgreSQL server (speaking TLS as `tls` says, when given), runs `body` with it, and stops and
/// removes it whether `body` throws or not.
public func withPostgresServer<T>(
    isolation: isolated (any Actor)? = #isolation,
    tls: PostgresServer.TLSOptions? = nil,
    _ body: (PostgresServer) async throws -> T
) async throws -> T {
    let server = try await PostgresServer.start(tls: tls)
    return try await withCleanup {
        try await body(server)
    } cleanup: {
        await server.stop()
    }
}
