public import Foundation

/// Everything the credential providers read from the outside world, passed in as a value so that libraries never
/// read the process environment, the real home directory or the wall clock themselves (tests run in parallel).
public struct CredentialEnvironment: Sendable {
    /// The process environment (`ALIBABA_CLOUD_*` variables).
    public var variables: [String: String]
    /// The home directory holding `.aliyun/config.json` and `.alibabacloud/credentials`.
    public var homeDirectory: String
    /// The profile chosen on the command line (`--profile`); beats `ALIBABA_CLOUD_PROFILE`.
    public var profile: String?
    /// An STS endpoint override (`--sts-endpoint`); else `sts.aliyuncs.com`, `sts.<region>.aliyuncs.com` or
    /// `sts-vpc.<region>.aliyuncs.com` from the profile or `ALIBABA_CLOUD_STS_REGION` /
    /// `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED`.
    public var stsEndpoint: URL?
    /// The ECS instance metadata service (IMDS).
    public var metadataEndpoint: URL
    /// The clock used for STS timestamps and credential expiry.
    public var now: @Sendable () -> Date
    /// The deadline of one ECS metadata call (the SDKs use 1 s: off ECS, the chain must move on quickly).
    public var metadataTimeout: Duration = .seconds(1)

    public init(
        variables: [String: String],
        homeDirectory: String,
        profile: String? = nil,
        stsEndpoint: URL? = nil,
        metadataEndpoint: URL = URL(string: "http://100.100.100.200")!,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.variables = variables
        self.homeDirectory = homeDirectory
        self.profile = profile
        self.stsEndpoint = stsEndpoint
        self.metadataEndpoint = metadataEndpoint
        self.now = now
    }
}

extension CredentialEnvironment {
    /// The value of an environment variable, `nil` when unset or empty.
    func value(_ name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// `true` when the variable is set to `true` (case-insensitive), as the official SDKs test flags.
    func flag(_ name: String) -> Bool {
        variables[name]?.lowercased() == "true"
    }

    /// Whether this process runs sandboxed (`ACKGUARD_NO_METADATA_PROBE=1`, set by the test suite and the scripts):
    /// the ECS metadata service is then never contacted unless it is on loopback (an emulator). The variable is read
    /// from `variables` and, as the one exception to "libraries read no process state", from the process itself, so
    /// that no test that builds its own environment can reach 100.100.100.200 by forgetting it.
    var isSandboxed: Bool {
        let name = EnvironmentVariable.noMetadataProbe
        return variables[name].map { !$0.isEmpty && $0 != "0" } == true
            || ProcessInfo.processInfo.environment[name].map { !$0.isEmpty && $0 != "0" } == true
    }

    /// The profile chosen by `--profile`, else by `ALIBABA_CLOUD_PROFILE`; `nil` when neither is set.
    var chosenProfile: String? {
        if let profile, !profile.isEmpty { return profile }
        return value(EnvironmentVariable.profile)
    }

    /// `~/.aliyun/config.json`.
    var cliConfigPath: String {
        FileReading.join(homeDirectory, ".aliyun/config.json")
    }

    /// The STS endpoint for a request: the `--sts-endpoint` override, else the region and VPC choice of the
    /// profile, else of the environment, else `https://sts.aliyuncs.com`.
    func stsEndpoint(region profileRegion: String? = nil, vpc profileVPC: Bool? = nil) -> URL {
        if let stsEndpoint { return stsEndpoint }
        let vpc = profileVPC ?? flag(EnvironmentVariable.vpcEndpointEnabled)
        let prefix = vpc ? "sts-vpc" : "sts"
        let region = profileRegion.flatMap { $0.isEmpty ? nil : $0 } ?? value(EnvironmentVariable.stsRegion)
        let host = region.map { "\(prefix).\($0).aliyuncs.com" } ?? "sts.aliyuncs.com"
        return URL(string: "https://\(host)")!
    }
}

/// The environment variable names of the official credential libraries.
enum EnvironmentVariable {
    static let accessKeyId = "ALIBABA_CLOUD_ACCESS_KEY_ID"
    static let accessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
    static let securityToken = "ALIBABA_CLOUD_SECURITY_TOKEN"
    static let roleArn = "ALIBABA_CLOUD_ROLE_ARN"
    static let oidcProviderArn = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN"
    static let oidcTokenFile = "ALIBABA_CLOUD_OIDC_TOKEN_FILE"
    static let roleSessionName = "ALIBABA_CLOUD_ROLE_SESSION_NAME"
    static let stsRegion = "ALIBABA_CLOUD_STS_REGION"
    static let vpcEndpointEnabled = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED"
    static let profile = "ALIBABA_CLOUD_PROFILE"
    static let cliProfileDisabled = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED"
    static let credentialsFile = "ALIBABA_CLOUD_CREDENTIALS_FILE"
    static let ecsMetadata = "ALIBABA_CLOUD_ECS_METADATA"
    static let ecsMetadataDisabled = "ALIBABA_CLOUD_ECS_METADATA_DISABLED"
    static let imdsV1Disabled = "ALIBABA_CLOUD_IMDSV1_DISABLED"
    static let credentialsURI = "ALIBABA_CLOUD_CREDENTIALS_URI"
    /// ackguard's own: tests and scripts set it so the ECS metadata service is never contacted (see `isSandboxed`).
    static let noMetadataProbe = "ACKGUARD_NO_METADATA_PROBE"
}
