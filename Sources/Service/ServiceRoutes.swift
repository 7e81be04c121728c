import Audit
import Crypto
import Foundation
public import Hummingbird
import Reports

/// The HTTP side of `serve`: `/metrics`, `/healthz` and `/readyz` open; `/`, `/api/scans`, `/api/scans/{id}` and
/// `/api/diff` behind the bearer token when there is one (compared in constant time). Everything is a GET.
public struct ServiceRoutes: Sendable {
    public let history: ScanHistory
    public let metrics: ServiceMetrics
    public let schedule: Schedule
    /// The bearer token required for the dashboard and the API; `nil`: open.
    let token: BearerToken?

    public init(history: ScanHistory, metrics: ServiceMetrics, schedule: Schedule, token: BearerToken?) {
        self.history = history
        self.metrics = metrics
        self.schedule = schedule
        self.token = token
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ in Self.text("ok\n") }
        router.get("/readyz") { _, _ in
            await history.latest == nil
                ? Self.text("the first scan has not finished\n", status: .serviceUnavailable) : Self.text("ready\n")
        }
        router.get("/metrics") { _, _ in
            Self.text(metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/") { request, _ in
            if let refusal = refusal(request) { return refusal }
            let page = Dashboard.render(await history.snapshot, schedule: schedule)
            return Self.text(page, contentType: "text/html; charset=utf-8")
        }
        router.get("/api/scans") { request, _ in
            if let refusal = refusal(request) { return refusal }
            let scans = await history.scans
            return Self.json(.object(["scans": .array(scans.reversed().map(Self.summary))]))
        }
        router.get("/api/scans/{id}") { request, context in
            if let refusal = refusal(request) { return refusal }
            let text = context.parameters.get("id") ?? ""
            guard text.count <= 12, let id = Int(text), let scan = await history.scan(id: id) else {
                return Self.error("no scan \(InertName.clip(text)) is kept (GET /api/scans lists them)", .notFound)
            }
            guard let report = scan.report else {
                return Self.error("scan \(id) has no report: \(scan.failure ?? "incomplete")", .notFound)
            }
            return Self.text(JSONReportRenderer().render(report), contentType: "application/json")
        }
        router.get("/api/diff") { request, _ in
            if let refusal = refusal(request) { return refusal }
            guard let diff = await history.diff else {
                return Self.error("no scan with a report has finished yet", .notFound)
            }
            return Self.json(Self.document(diff))
        }
        return router
    }

    /// The 401 answer when a token is required and `request` does not carry it.
    func refusal(_ request: Request) -> Response? {
        guard let token else { return nil }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        if header.count <= 4096, header.hasPrefix(prefix), token.matches(String(header.dropFirst(prefix.count))) {
            return nil
        }
        var response = Self.error("a bearer token is required (Authorization: Bearer <token>)", .unauthorized)
        response.headers[.wwwAuthenticate] = "Bearer realm=\"ackguard\""
        return response
    }

    // MARK: - JSON

    static func summary(_ scan: ScanRecord) -> JSONValue {
        var counts: [String: JSONValue] = [:]
        for (status, count) in scan.counts { counts[status.rawValue] = .number(Double(count)) }
        counts["SUPPRESSED"] = .number(Double(scan.suppressed))
        var object: [String: JSONValue] = [
            "id": .number(Double(scan.id)),
            "startedAt": .string(rfc3339(scan.startedAt)),
            "finishedAt": .string(rfc3339(scan.finishedAt)),
            "durationSeconds": .number((scan.durationSeconds * 1000).rounded() / 1000),
            "counts": .object(counts),
            "incomplete": .bool(scan.incomplete),
            "cancelled": .bool(scan.cancelled),
            "hasReport": .bool(scan.report != nil),
            "completenessNotes": .array(scan.completenessNotes.map { .string($0) }),
        ]
        if let failure = scan.failure { object["failure"] = .string(failure) }
        if !scan.warnings.isEmpty { object["warnings"] = .array(scan.warnings.map { .string($0) }) }
        return .object(object)
    }

    static func document(_ diff: ScanDiff) -> JSONValue {
        .object([
            "old": diff.old.map(summary) ?? .null,
            "new": summary(diff.new),
            "changes": .array(diff.changes.map(document)),
        ])
    }

    static func document(_ change: StatusChange) -> JSONValue {
        .object([
            "kind": .string(change.kind.rawValue),
            "rule": .string(change.rule.rawValue),
            "account": change.accountId.map { .string($0) } ?? .null,
            "region": .string(change.regionId),
            "clusterId": .string(change.clusterId),
            "clusterName": .string(change.clusterName),
            "oldStatus": change.oldStatus.map { .string($0.rawValue) } ?? .null,
            "newStatus": change.newStatus.map { .string($0.rawValue) } ?? .null,
            "reason": change.reason.map { .string($0.rawValue) } ?? .null,
        ])
    }

    static func rfc3339(_ date: Date) -> String {
        Timestamp.rfc3339(epochSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    // MARK: - Responses

    static func text(
        _ body: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8"
    )
        -> Response
    {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        text(value.serialized(pretty: true) + "\n", status: status, contentType: "application/json")
    }

    static func error(_ message: String, _ status: HTTPResponse.Status) -> Response {
        json(.object(["error": .string(message)]), status: status)
    }
}

/// The bearer token of `--token-file`, kept as its SHA-256 so that comparing costs the same whatever the guess.
public struct BearerToken: Sendable {
    let digest: [UInt8]

    public init(_ token: String) {
        digest = Array(SHA256.hash(data: Data(token.utf8)))
    }

    /// Reads the token from its file: the first line, trimmed; at least 16 characters, at most 4 KiB. One line
    /// naming the file when it cannot be used (never the token).
    public static func load(path: String) throws(TokenFileError) -> BearerToken {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TokenFileError("--token-file \(InertName.clip(path)): cannot be read")
        }
        guard data.count <= 4096, let text = String(data: data, encoding: .utf8) else {
            throw TokenFileError("--token-file \(InertName.clip(path)): not a UTF-8 token of at most 4 KiB")
        }
        let token =
            text.split(whereSeparator: \.isNewline).first.map {
                $0.trimmingCharacters(in: .whitespaces)
            } ?? ""
        guard token.count >= 16, token.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0.asciiValue! >= 0x21 })
        else {
            throw TokenFileError(
                "--token-file \(InertName.clip(path)): the token must be at least 16 printable ASCII characters")
        }
        return BearerToken(token)
    }

    /// Constant-time comparison of the digests.
    public func matches(_ candidate: String) -> Bool {
        let other = Array(SHA256.hash(data: Data(candidate.utf8)))
        var difference: UInt8 = 0
        for (left, right) in zip(digest, other) { difference |= left ^ right }
        return difference == 0
    }
}

public struct TokenFileError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
