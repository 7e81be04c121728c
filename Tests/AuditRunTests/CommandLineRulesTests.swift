import Audit
import AuditRun
import Testing

/// The rules of a command line that the libraries decide (the commands only turn a problem into a usage error).
@Suite("command-line rules decided by the libraries")
struct CommandLineRulesTests {
    @Test("--rule names, aliases and all; none is rule 1; an unknown name is one line naming it")
    func ruleNames() throws {
        #expect(try AuditOptions(ruleNames: [], strict: false, excludedNamespaces: []).rules == [.networkPolicySupport])
        #expect(
            try AuditOptions(ruleNames: ["ACK-007"], strict: false, excludedNamespaces: []).rules == [
                .networkPolicySupport
            ])
        #expect(
            try AuditOptions(ruleNames: ["all"], strict: true, excludedNamespaces: ["a", "a"])
                == AuditOptions(
                    rules: Set(RuleID.allCases), strict: true, excludedNamespaces: ["a"]))
        let error = #expect(throws: RunFailure.self) {
            try AuditOptions(ruleNames: ["coverage", "nope\u{1b}"], strict: false, excludedNamespaces: [])
        }
        #expect(error?.description.contains("unknown rule 'nope") == true)
    }

    @Test("fix: --rollback, --apply and --create-replacement combinations, timeouts, vSwitch ids, Kubernetes access")
    func fixCombinations() {
        func problem(
            apply: Bool = false, rollback: String? = nil, create: Bool = false, timeout: Int = 300,
            vswitches: [String] = [], noKubernetes: Bool = false
        ) -> String? {
            FixFlow.problem(
                apply: apply, rollback: rollback, createReplacement: create, rolloutTimeout: timeout,
                podVSwitches: vswitches, noKubernetes: noKubernetes)
        }
        #expect(problem() == nil)
        #expect(problem(apply: true, create: true, vswitches: ["vsw-1"]) == nil)
        #expect(problem(apply: true, rollback: "f")?.contains("--rollback restores a file") == true)
        #expect(problem(rollback: "f", create: true)?.contains("belongs to --apply") == true)
        #expect(problem(create: true) == "--create-replacement needs --apply")
        #expect(problem(timeout: 0)?.contains("--rollout-timeout") == true)
        #expect(problem(vswitches: ["vsw 1"]) == "--pod-vswitch 'vsw 1' is not a vSwitch id")
        #expect(problem(vswitches: [""]) != nil)
        #expect(problem(noKubernetes: true)?.contains("--no-kubernetes") == true)
    }

    @Test("diff: run ids go in pairs, never with scan ids, and must be valid")
    func diffArguments() {
        #expect(HistoryAccess.diffProblem(old: 1, new: 2, oldRun: nil, newRun: nil) == nil)
        #expect(HistoryAccess.diffProblem(old: nil, new: nil, oldRun: "a", newRun: "b") == nil)
        #expect(HistoryAccess.diffProblem(old: nil, new: nil, oldRun: "a", newRun: nil) != nil)
        #expect(HistoryAccess.diffProblem(old: 1, new: nil, oldRun: "a", newRun: "b") != nil)
        #expect(
            HistoryAccess.diffProblem(old: nil, new: nil, oldRun: "a b", newRun: "b")?.hasPrefix("--old-run") == true)
    }
}
