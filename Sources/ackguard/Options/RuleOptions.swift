import ArgumentParser
import Audit

/// Which rules, and how strictly.
struct RuleOptions: ParsableArguments {
    @Option(
        name: .customLong("rule"),
        help: ArgumentHelp(
            "Rule to evaluate (repeatable): ack-network-policy-support (default), ack-network-policy-coverage, or all.",
            valueName: "id"))
    var rules: [String] = []

    @Flag(help: "Turn every warning into a FAIL.")
    var strict = false

    @Option(
        name: .customLong("exclude-namespace"),
        help: ArgumentHelp(
            "Namespace left out of coverage (repeatable), besides kube-system, kube-public and kube-node-lease.",
            valueName: "ns"))
    var excludedNamespaces: [String] = []

    func validate() throws {
        for rule in rules where RuleID.named(rule) == nil {
            throw ValidationError(
                "unknown rule '\(rule)'; use ack-network-policy-support, ack-network-policy-coverage or all")
        }
    }

    var selectedRules: Set<RuleID> {
        if rules.isEmpty { return [.networkPolicySupport] }
        return Set(rules.flatMap { RuleID.named($0) ?? [] })
    }

    var auditOptions: AuditOptions {
        AuditOptions(rules: selectedRules, strict: strict, excludedNamespaces: Set(excludedNamespaces))
    }
}
