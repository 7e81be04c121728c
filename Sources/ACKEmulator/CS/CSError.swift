import Audit
import Foundation

/// An error answer of the emulated CS API, rendered the way the real endpoints send it.
///
/// Service errors (`ErrorClusterNotFound`, `AddonNotFound`, `InvalidParameter`, …) use the CS service's camel-case
/// body `{"code","message","requestId","status"}`; gateway errors (signature, AccessKey, time stamp, nonce,
/// throttling, 5xx) use the API gateway's Pascal-case body `{"RequestId","HostId","Code","Message","Recommend"}`.
struct CSError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Style: Sendable, Equatable {
        case service
        case gateway
    }

    var status: Int
    var code: String
    var message: String
    var style: Style

    var description: String { "\(status) \(code): \(message)" }

    func body(requestId: String, host: String) -> JSONValue {
        switch style {
        case .service:
            return [
                "code": .string(code), "message": .string(message), "requestId": .string(requestId),
                "status": .number(Double(status)),
            ]
        case .gateway:
            return [
                "RequestId": .string(requestId), "HostId": .string(host), "Code": .string(code),
                "Message": .string(message),
                "Recommend": .string("https://api.aliyun.com/troubleshoot?q=\(code)&product=CS&requestId=\(requestId)"),
            ]
        }
    }

    // MARK: Service errors

    static func clusterNotFound(_ id: String) -> CSError {
        CSError(status: 404, code: "ErrorClusterNotFound", message: "cluster \(id) not found", style: .service)
    }

    static func addonNotFound(_ name: String, cluster: String) -> CSError {
        CSError(
            status: 404, code: "AddonNotFound", message: "addon \(name) not found in cluster \(cluster)",
            style: .service)
    }

    static func taskNotFound(_ id: String) -> CSError {
        CSError(status: 404, code: "ErrorTaskNotFound", message: "task \(id) not found", style: .service)
    }

    static func invalidParameter(_ message: String) -> CSError {
        CSError(status: 400, code: "InvalidParameter", message: message, style: .service)
    }

    // MARK: Gateway errors

    static func gateway(_ status: Int, _ code: String, _ message: String) -> CSError {
        CSError(status: status, code: code, message: message, style: .gateway)
    }

    static let apiNotFound = gateway(
        404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
    static let incompleteSignature = gateway(
        400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.")
    static let accessKeyNotFound = gateway(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
    static let timeStampExpired = gateway(
        400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
    static let timeStampFormat = gateway(
        400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")
    static let nonceUsed = gateway(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
    static let missingNonce = gateway(400, "MissingSignatureNonce", "SignatureNonce is mandatory for this action.")
    static let securityTokenExpired = gateway(
        400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.")
    static let securityTokenMalformed = gateway(
        400, "InvalidSecurityToken.Malformed", "Specified SecurityToken is malformed.")
    static let securityTokenMismatch = gateway(
        400, "InvalidSecurityToken.MismatchWithAccessKey", "Specified SecurityToken mismatch with the AccessKey.")
    static let throttled = gateway(400, "Throttling.User", "Request was denied due to user flow control.")
    static let internalError = gateway(
        500, "InternalError", "The request processing has failed due to some unknown error, exception or failure.")
    static let serviceUnavailable = gateway(
        503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.")

    static func signatureMismatch(stringToSign: String, detail: String? = nil) -> CSError {
        let server = stringToSign.replacingOccurrences(of: "\n", with: "#")
        let extra = detail.map { " (\($0))" } ?? ""
        return gateway(
            400, "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.\(extra) server string to sign is:\(server)")
    }
}
