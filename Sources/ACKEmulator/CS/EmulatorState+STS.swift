import AlibabaCloudSigning
import Audit
import Foundation

extension EmulatorState {
    /// STS `AssumeRole` (RPC style, `GET|POST /?Action=AssumeRole…`, ACK-API.md §4.4): verifies the RPC
    /// signature and issues a temporary `STS.…` key with a security token.
    func assumeRole(_ request: CSRequest) -> Result<JSONValue, CSError> {
        let parameters: [String: String]
        let accessKeyId: String
        switch authenticatedSTS(request, action: "AssumeRole") {
        case .success(let value): (parameters, accessKeyId) = value
        case .failure(let error): return .failure(error)
        }

        guard let roleArn = parameters["RoleArn"], !roleArn.isEmpty else {
            return .failure(.gateway(400, "MissingRoleArn", "RoleArn is mandatory for this action."))
        }
        let arnParts = roleArn.split(separator: ":", omittingEmptySubsequences: false)
        guard arnParts.count == 5, arnParts[0] == "acs", arnParts[1] == "ram", !arnParts[3].isEmpty,
            arnParts[3].allSatisfy(\.isNumber), arnParts[4].hasPrefix("role/"), arnParts[4].count > 5
        else {
            return .failure(.gateway(400, "InvalidParameter.RoleArn", "The parameter RoleArn is wrongly formed."))
        }
        guard let sessionName = parameters["RoleSessionName"], !sessionName.isEmpty else {
            return .failure(.gateway(400, "MissingRoleSessionName", "RoleSessionName is mandatory for this action."))
        }
        let sessionAllowed = sessionName.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || "-_.@".unicodeScalars.contains($0)
        }
        guard (2...64).contains(sessionName.count), sessionAllowed else {
            return .failure(
                .gateway(400, "InvalidParameter.RoleSessionName", "The parameter RoleSessionName is wrongly formed."))
        }
        var duration = 3_600
        if let text = parameters["DurationSeconds"] {
            guard let value = Int(text), (900...43_200).contains(value) else {
                return .failure(
                    .gateway(
                        400, "InvalidParameter.DurationSeconds",
                        "The Min/Max value of DurationSeconds is 15min/12hr."))
            }
            duration = value
        }
        let memberAccountId: String?
        switch assumeRoleTarget(
            accountId: String(arnParts[3]), roleName: String(arnParts[4].dropFirst(5)), roleArn: roleArn,
            callerAccessKeyId: accessKeyId)
        {
        case .success(let value): memberAccountId = value
        case .failure(let error): return .failure(error)
        }
        let temporaryId = "STS." + mixedCase(24)
        let temporarySecret = mixedCase(44)
        let token = "CAIS" + mixedCase(220)
        let expiration = clock().addingTimeInterval(TimeInterval(duration))
        temporaryCredentials[temporaryId] = TemporaryCredential(
            secret: temporarySecret, securityToken: token, expiration: expiration, roleArn: roleArn,
            memberAccountId: memberAccountId)
        let roleName = String(arnParts[4].dropFirst(5))
        let roleId = "3" + String(random.next() % 100_000_000_000_000_000)
        return .success([
            "RequestId": .string(newRequestId()),
            "AssumedRoleUser": [
                "Arn": .string("acs:ram::\(arnParts[3]):role/\(roleName)/\(sessionName)"),
                "AssumedRoleId": .string("\(roleId):\(sessionName)"),
            ],
            "Credentials": [
                "AccessKeyId": .string(temporaryId),
                "AccessKeySecret": .string(temporarySecret),
                "SecurityToken": .string(token),
                "Expiration": .string(EmulatorDates.utc(expiration)),
            ],
        ])
    }

    func mixedCase(_ count: Int) -> String {
        let characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<count).map { _ in characters[Int(random.next() % UInt64(characters.count))] })
    }

    /// STS `GetCallerIdentity` (RPC style): verifies the RPC signature and names the account of the key that signed:
    /// a member's own key or an STS key issued into a member is that member, any other the management account.
    func callerIdentity(_ request: CSRequest) -> Result<JSONValue, CSError> {
        let accessKeyId: String
        switch authenticatedSTS(request, action: "GetCallerIdentity") {
        case .success(let value): accessKeyId = value.accessKeyId
        case .failure(let error): return .failure(error)
        }
        let account = account(ofAccessKey: accessKeyId)
        let temporary = temporaryCredentials[accessKeyId]
        return .success([
            "RequestId": .string(newRequestId()),
            "AccountId": .string(account),
            "PrincipalId": .string(account),
            "IdentityType": .string(temporary == nil ? "Account" : "AssumedRoleUser"),
            "Arn": .string(temporary.map { "\($0.roleArn)/ackguard" } ?? "acs:ram::\(account):root"),
        ])
    }

    /// An STS call's parameters (the query, and a POST's form) once its RPC signature is verified, with the key that
    /// signed it; `apiNotFound` when it is not `action`.
    private func authenticatedSTS(_ request: CSRequest, action: String)
        -> Result<(parameters: [String: String], accessKeyId: String), CSError>
    {
        var parameters = request.query
        let contentType = request.header("content-type") ?? ""
        if request.method == "POST", contentType.hasPrefix("application/x-www-form-urlencoded") {
            parameters.merge(CSRequest.parseForm(String(decoding: request.body, as: UTF8.self))) { _, form in form }
        }
        guard parameters["Action"] == action else { return .failure(.apiNotFound) }
        return authenticateRPC(request, parameters: parameters).map { (parameters, $0.accessKeyId) }
    }
}
