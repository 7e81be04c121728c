import AlibabaCloud
public import Audit
import Evidence
import Foundation
import KubernetesAPI
import LiveCollection

/// An error a run ends with, classified for the user: `<what> (<where>): <why>` (the CLI prints it as one line,
/// `ackguard: …`) and its exit code.
///
/// Every error of a run is classified here (``classify(_:endpoint:)``): a configuration, credential, input or
/// operational error before anything was evaluated exits 2, never 1 (the code for "a FAIL was found"), so CI can
/// tell "non-compliant" from "could not look". Values from outside are made inert when printed.
public struct RunFailure: Error, CustomStringConvertible, Sendable {
    public var what: String
    public var location: String?
    public var why: String?
    public var exitCode: Int32 = ExitStatus.inputError

    public init(
        _ what: String, at location: String? = nil, _ why: String? = nil, exitCode: Int32 = ExitStatus.inputError
    ) {
        self.what = what
        self.location = location
        self.why = why
        self.exitCode = exitCode
    }

    public var description: String {
        var line = what
        if let location { line += " (\(location))" }
        if let why { line += ": \(why)" }
        return line
    }

    /// What an error means for the user, with `endpoint` (the CS API the run talks to) named where it matters.
    public static func classify(_ error: any Error, endpoint: String? = nil) -> RunFailure {
        switch error {
        case let failure as RunFailure:
            return failure
        case let error as CSClientError:
            return classify(error, endpoint: endpoint)
        case let error as ACSServiceError:
            let subject = error.action.isEmpty ? "the Alibaba Cloud API" : error.action
            let request = error.requestId.map { ", request id \($0)" } ?? ""
            let what = error.isThrottling ? "the CS API kept throttling the audit" : "the CS API refused the audit"
            return RunFailure(
                what, at: [subject, endpoint].compactMap { $0 }.joined(separator: " at "),
                "HTTP \(error.httpStatus) \(error.code): \(error.message)\(request)")
        case let error as CredentialError:
            return RunFailure("no usable Alibaba Cloud credentials", error.description)
        case let error as LiveCollectionError:
            if case .unknownRegions = error {
                return RunFailure("unknown region", at: "--region", error.description)
            }
            return RunFailure("the audit could not read the account", at: endpoint, error.description)
        case let error as EvidenceFileError:
            return RunFailure("cannot use the saved evidence", error.description)
        case let error as KubernetesError:
            return RunFailure("cannot use the Kubernetes access", error.description)
        default:
            return RunFailure("unexpected error", at: endpoint, String(describing: error))
        }
    }

    static func classify(_ error: CSClientError, endpoint: String?) -> RunFailure {
        switch error {
        case .network(let action, let url, let detail, let attempts):
            return RunFailure(
                "cannot reach the CS API", at: "\(action) \(url)",
                "\(detail) (\(attempts) attempt(s) with backoff; check --endpoint, the network or a proxy)")
        case .timeout(let action, let url, let seconds, let attempts):
            return RunFailure(
                "the CS API did not answer", at: "\(action) \(url)",
                "no answer within \(String(format: "%g", seconds)) s per attempt, \(attempts) attempt(s)")
        case .throttled(let action, let attempts, let lastError):
            return RunFailure(
                "the CS API kept throttling the audit",
                at: [action, endpoint].compactMap { $0 }.joined(separator: " at "),
                "\(lastError.code) on each of \(attempts) attempts; try later or with a lower --concurrency")
        case .budgetExhausted(let action, _, _, _):
            return RunFailure(
                "the CS API did not answer in time",
                at: [action, endpoint].compactMap { $0 }.joined(separator: " at "),
                "\(error) (raise --call-budget to wait longer)")
        case .invalidEndpoint, .invalidRegion, .invalidArgument:
            return RunFailure("invalid request", error.description)
        case .bodyTooLarge, .invalidResponse, .tooManyPages, .paginationNotAdvancing:
            return RunFailure("the CS API answered something ackguard cannot use", at: endpoint, error.description)
        }
    }
}
