import ArgumentParser
import Audit
import AuditRun

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
        do { _ = try resolved() } catch { throw ValidationError(error.description) }
    }

    /// The rule options as the library takes them (checked by `validate()`).
    var auditOptions: AuditOptions { (try? resolved()) ?? AuditOptions() }

    func resolved() throws(RunFailure) -> AuditOptions {
        try AuditOptions(ruleNames: rules, strict: strict, excludedNamespaces: excludedNamespaces)
    }
}
