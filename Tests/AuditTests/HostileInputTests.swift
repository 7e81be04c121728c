import Audit
import Testing

@Suite("JSON parsing within ParseLimits")
struct JSONParseLimitTests {
    func refusal(_ text: String, limits: ParseLimits) -> JSONSyntaxError? {
        do {
            _ = try JSONValue.parse(Array(text.utf8), limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test("nesting beyond maximumDepth is refused where it happens, for arrays, objects and a mix")
    func depth() {
        var limits = ParseLimits()
        limits.maximumDepth = 8
        for (open, close) in [("[", "]"), ("{\"a\":", "}"), ("[{\"a\":", "}]")] {
            let fine =
                String(repeating: open, count: 8 / (open.count > 5 ? 2 : 1)) + "1"
                + String(repeating: close, count: 8 / (open.count > 5 ? 2 : 1))
            #expect(refusal(fine, limits: limits) == nil, "\(fine)")
            let deep = String(repeating: open, count: 100_000) + "1" + String(repeating: close, count: 100_000)
            let error = refusal(deep, limits: limits)
            #expect(error?.problem == "nesting deeper than 8 levels (limit maximumDepth)")
            #expect(error?.line == 1)
        }
        // The default stops a stack-exhausting document too.
        let hostile = String(repeating: "[", count: 1_000_000)
        #expect(refusal(hostile, limits: .default)?.problem.contains("maximumDepth") == true)
    }

    @Test("more values than maximumNodes, a string longer than maximumStringLength, a larger input are refused")
    func counts() {
        var limits = ParseLimits()
        limits.maximumNodes = 10
        #expect(refusal("[1,2,3,4,5,6,7,8,9]", limits: limits) == nil)
        let many = refusal("[1,2,3,4,5,6,7,8,9,10]", limits: limits)
        #expect(many?.problem == "the document has more than 10 values (limit maximumNodes)")
        #expect(many?.column == 20)

        limits = ParseLimits()
        limits.maximumStringLength = 4
        #expect(refusal(#"["abcd"]"#, limits: limits) == nil)
        let long = refusal("[\n \"abcde\"]", limits: limits)
        #expect(long?.problem == "a string longer than 4 bytes (limit maximumStringLength)")
        #expect(long?.line == 2 && long?.column == 2)

        limits = ParseLimits()
        limits.maximumInputSize = 16
        #expect(refusal(#"{"a":"0123456789"}"#, limits: limits)?.problem.contains("maximumInputSize") == true)
    }

    @Test("numbers beyond Double's range are refused instead of becoming infinity", arguments: ["1e400", "-1e999999"])
    func hugeNumbers(_ text: String) {
        #expect(refusal("[\(text)]", limits: .default)?.problem == "number out of range")
        #expect(refusal("[1e308]", limits: .default) == nil)
    }

    @Test("the limits are documented defaults, far above real evidence")
    func defaults() {
        let limits = ParseLimits.default
        #expect(limits.maximumInputSize == 256 << 20)
        #expect(limits.maximumDepth == 128)
        #expect(limits.maximumNodes == 10_000_000)
        #expect(limits.maximumStringLength == 16 << 20)
        #expect(limits.maximumAliasExpansions == 100_000)
    }
}

@Suite("ParseBudget: alias expansions are counted where a collection is met again")
struct ParseBudgetTests {
    @Test("a collection met again at the same place counts its whole subtree; first meetings are free")
    func expansions() throws {
        var budget = ParseBudget(limits: ParseLimits(maximumAliasExpansions: 3))
        try budget.enter(.sequence, line: 1, column: 1)
        try budget.enter(.scalar, line: 1, column: 2)
        budget.leave()
        #expect(budget.aliasNodes == 0)
        try budget.enter(.sequence, line: 1, column: 1)  // the alias
        try budget.enter(.scalar, line: 1, column: 2)
        try budget.enter(.scalar, line: 1, column: 3)
        budget.leave()
        #expect(budget.aliasNodes == 3)
        try budget.enter(.mapping, line: 1, column: 1)  // another kind at the same place is no alias
        budget.leave()
        #expect(throws: ParseLimitExceeded.self) { try budget.enter(.sequence, line: 1, column: 1) }
        #expect(budget.depth == 0)
    }
}

@Suite("non-string disable_network_policy: layer 3 unreadable, never coerced")
struct NonStringConfigMapValueTests {
    static let values: [JSONValue] = [0, 0.0, 1, false, true, nil, ["false"], ["a": "false"]]

    static func evidence(_ value: JSONValue, addonPolicy: String?) -> ClusterEvidence {
        var evidence = ClusterEvidence(record: Build.record(addons: [Build.eniip(addonPolicy)]))
        evidence.eniConfig = .read(
            ["kind": "ConfigMap", "data": ["disable_network_policy": value, "eni_conf": "{}"]], source: "cm.json")
        return evidence
    }

    @Test("nothing else decides: UNKNOWN policy-state-unknown with configmap-unreadable", arguments: values)
    func unknownWhenNothingDecides(_ value: JSONValue) {
        let finding = NetworkPolicySupportRule.evaluate(Self.evidence(value, addonPolicy: nil))
        #expect(finding.status == .unknown)
        #expect(finding.reason == .policyStateUnknown)
        #expect(finding.warnings.map(\.code) == [.configMapUnreadable])
        let message = finding.warnings.first?.message ?? ""
        #expect(message.contains("not a string"))
        #expect(message.contains(value.serialized()))
        #expect(finding.message.contains("not a string"))
        #expect(finding.evidence["configMap"]?["state"] == "unreadable")
        #expect(finding.evidence["configMap"]?["disable_network_policy"] == value)
        #expect(finding.evidence["configMap"]?["policyEnabled"] == nil)
    }

    @Test("the add-on config decides as when the ConfigMap could not be read", arguments: values)
    func addonDecides(_ value: JSONValue) {
        let pass = NetworkPolicySupportRule.evaluate(Self.evidence(value, addonPolicy: "true"))
        #expect(pass.status == .pass)
        #expect(pass.reason == .addonPolicyEnabled)
        #expect(Set(pass.warnings.map(\.code)) == [.configMapUnreadable, .configMapNotVerified])
        let fail = NetworkPolicySupportRule.evaluate(Self.evidence(value, addonPolicy: "false"))
        #expect(fail.status == .fail)
        #expect(fail.reason == .addonPolicyDisabled)
    }

    @Test("strings still decide exactly as Terway reads them")
    func stringsDecide() {
        #expect(NetworkPolicySupportRule.evaluate(Self.evidence("false", addonPolicy: "false")).status == .pass)
        #expect(NetworkPolicySupportRule.evaluate(Self.evidence("0.0", addonPolicy: "true")).status == .fail)
        #expect(TerwayPolicySwitch.setting(inConfigMap: ["data": [:]]) == .absent)
        #expect(TerwayPolicySwitch.setting(inConfigMap: ["data": ["disable_network_policy": nil]]) == .notAString(nil))
    }
}
