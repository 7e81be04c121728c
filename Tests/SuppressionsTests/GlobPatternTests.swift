import Suppressions
import Testing

@Suite struct GlobPatternTests {
    @Test(
        "* and ? match as in a shell, everything else literally",
        arguments: [
            ("*", "", true), ("*", "anything", true), ("a*", "a", true), ("a*c", "abbbc", true),
            ("a*c", "abbbd", false),
            ("?", "", false), ("?", "x", true), ("a?c", "abc", true), ("a?c", "ac", false), ("*-prod", "eu-prod", true),
            ("*-prod", "eu-prod-2", false), ("a*b*c", "aXbYbZc", true), ("a*b*c", "aXbYbZ", false),
            ("[a]", "[a]", true),
            ("[a]", "a", false), ("prod", "Prod", false), ("*.tf", "dir/main.tf", true), ("集群-?", "集群-1", true),
        ])
    func matches(_ pattern: String, _ text: String, _ expected: Bool) {
        #expect(GlobPattern(pattern).matches(text) == expected)
    }

    @Test(
        "dates are exactly YYYY-MM-DD with real days",
        arguments: [
            ("2024-02-29", true), ("2023-02-29", false), ("2100-02-29", false), ("2000-02-29", true),
            ("2025-04-31", false),
            ("2025-4-01", false), ("2025-04-01 ", false), ("0000-01-01", false), ("2025-12-31", true),
        ])
    func dates(_ text: String, _ valid: Bool) {
        #expect((CalendarDate(text) != nil) == valid)
        if valid { #expect(CalendarDate(text)?.description == text) }
    }
}
