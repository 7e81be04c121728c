/// The nearest of a few names to a mistyped word: what a command line suggests for a typo.
public enum CommandSuggestion {
    /// The name at edit distance at most 2 from `word` (case-insensitive; the nearest wins), else the first name
    /// `word` is a prefix of (two characters at least), else `nil`.
    public static func closest(to word: String, among names: [String]) -> String? {
        let lowered = word.lowercased()
        let near = names.map { (name: $0, distance: editDistance(lowered, $0)) }.filter { $0.distance <= 2 }
        return near.min { $0.distance < $1.distance }?.name
            ?? names.first { $0.hasPrefix(lowered) && lowered.count >= 2 }
    }

    /// When the first word of `arguments` is neither an option nor one of `commands`: one line naming it, with the
    /// closest command as a suggestion; `program --help` is the way out.
    public static func unknownCommand(_ arguments: [String], commands: [String], program: String) -> String? {
        guard let word = arguments.first, !word.hasPrefix("-"), !commands.contains(word), word != "help" else {
            return nil
        }
        let suggestion = closest(to: word, among: commands + ["help"]).map { "did you mean '\($0)'? " } ?? ""
        return
            "unknown command '\(word)': \(suggestion)(commands: \(commands.joined(separator: ", ")); \(program) --help)"
    }

    /// Levenshtein distance, on characters.
    public static func editDistance(_ left: String, _ right: String) -> Int {
        let left = Array(left)
        let right = Array(right)
        guard !left.isEmpty, !right.isEmpty else { return max(left.count, right.count) }
        var previous = Array(0...right.count)
        for (i, a) in left.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: right.count)
            for (j, b) in right.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (a == b ? 0 : 1))
            }
            previous = current
        }
        return previous[right.count]
    }
}
