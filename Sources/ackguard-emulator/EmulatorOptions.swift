import ACKEmulator
import ArgumentParser
import Foundation

/// The command-line options of `ackguard-emulator`.
struct EmulatorOptions: ParsableArguments {
    @Option(help: "Address to bind (default loopback only).")
    var host = "127.0.0.1"

    @Option(help: "CS API port; 0 picks a free port.")
    var port = 0

    @Option(name: .customLong("kubernetes-port"), help: "Kubernetes API (HTTPS) port; 0 picks a free port.")
    var kubernetesPort = 0

    @Option(
        name: .customLong("access-key"),
        help: "Accepted AccessKey as ID:SECRET (repeatable). Default: the demo key ackguard-demo-key.")
    var accessKeys: [String] = []

    @Option(help: "Number of generated clusters (24 or more shows every RULE.md situation).")
    var clusters = 24

    @Option(help: "Seed for the generated fleet and for fault randomness.")
    var seed: UInt64 = 7

    @Option(help: "Comma-separated regions of the generated fleet.")
    var regions = FleetSpecification.demoRegions.joined(separator: ",")

    @Option(name: .customLong("from"), help: "Serve a saved-evidence folder instead of a generated fleet.")
    var from: String?

    @Option(name: .customLong("write-evidence"), help: "Write the fleet as a saved-evidence folder and exit.")
    var writeEvidence: String?

    @Flag(
        name: .customLong("list-fleet"),
        help: "Print id, name, region, type, state and situations per cluster, then exit.")
    var listFleet = false

    @Option(
        name: .customLong("asynchronous-steps"),
        help: "Reads a created cluster stays initial / an add-on change stays Running.")
    var asynchronousSteps = 2

    @Option(name: .customLong("latency-ms"), help: "Fixed latency added to every CS call, in milliseconds.")
    var latencyMilliseconds = 0

    @Option(name: .customLong("jitter-ms"), help: "Random extra latency (0...N ms) per CS call.")
    var jitterMilliseconds = 0

    @Option(name: .customLong("rate-limit"), help: "Calls per second allowed per CS API (token bucket).")
    var rateLimit: Double?

    @Option(help: "Token-bucket burst for --rate-limit (default: a tenth of a second of calls, at least 1).")
    var burst: Int?

    @Option(
        name: .customLong("max-page-size"),
        help: "The most clusters a DescribeClustersV1 page holds, whatever page_size asks (a gateway's own maximum).")
    var maxPageSize: Int?

    @Option(name: .customLong("error-fraction"), help: "Fraction (0...1) of CS calls answered 500/503.")
    var errorFraction = 0.0

    @Option(name: .customLong("reset-fraction"), help: "Fraction (0...1) of CS calls whose connection is reset.")
    var resetFraction = 0.0

    @Option(
        name: .customLong("throttle-fraction"),
        help: "Fraction (0...1) of CS calls answered Throttling.User at random (besides --rate-limit).")
    var throttleFraction = 0.0

    @Option(
        name: .customLong("api-fault"),
        help: """
            Faults for one CS action, replacing the global ones: \
            ACTION:latency=MS,jitter=MS,rate=Q,burst=B,errors=F,resets=F,throttles=F (repeatable).
            """)
    var apiFaults: [String] = []

    @Option(
        name: .customLong("kubernetes-fault"),
        help: "CLUSTER_ID:hang|refuse|forbidden|unauthorized|none (repeatable).")
    var kubernetesFaults: [String] = []

    @Option(
        name: .customLong("disappear"),
        help: "CLUSTER_ID:K — the cluster answers ErrorClusterNotFound after K calls name it (repeatable).")
    var disappearing: [String] = []

    @Option(
        name: .customLong("disappear-after-listings"),
        help: "CLUSTER_ID:M — the cluster is deleted once M listing pages of its region were answered (repeatable).")
    var disappearingAfterListings: [String] = []

    @Option(
        name: .customLong("kubernetes-status"),
        help: "CLUSTER_ID|*:METHOD|*:RESOURCE|*:STATUS, e.g. '*:PATCH:daemonsets:500' (repeatable).")
    var kubernetesStatuses: [String] = []

    @Option(
        help: """
            Serve a Resource Directory with N member accounts besides the management account (the fleet above): \
            nested sub-folders, member-03 not active (PendingRemove), member-02 without its role; 0: one account.
            """)
    var members = 0

    @Option(name: .customLong("member-clusters"), help: "Generated clusters per member account (with --members).")
    var memberClusters = 4

    @Option(
        name: .customLong("member-rate-limit"),
        help: "Calls per second per CS API in each member account's own quota (with --members; default: --rate-limit).")
    var memberRateLimit: Double?

