import Foundation

/// Checks shared by `AssumeRole` and `AssumeRoleWithOIDC`.
enum STSParameters {
    static let durationRange = 900...43_200

    static func validate(roleArn: String, durationSeconds: Int, sessionName: String?, source: String) throws {
        guard !roleArn.isEmpty else {
            throw CredentialError.missingField(source: source, field: "RoleArn")
        }
        guard durationRange.contains(durationSeconds) else {
            throw CredentialError.invalidField(
                source: source, field: "DurationSeconds",
                reason: "\(durationSeconds) is outside \(durationRange.lowerBound)...\(durationRange.upperBound)")
        }
        if let sessionName {
            let allowed = sessionName.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "._@-".unicodeScalars.contains($0)
            }
            guard (2...64).contains(sessionName.count), allowed else {
                throw CredentialError.invalidField(
                    source: source, field: "RoleSessionName",
                    reason: "'\(sessionName)' must be 2-64 characters of letters, digits and . @ - _")
            }
        }
    }

    static func defaultSessionName(_ date: Date) -> String {
        "ackguard-\(Int(date.timeIntervalSince1970))"
    }
}
