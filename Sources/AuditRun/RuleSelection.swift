public import Audit

extension AuditOptions {
    /// The options `--rule` (repeatable; none: rule 1), `--strict` and `--exclude-namespace` make. An unknown rule
    /// name is the one-line problem.
    public init(ruleNames: [String], strict: Bool, excludedNamespaces: [String]) throws(RunFailure) {
        var rules = Set<RuleID>()
        for name in ruleNames {
            guard let named = RuleID.named(name) else {
                throw RunFailure(
                    "unknown rule '\(name)'; use ack-network-policy-support, ack-network-policy-coverage or all")
            }
            rules.formUnion(named)
        }
        self.init(
            rules: rules.isEmpty ? [.networkPolicySupport] : rules, strict: strict,
            excludedNamespaces: Set(excludedNamespaces))
    }
}
