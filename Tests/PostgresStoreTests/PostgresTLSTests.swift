import Audit
import Foundation
import History
import TestSupport
import Testing

@testable import PostgresStore

/// Every `sslmode` against real TLS servers (TestSupport's ``withPostgresServer(tls:_:)``: a certificate from a
/// fresh CA, optionally `hostssl` lines only). That TLS is in use is what the server says (`pg_stat_ssl`) about a
/// connection the store made as its URL says.
@Suite(.serialized) struct PostgresTLSTests {
    /// `PostgresStore.open` (migrating), or its error.
    static func openError(_ url: String) async -> HistoryError? {
        do {
            _ = try await PostgresStore.open(url: url, environment: [:])
            return nil
        } catch {
            return error
        }
    }

    /// `error` exists, is a `cannotOpen` (the CLI's exit), is one line holding every `needle`, without the password.
    static func expectRefusal(
        _ error: HistoryError?, _ needles: [String], server: PostgresServer,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        guard let error else {
            Issue.record("connected, but should have been refused", sourceLocation: sourceLocation)
            return
        }
        guard case .cannotOpen = error else {
            Issue.record("not a cannotOpen error: \(error)", sourceLocation: sourceLocation)
            return
        }
        let text = error.description
        for needle in needles {
            #expect(text.contains(needle), "\(text)", sourceLocation: sourceLocation)
        }
        #expect(!text.contains("\n"), "\(text)", sourceLocation: sourceLocation)
        #expect(!text.contains(server.password), sourceLocation: sourceLocation)
    }

    /// How many plain TCP logins the TLS-only server has refused so far (its log's pg_hba.conf refusals).
    static func plainRefusals(_ server: PostgresServer) -> Int {
        server.log().components(separatedBy: "no pg_hba.conf entry").count - 1
    }

    /// How many TCP connections the server has received so far (`log_connections`).
    static func connections(_ server: PostgresServer) -> Int {
        server.log().components(separatedBy: "connection received: host=127.0.0.1").count - 1
    }

    @Test("require against a TLS-only server: migrate, record and read a scan, over TLS")
    func requireRoundTrip() async throws {
        try await withPostgresServer(tls: .init(only: true)) { server in
            let store = try await PostgresStore.open(
                url: server.url(password: server.password, sslmode: "require"), environment: [:])
            #expect(try await store.connectionUsesTLS())
            let report = StoreFixtures.report([
                StoreFixtures.finding("c1", status: .fail, reason: .pluginFlannel),
                StoreFixtures.finding("c2", status: .pass, reason: .configMapPolicyEnabled),
            ])
            let id = try await store.record(report, scope: "tls", part: nil)
            let scan = try await store.scan(id: id)
            #expect(scan.counts[.fail] == 1)
            #expect(scan.counts[.pass] == 1)
            #expect(try await store.findings(scanId: id).map(\.clusterId) == ["c1", "c2"])
            // Without TLS the same server refuses the same login: the round trip above went over TLS.
            Self.expectRefusal(
                await Self.openError(server.url(password: server.password, sslmode: "disable")),
                ["refused the connection", "no encryption"], server: server)
        }
    }

    @Test("prefer and allow against a TLS-only server use TLS; allow's plain attempt is refused first")
    func preferAndAllow() async throws {
        try await withPostgresServer(tls: .init(only: true)) { server in
            let before = Self.plainRefusals(server)
            let prefer = try await PostgresStore.open(
                url: server.url(password: server.password, sslmode: "prefer"), environment: [:])
            #expect(try await prefer.connectionUsesTLS())
            #expect(Self.plainRefusals(server) == before, "prefer tried plain TCP first")

            let allow = try await PostgresStore.open(
                url: server.url(password: server.password, sslmode: "allow"), environment: [:])
            #expect(Self.plainRefusals(server) == before + 1, "allow's plain attempt was not refused once")
            #expect(try await allow.connectionUsesTLS())
            #expect(Self.plainRefusals(server) == before + 2)
        }
    }

    @Test("disable against a TLS-only server: one line, cannotOpen, no password")
    func disableRefused() async throws {
        try await withPostgresServer(tls: .init(only: true)) { server in
            let before = Self.plainRefusals(server)
            let error = await Self.openError(server.url(password: server.password, sslmode: "disable"))
            Self.expectRefusal(
                error, ["refused the connection", "no encryption", "postgres://ackguard@127.0.0.1:\(server.port)"],
                server: server)
            #expect(Self.plainRefusals(server) == before + 1)
        }
    }

    @Test("prefer against a server that also takes plain TCP chooses TLS; disable does not; prefer without TLS works")
    func preferChoosesTLS() async throws {
        try await withPostgresServer(tls: .init(only: false)) { server in
            let prefer = try await PostgresStore.open(
                url: server.url(password: server.password, sslmode: "prefer"), environment: [:])
            #expect(try await prefer.connectionUsesTLS())
            let disable = try await PostgresStore.open(
                url: server.url(password: server.password, sslmode: "disable"), environment: [:])
            #expect(try await disable.connectionUsesTLS() == false)
        }
        try await withPostgresServer { server in
            let prefer = try await PostgresStore.open(
                url: server.url(password: server.password, sslmode: "prefer"), environment: [:])
            #expect(try await prefer.connectionUsesTLS() == false)
            for mode in ["require", "verify-ca", "verify-full"] {
                Self.expectRefusal(
                    await Self.openError(server.url(password: server.password, sslmode: mode)),
                    ["the server does not support TLS (sslmode=\(mode) requires it"], server: server)
            }
        }
    }