    func emulatorConfiguration() throws -> EmulatorConfiguration {
        var configuration = EmulatorConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.kubernetesPort = kubernetesPort
        configuration.seed = seed
        configuration.asynchronousSteps = asynchronousSteps
        if !accessKeys.isEmpty {
            configuration.accessKeys = try accessKeys.map { text in
                guard let key = EmulatorAccessKey(parsing: text) else {
                    throw ValidationError("--access-key expects ID:SECRET")
                }
                return key
            }
        }
        if let from {
            configuration.fleet = .savedEvidence(URL(fileURLWithPath: from))
        } else {
            guard clusters >= 0 else { throw ValidationError("--clusters must not be negative") }
            let regionList = regions.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            guard !regionList.isEmpty else { throw ValidationError("--regions needs at least one region") }
            configuration.fleet = .generated(
                FleetSpecification(clusterCount: clusters, seed: seed, regions: regionList))
        }
        var faults = FaultConfiguration()
        faults.all = try globalFaults()
        if let maxPageSize {
            guard maxPageSize >= 1 else { throw ValidationError("--max-page-size must be at least 1") }
            faults.maxListingPageSize = maxPageSize
        }
        for text in apiFaults {
            let (action, values) = try split(text, option: "--api-fault")
            faults.perAPI[action] = try apiFaults(values, option: "--api-fault \(action)")
        }
        for text in kubernetesFaults {
            let (cluster, value) = try split(text, option: "--kubernetes-fault")
            guard let fault = KubernetesFault(rawValue: value) else {
                throw ValidationError("--kubernetes-fault: unknown fault \(value)")
            }
            faults.kubernetes[cluster] = fault
        }
        for text in disappearing {
            let (cluster, value) = try split(text, option: "--disappear")
            guard let count = Int(value), count >= 0 else { throw ValidationError("--disappear expects CLUSTER_ID:K") }
            faults.disappearingClusters[cluster] = count
        }
        for text in disappearingAfterListings {
            let (cluster, value) = try split(text, option: "--disappear-after-listings")
            guard let count = Int(value), count >= 0 else {
                throw ValidationError("--disappear-after-listings expects CLUSTER_ID:M")
            }
            faults.disappearingAfterListings[cluster] = count
        }
        for text in kubernetesStatuses {
            let parts = text.split(separator: ":").map(String.init)
            guard parts.count == 4, let status = Int(parts[3]), (100...599).contains(status) else {
                throw ValidationError("--kubernetes-status expects CLUSTER:METHOD:RESOURCE:STATUS")
            }
            faults.kubernetesStatuses.append(
                KubernetesStatusInjection(clusterId: parts[0], method: parts[1], resource: parts[2], status: status))
        }
        configuration.faults = faults
        configuration.organisation = try organisation()
        return configuration
    }

    /// The generated organisation `--members` asks for; nil without it.
    func organisation() throws -> EmulatorOrganisation? {
        guard members >= 0, members <= 9_999 else { throw ValidationError("--members must be between 0 and 9999") }
        guard memberClusters >= 0 else { throw ValidationError("--member-clusters must not be negative") }
        guard members > 0 else { return nil }
        let regionList = regions.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        var organisation = EmulatorOrganisation.generate(
            members: members, clustersPerMember: memberClusters, seed: seed,
            regions: regionList.isEmpty ? FleetSpecification.demoRegions : regionList)
        if let memberRateLimit {
            guard memberRateLimit > 0, memberRateLimit.isFinite else {
                throw ValidationError("--member-rate-limit must be positive")
            }
            for index in organisation.members.indices {
                organisation.members[index].rateLimit = RateLimit(perSecond: memberRateLimit)
            }
        }
        return organisation
    }

    func globalFaults() throws -> APIFaults {
        guard (0...1).contains(errorFraction), (0...1).contains(resetFraction), (0...1).contains(throttleFraction)
        else {
            throw ValidationError("--error-fraction, --reset-fraction and --throttle-fraction must be between 0 and 1")
        }
        guard latencyMilliseconds >= 0, jitterMilliseconds >= 0 else {
            throw ValidationError("--latency-ms and --jitter-ms must not be negative")
        }
        var faults = APIFaults(
            latency: .milliseconds(latencyMilliseconds), jitter: .milliseconds(jitterMilliseconds),
            serverErrorFraction: errorFraction, connectionResetFraction: resetFraction,
            throttlingFraction: throttleFraction)
        if let rateLimit {
            guard rateLimit > 0, rateLimit.isFinite else { throw ValidationError("--rate-limit must be positive") }
            if let burst, burst < 1 { throw ValidationError("--burst must be at least 1") }
            faults.rateLimit =
                burst.map { RateLimit(perSecond: rateLimit, burst: $0) } ?? RateLimit(perSecond: rateLimit)
        }
        return faults
    }

    func apiFaults(_ text: String, option: String) throws -> APIFaults {
        var faults = APIFaults()
        var rate: Double?
        var burst: Int?
        for item in text.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, let number = Double(pair[1]), number >= 0 else {
                throw ValidationError("\(option): expected key=number, got \(item)")
            }
            switch pair[0] {
            case "latency": faults.latency = .milliseconds(Int(number))
            case "jitter": faults.jitter = .milliseconds(Int(number))
            case "rate": rate = number
            case "burst":
                guard number >= 1, number <= 1_000_000_000 else {
                    throw ValidationError("\(option): burst must be between 1 and 1000000000")
                }
                burst = Int(number)
            case "errors": faults.serverErrorFraction = min(number, 1)
            case "resets": faults.connectionResetFraction = min(number, 1)
            case "throttles": faults.throttlingFraction = min(number, 1)
            default: throw ValidationError("\(option): unknown key \(pair[0])")
            }
        }
        if let rate {
            guard rate > 0 else { throw ValidationError("\(option): rate must be positive") }
            faults.rateLimit = burst.map { RateLimit(perSecond: rate, burst: $0) } ?? RateLimit(perSecond: rate)
        }
        return faults
    }

    func split(_ text: String, option: String) throws -> (String, String) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex, text.index(after: colon) != text.endIndex
        else {
            throw ValidationError("\(option) expects NAME:VALUE, got \(text)")
        }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
