import Foundation

/// The parts of the aliyun CLI's `~/.aliyun/config.json` that carry credentials (`aliyun/aliyun-cli`
/// `config/profile.go`). Unknown keys are ignored; numbers and booleans are also accepted as strings.
struct AliyunCLIConfig: Decodable, Sendable {
    var current: String?
    var profiles: [Profile]

    struct Profile: Decodable, Sendable {
        var name: String?
        var mode: String?
        var accessKeyId: String?
        var accessKeySecret: String?
        var stsToken: String?
        var stsRegion: String?
        var ramRoleName: String?
        var ramRoleArn: String?
        var ramSessionName: String?
        var roleSessionName: String?
        var externalId: String?
        var sourceProfile: String?
        var expiredSeconds: Int?
        var policy: String?
        var enableVpc: Bool?
        var oidcProviderArn: String?
        var oidcTokenFile: String?

        enum CodingKeys: String, CodingKey {
            case name, mode, policy
            case accessKeyId = "access_key_id"
            case accessKeySecret = "access_key_secret"
            case stsToken = "sts_token"
            case stsRegion = "sts_region"
            case ramRoleName = "ram_role_name"
            case ramRoleArn = "ram_role_arn"
            case ramSessionName = "ram_session_name"
            case roleSessionName = "role_session_name"
            case externalId = "external_id"
            case sourceProfile = "source_profile"
            case expiredSeconds = "expired_seconds"
            case enableVpc = "enable_vpc"
            case oidcProviderArn = "oidc_provider_arn"
            case oidcTokenFile = "oidc_token_file"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func text(_ key: CodingKeys) throws -> String? {
                let value = try container.decodeIfPresent(String.self, forKey: key)
                return value?.isEmpty == true ? nil : value
            }
            name = try text(.name)
            mode = try text(.mode)
            accessKeyId = try text(.accessKeyId)
            accessKeySecret = try text(.accessKeySecret)
            stsToken = try text(.stsToken)
            stsRegion = try text(.stsRegion)
            ramRoleName = try text(.ramRoleName)
            ramRoleArn = try text(.ramRoleArn)
            ramSessionName = try text(.ramSessionName)
            roleSessionName = try text(.roleSessionName)
            externalId = try text(.externalId)
            sourceProfile = try text(.sourceProfile)
            policy = try text(.policy)
            oidcProviderArn = try text(.oidcProviderArn)
            oidcTokenFile = try text(.oidcTokenFile)
            do {
                expiredSeconds = try container.decodeIfPresent(Int.self, forKey: .expiredSeconds)
            } catch DecodingError.typeMismatch {
                let string = try container.decode(String.self, forKey: .expiredSeconds)
                guard string.isEmpty || Int(string) != nil else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .expiredSeconds, in: container, debugDescription: "not a whole number")
                }
                expiredSeconds = Int(string)
            }
            do {
                enableVpc = try container.decodeIfPresent(Bool.self, forKey: .enableVpc)
            } catch DecodingError.typeMismatch {
                enableVpc = try container.decode(String.self, forKey: .enableVpc).lowercased() == "true"
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case current, profiles
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        current = try container.decodeIfPresent(String.self, forKey: .current)
        profiles = try container.decodeIfPresent([Profile].self, forKey: .profiles) ?? []
    }

    /// Decodes `data`, mapping decoding failures to a one-line `CredentialError.malformedFile` that names the
    /// JSON path (never a value).
    static func decode(_ data: Data, path: String) throws -> AliyunCLIConfig {
        do {
            return try JSONDecoder().decode(AliyunCLIConfig.self, from: data)
        } catch let error as DecodingError {
            throw CredentialError.malformedFile(path: path, reason: Self.describe(error))
        } catch {
            throw CredentialError.malformedFile(path: path, reason: "not valid JSON")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func location(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "top level" : keys
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "unexpected type at \(location(context))"
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(location(context))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "invalid value at \(location(context))"
        @unknown default:
            return "invalid JSON"
        }
    }
}