    @Test("verify-ca and verify-full with the server's CA and an IP SAN work; another CA or none is refused")
    func verifyWithAddressCertificate() async throws {
        try await withPostgresServer(tls: .init(names: .loopbackAddress, only: true)) { server in
            let files = try #require(server.tls)
            for mode in ["verify-ca", "verify-full", "require"] {
                let store = try await PostgresStore.open(
                    url: server.url(password: server.password, sslmode: mode, sslrootcert: files.caPath),
                    environment: [:])
                #expect(try await store.connectionUsesTLS(), "\(mode)")
            }
            // Another CA: refused, require included (libpq: a root certificate file makes require check the chain).
            for mode in ["verify-ca", "verify-full", "require"] {
                Self.expectRefusal(
                    await Self.openError(
                        server.url(password: server.password, sslmode: mode, sslrootcert: files.unrelatedCAPath)),
                    [
                        "TLS (sslmode=\(mode)): the server's certificate failed verification against the authorities in "
                            + "sslrootcert "
                            + files.unrelatedCAPath
                    ],
                    server: server)
            }
            // No sslrootcert: the system's authorities, which do not include this test CA.
            for mode in ["verify-ca", "verify-full"] {
                Self.expectRefusal(
                    await Self.openError(server.url(password: server.password, sslmode: mode)),
                    ["failed verification against the system's trusted authorities (no sslrootcert)"], server: server)
            }
            Self.expectRefusal(
                await Self.openError(
                    server.url(password: server.password, sslmode: "verify-full", sslrootcert: "system")),
                ["failed verification against the system's trusted authorities (sslrootcert=system)"], server: server)
            // require without sslrootcert does not check the certificate.
            let unchecked = try await PostgresStore.open(
                url: server.url(password: server.password, sslmode: "require"), environment: [:])
            #expect(try await unchecked.connectionUsesTLS())
        }
    }

    @Test("a certificate naming only localhost: verify-ca to 127.0.0.1 works, verify-full only to localhost")
    func verifyHostName() async throws {
        try await withPostgresServer(tls: .init(names: .localhostOnly, only: true)) { server in
            let files = try #require(server.tls)
            let ca = try await PostgresStore.open(
                url: server.url(password: server.password, sslmode: "verify-ca", sslrootcert: files.caPath),
                environment: [:])
            #expect(try await ca.connectionUsesTLS())
            Self.expectRefusal(
                await Self.openError(
                    server.url(password: server.password, sslmode: "verify-full", sslrootcert: files.caPath)),
                ["TLS (sslmode=verify-full): the server's certificate does not name 127.0.0.1"], server: server)
            let full = try await PostgresStore.open(
                url: server.url(
                    password: server.password, sslmode: "verify-full", sslrootcert: files.caPath, host: "localhost"),
                environment: [:])
            #expect(try await full.connectionUsesTLS())
        }
    }

    @Test("sslrootcert missing, not PEM, a key, a folder, a FIFO or a device: one line naming it, before connecting")
    func badRootCertificateFile() async throws {
        try await withPostgresServer(tls: .init(only: true)) { server in
            let folder = try TemporaryFolder(prefix: "ackguard-pgtls")
            defer { folder.remove() }
            let files = try #require(server.tls)
            let key = try String(contentsOfFile: files.caPath, encoding: .utf8)
                .replacingOccurrences(of: "CERTIFICATE", with: "PRIVATE KEY")
            let fifo = folder.path("fifo.pem")
            #expect(mkfifo(fifo, 0o600) == 0)
            let cases: [(String, String)] = [
                (folder.path("missing.pem"), "does not exist"),
                (try folder.write("garbage.pem", "not a certificate\n"), "holds no PEM certificate"),
                (try folder.write("empty.pem", ""), "holds no PEM certificate"),
                (try folder.write("key.pem", key), "holds no PEM certificate"),
                (try folder.makeFolder("a folder"), "is not a regular file"),
                // Reading a FIFO or a device would block or never end.
                (fifo, "is not a regular file"),
                ("/dev/zero", "is not a regular file"),
            ]
            _ = try await PostgresStore.open(
                url: server.url(password: server.password, sslmode: "require"), environment: [:])
            let before = Self.connections(server)
            #expect(before > 0, "the server logs no connections")
            for (path, problem) in cases {
                for mode in ["verify-ca", "verify-full", "require"] {
                    Self.expectRefusal(
                        await Self.openError(
                            server.url(password: server.password, sslmode: mode, sslrootcert: path)),
                        ["sslrootcert \(path) \(problem)"], server: server)
                }
            }
            #expect(Self.connections(server) == before, "a bad sslrootcert still connected")
            // prefer and allow do not check certificates, so they do not read the file (as libpq).
            let prefer = try await PostgresStore.open(
                url: server.url(password: server.password, sslmode: "prefer", sslrootcert: cases[0].0),
                environment: [:])
            #expect(try await prefer.connectionUsesTLS())
        }
    }
}
