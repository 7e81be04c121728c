import Audit

/// How the history stores one finding in the `json` column: its own document, versioned by `schema`, written and
/// read only here. The JSON report's encoding changes with the report; what the history stored must not change with
/// it, and a row must say which form it is in.
///
/// Schema 1 holds what the history shows and compares: `schema`, `rule`, `accountId` (when known), `regionId`,
/// `clusterId`, `clusterName`, `status`, `reason`, `message`, `file`/`line`/`column` (infrastructure code),
/// `statusBeforeStrict` and `suppressed` (`reason`, `expires`). Evidence, warnings and remediation steps are the
/// report's; the history never reads them, so it does not keep them.
///
/// Rows written before schema 1 have no `schema` field: they hold the JSON report's encoding of that time, whose
/// names for these fields are the same, and are read as they are (as schema 0).
enum FindingDocument {
    /// The schema this ackguard writes.
    static let currentSchema = 1

    static func encode(_ finding: Finding) -> JSONValue {
        var object: [String: JSONValue] = [
            "schema": .number(Double(currentSchema)),
            "rule": .string(finding.rule.rawValue),
            "regionId": .string(finding.regionId),
            "clusterId": .string(finding.clusterId),
            "clusterName": .string(finding.clusterName),
            "status": .string(finding.status.rawValue),
            "reason": .string(finding.reason.rawValue),
            "message": .string(finding.message),
        ]
        if let account = finding.accountId { object["accountId"] = .string(account) }
        if let location = finding.location {
            object["file"] = .string(location.file)
            object["line"] = .number(Double(location.line))
            object["column"] = .number(Double(location.column))
        }
        if let before = finding.statusBeforeStrict { object["statusBeforeStrict"] = .string(before.rawValue) }
        if let suppression = finding.suppression {
            object["suppressed"] = ["reason": .string(suppression.reason), "expires": .string(suppression.expires)]
        }
        return .object(object)
    }

    /// A stored document, read: the document itself, its schema (0 before schema 1) and what it holds that the row's
    /// columns do not.
    struct Decoded: Equatable {
        var document: JSONValue
        var schema: Int
        var message: String?
    }

    /// The stored document `text`, read; its schema is 0 when it has no `schema` field (the report's encoding).
    /// A document that does not parse, or of a schema newer than this ackguard's, is refused with why.
    static func decode(_ text: String) -> Result<Decoded, Problem> {
        let document: JSONValue
        do {
            document = try JSONValue.parse(text)
        } catch {
            return .failure(.unreadable("\(error)"))
        }
        let schema: Int
        switch document["schema"] {
        case nil: schema = 0
        case .number(let number) where number == number.rounded() && number >= 1 && number < 1e9:
            schema = Int(number)
        case let other?: return .failure(.unreadable("schema is \(other.serialized()), not a version number"))
        }
        guard schema <= currentSchema else { return .failure(.newerSchema(schema)) }
        return .success(Decoded(document: document, schema: schema, message: document["message"]?.stringValue))
    }

    /// Why a stored document could not be read.
    enum Problem: Error, Equatable, CustomStringConvertible {
        case unreadable(String)
        case newerSchema(Int)

        var description: String {
            switch self {
            case .unreadable(let detail): "json: \(detail)"
            case .newerSchema(let schema):
                "json: written by a newer ackguard (finding schema \(schema); this one reads up to \(currentSchema))"
            }
        }
    }
}
