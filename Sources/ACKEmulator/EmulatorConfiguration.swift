public import Foundation

/// Everything an emulator run is made of: fleet, access keys, faults, addresses, seed and clock.
public struct EmulatorConfiguration: Sendable {
    /// Where the fleet comes from.
    public enum FleetSource: Sendable {
        case generated(FleetSpecification)
        /// A saved-evidence folder (RULE.md layout), served live.
        case savedEvidence(URL)
        case fleet(Fleet)
    }

    /// Address both servers bind (default loopback only).
    public var host: String
    /// CS API port; 0 picks a free one.
    public var port: Int
    /// Kubernetes API (HTTPS) port; 0 picks a free one.
    public var kubernetesPort: Int
    /// Accepted AccessKeys (STS keys issued by the emulator's own AssumeRole are accepted too).
    public var accessKeys: [EmulatorAccessKey]
    public var fleet: FleetSource
    public var faults: FaultConfiguration
    /// Seeds every random choice made while serving (identifiers, faults).
    public var seed: UInt64
    /// How many observations (reads) an asynchronous change takes before it completes: a created cluster stays
    /// `initial` and an add-on upgrade `Running` for this many reads.
    public var asynchronousSteps: Int
    /// How far `x-acs-date`/`date`/`Timestamp` may be from the emulator's clock, and how long a nonce is
    /// remembered.
    public var requestTimeTolerance: TimeInterval
    /// The account that owns the fleet (used in STS role ARNs).
    public var accountId: String
    /// The emulator's clock.
    public var clock: @Sendable () -> Date
    /// A Resource Directory around `accountId` (the management account): member accounts with their own fleets,
    /// ResourceManager listings and STS AssumeRole into members. nil: one account, as without an organisation.
    public var organisation: EmulatorOrganisation?

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        kubernetesPort: Int = 0,
        accessKeys: [EmulatorAccessKey] = [.demo],
        fleet: FleetSource = .generated(.demo),
        faults: FaultConfiguration = FaultConfiguration(),
        seed: UInt64 = 7,
        asynchronousSteps: Int = 2,
        requestTimeTolerance: TimeInterval = 15 * 60,
        accountId: String = "5000000000000001",
        clock: @escaping @Sendable () -> Date = { Date() },
        organisation: EmulatorOrganisation? = nil
    ) {
        self.host = host
        self.port = port
        self.kubernetesPort = kubernetesPort
        self.accessKeys = accessKeys
        self.fleet = fleet
        self.faults = faults
        self.seed = seed
        self.asynchronousSteps = asynchronousSteps
        self.requestTimeTolerance = requestTimeTolerance
        self.accountId = accountId
        self.clock = clock
        self.organisation = organisation
    }

    /// The default demo fleet (24 clusters, six regions, seed 7) with the demo AccessKey, no faults.
    public static func demo() -> EmulatorConfiguration {
        EmulatorConfiguration()
    }

    /// Builds the fleet this configuration describes.
    public func makeFleet() throws -> Fleet {
        switch fleet {
        case .generated(let specification): FleetGenerator.generate(specification)
        case .savedEvidence(let directory): try SavedEvidenceLoader.load(from: directory)
        case .fleet(let fleet): fleet
        }
    }
}
