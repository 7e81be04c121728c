import AlibabaCloudSigning
public import Foundation

/// Why credentials could not be obtained. Every description is one line that names the file, profile, field or
/// source that failed and never contains an AccessKey secret, a security token or an OIDC token.
public enum CredentialError: Error, CustomStringConvertible, Sendable {
    /// No source in the chain was configured; each entry names a source and why it was skipped.
    case noCredentials(triedSources: [String])
    /// A profile chosen explicitly (`--profile` or `ALIBABA_CLOUD_PROFILE`) exists in none of these files.
    case profileNotFound(profile: String, files: [String])
    /// A file could not be read.
    case unreadableFile(path: String, reason: String)
    /// A file could not be parsed.
    case malformedFile(path: String, reason: String)
    /// A required field is missing or empty; `source` names the variable set, profile or section.
    case missingField(source: String, field: String)
    /// A field has a value that cannot be used.
    case invalidField(source: String, field: String, reason: String)
    /// A profile mode or credential type that ackguard does not implement.
    case unsupportedMode(source: String, mode: String)
    /// `source_profile` references form a cycle.
    case profileCycle(path: [String], file: String)
    /// The STS service answered with an error.
    case stsError(action: String, endpoint: String, httpStatus: Int, code: String, message: String, requestId: String?)
    /// A credential service answered with something that is not a usable credential.
    case invalidResponse(source: String, endpoint: String, reason: String)
    /// A credential service answered with an unexpected HTTP status.
    case httpStatus(source: String, endpoint: String, status: Int)
    /// A credential service could not be reached (connection refused, timeout, TLS...).
    case unreachable(source: String, endpoint: String, reason: String)
    /// The IMDSv2 session token could not be obtained and IMDSv1 is disabled (`ALIBABA_CLOUD_IMDSV1_DISABLED`).
    case metadataTokenUnavailable(endpoint: String, reason: String)
    /// The ECS metadata service answered, but no RAM role is attached to the instance.
    case noInstanceRole(endpoint: String)
    /// A credential arrived already expired (usually a wrong system clock).
    case expired(source: String, expiration: Date, now: Date)

    public var description: String {
        switch self {
        case .noCredentials(let tried):
            return "no Alibaba Cloud credentials found; tried: \(tried.joined(separator: ", "))"
        case .profileNotFound(let profile, let files):
            return "profile '\(profile)' not found in \(files.joined(separator: " or "))"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .malformedFile(let path, let reason):
            return "cannot parse \(path): \(reason)"
        case .missingField(let source, let field):
            return "\(source): '\(field)' is missing or empty"
        case .invalidField(let source, let field, let reason):
            return "\(source): '\(field)' is invalid: \(reason)"
        case .unsupportedMode(let source, let mode):
            return "\(source): credential mode '\(mode)' is not supported by ackguard"
        case .profileCycle(let path, let file):
            return "source_profile cycle in \(file): \(path.map { "'\($0)'" }.joined(separator: " -> "))"
        case .stsError(let action, let endpoint, let status, let code, let message, let requestId):
            let detail = message.isEmpty ? "" : ": \(message)"
            return "STS \(action) at \(endpoint) failed with HTTP \(status), code \(code)\(detail)"
                + " (request id \(requestId ?? "unknown"))"
        case .invalidResponse(let source, let endpoint, let reason):
            return "\(source) at \(endpoint) returned an unusable response: \(reason)"
        case .httpStatus(let source, let endpoint, let status):
            return "\(source) at \(endpoint) answered HTTP \(status)"
        case .unreachable(let source, let endpoint, let reason):
            return "\(source) at \(endpoint) is unreachable: \(reason)"
        case .metadataTokenUnavailable(let endpoint, let reason):
            return "ECS metadata at \(endpoint): cannot get an IMDSv2 token (\(reason)) and"
                + " ALIBABA_CLOUD_IMDSV1_DISABLED=true forbids the IMDSv1 fallback"
        case .noInstanceRole(let endpoint):
            return "ECS metadata at \(endpoint): no RAM role is attached to this instance"
        case .expired(let source, let expiration, let now):
            return "credential from \(source) expired at \(SigningDate.iso8601(expiration))"
                + " (local clock says \(SigningDate.iso8601(now))); check the system clock"
        }
    }
}
