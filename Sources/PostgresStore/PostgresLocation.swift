import Foundation
public import History

/// A `--store postgres://user:password@host:port/database?sslmode=…` URL, parsed (also `postgresql://`).
///
/// As libpq reads it: the password may come from the URL or else from `PGPASSWORD`; the user from the URL, else
/// `PGUSER`, else `USER`; the port defaults to 5432; `host=/folder` in the query names a Unix socket folder instead
/// of a TCP host; `sslrootcert=PATH` names the certificates `verify-ca` and `verify-full` (and `require`, as in libpq)
/// trust instead of the system's, and `sslrootcert=system` the system's (libpq 16: `sslmode` then defaults to
/// `verify-full` and may not be weaker). The password is never part of ``description`` or of any error.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// How much TLS the connection needs, named as libpq names it (`sslmode`).
    public enum SSLMode: String, Sendable, CaseIterable {
        /// Plain TCP only.
        case disable
        /// libpq tries plain TCP first and TLS when the server insists. Here: plain TCP first, and TLS (unverified)
        /// when the server refuses a connection without it.
        case allow
        /// The libpq default: TLS when the server offers it, else plain TCP. The certificate is not checked.
        case prefer
        /// TLS or nothing; the certificate is not checked, unless `sslrootcert` names a file: then, as in libpq, it
        /// must be signed by an authority in that file (any host name), as with `verify-ca`.
        case require
        /// TLS, with a certificate signed by a trusted authority; any host name.
        case verifyCA = "verify-ca"
        /// TLS, with a trusted certificate for the host name connected to.
        case verifyFull = "verify-full"
    }

    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The socket file (`<folder>/.s.PGSQL.<port>`).
        case unixSocket(path: String)
    }

    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// `sslrootcert`: a PEM file of trusted authorities for `verify-ca`/`verify-full`/`require`, or
    /// ``systemRootCertificates``.
    public var sslRootCert: String?

    /// The `sslrootcert` value that names the system's trusted authorities (as in libpq 16), not a file.
    public static let systemRootCertificates = "system"

    /// Whether `text` names a PostgreSQL database (else it is an SQLite path).
    public static func isPostgresURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// The URL, parsed; a problem is one line that never holds the password.
    public init(url text: String, environment: [String: String]) throws(HistoryError) {
        let redacted = Self.redact(text)
        func fail(_ reason: String) -> HistoryError { .cannotOpen(path: redacted, reason: reason) }
        guard Self.isPostgresURL(text) else { throw fail("not a postgres:// or postgresql:// URL") }
        guard text.utf8.count <= 4096 else { throw fail("the URL is longer than 4096 bytes") }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            throw fail("the URL holds spaces or control characters")
        }
        guard let components = URLComponents(string: text) else { throw fail("not a valid URL") }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard query[item.name] == nil else { throw fail("the parameter \(item.name) is given twice") }
            query[item.name] = item.value ?? ""
        }
        let known: Set = ["sslmode", "sslrootcert", "host", "port", "user", "password", "dbname"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw fail("unknown parameter '\(unknown.prefix(40))' (known: \(known.sorted().joined(separator: ", ")))")
        }
        sslRootCert = query["sslrootcert"].flatMap { $0.isEmpty ? nil : $0 }
        if let root = sslRootCert {
            guard root.utf8.count <= 1024, root.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
            else { throw fail("sslrootcert is longer than 1024 bytes or holds control characters") }
        }
        let systemRoots = sslRootCert == Self.systemRootCertificates
        if let mode = query["sslmode"] {
            guard let parsed = SSLMode(rawValue: mode) else {
                throw fail(
                    "sslmode '\(mode.prefix(40))' is not one of "
                        + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard !systemRoots || parsed == .verifyFull else {
                throw fail("sslmode \(parsed.rawValue) may not be used with sslrootcert=system (use verify-full)")
            }
            sslMode = parsed
        } else {
            sslMode = systemRoots ? .verifyFull : .prefer
        }
        let portText = query["port"] ?? components.port.map(String.init)
        var port = 5432
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw fail("the port \(portText.prefix(10)) is not between 1 and 65535")
            }
            port = value
        }
        let socketFolder = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        if let host = query["host"], socketFolder == nil, !host.isEmpty {
            endpoint = .tcp(host: host, port: port)
        } else if let socketFolder {
            endpoint = .unixSocket(
                path: (socketFolder.hasSuffix("/") ? socketFolder : socketFolder + "/") + ".s.PGSQL.\(port)")
        } else {
            var host = components.host ?? ""
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { throw fail("no host (postgres://user@host:port/database)") }
            endpoint = .tcp(host: host, port: port)
        }
        let user = query["user"] ?? components.user ?? environment["PGUSER"] ?? environment["USER"] ?? ""
        guard !user.isEmpty else { throw fail("no user (postgres://user@host/database, or PGUSER)") }
        self.user = user
        password = query["password"] ?? components.password ?? environment["PGPASSWORD"]
        var path = components.path
        if path.hasPrefix("/") { path.removeFirst() }
        let database = query["dbname"] ?? (path.isEmpty ? user : path)
        guard !database.contains("/") else { throw fail("the database name holds a '/'") }
        self.database = database
    }

    /// `postgres://user@host:port/database?sslmode=…`: never the password.
    public var description: String {
        var text = "postgres://\(Self.escape(user))@"
        switch endpoint {
        case .tcp(let host, let port): text += (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
        case .unixSocket(let path): text += "?host=\(path)"
        }
        text += "/\(Self.escape(database))?sslmode=\(sslMode.rawValue)"
        return text
    }

    /// `text` with any password replaced by `***`: the user-info's, and a `password=` query parameter's. Used for
    /// every message that names a URL as the user gave it.
    public static func redact(_ text: String) -> String {
        var result = text
        if let scheme = result.range(of: "://") {
            let rest = result[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"),
                let colon = rest[..<at].firstIndex(of: ":")
            {
                result.replaceSubrange(result.index(after: colon)..<at, with: "***")
            }
        }
        if let range = result.range(of: "password=") {
            let end = result[range.upperBound...].firstIndex(of: "&") ?? result.endIndex
            result.replaceSubrange(range.upperBound..<end, with: "***")
        }
        return result
    }

    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
