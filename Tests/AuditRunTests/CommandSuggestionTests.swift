import AuditRun
import Testing

@Suite("the nearest command to a typo")
struct CommandSuggestionTests {
    let names = ["audit", "collect", "fix", "iac", "history", "diff", "help"]

    @Test("a transposition, a missing letter and a prefix are recognised; a stranger word is not")
    func suggestions() {
        #expect(CommandSuggestion.closest(to: "audti", among: names) == "audit")
        #expect(CommandSuggestion.closest(to: "AUDIT", among: names) == "audit")
        #expect(CommandSuggestion.closest(to: "colect", among: names) == "collect")
        #expect(CommandSuggestion.closest(to: "hist", among: names) == "history")
        #expect(CommandSuggestion.closest(to: "kubernetes", among: names) == nil)
        #expect(CommandSuggestion.closest(to: "h", among: ["history"]) == nil, "one letter is not a prefix match")
    }

    @Test("edit distance counts insertions, deletions and substitutions")
    func distance() {
        #expect(CommandSuggestion.editDistance("kitten", "sitting") == 3)
        #expect(CommandSuggestion.editDistance("", "fix") == 3)
        #expect(CommandSuggestion.editDistance("diff", "diff") == 0)
    }

    @Test("an unknown first word is one line with the nearest command; options, commands and help pass through")
    func unknownCommand() {
        let commands = ["audit", "collect", "fix"]
        #expect(
            CommandSuggestion.unknownCommand(["colect", "--demo"], commands: commands, program: "ackguard")
                == "unknown command 'colect': did you mean 'collect'? (commands: audit, collect, fix; ackguard --help)")
        #expect(
            CommandSuggestion.unknownCommand(["zzz"], commands: commands, program: "ackguard")
                == "unknown command 'zzz': (commands: audit, collect, fix; ackguard --help)")
        for known in [["audit"], ["help"], ["--version"], []] {
            #expect(CommandSuggestion.unknownCommand(known, commands: commands, program: "ackguard") == nil)
        }
    }
}
