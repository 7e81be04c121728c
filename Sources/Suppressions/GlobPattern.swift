/// A shell-style pattern with `*` (any run of characters, also empty) and `?` (exactly one character); every other
/// character matches itself. Matching is on Unicode characters and case-sensitive.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let characters: [Character]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.characters = Array(pattern)
    }

    public var description: String { pattern }

    /// Whether the whole of `text` matches (iterative, with backtracking to the last `*`: linear in practice).
    public func matches(_ text: String) -> Bool {
        let subject = Array(text)
        var patternIndex = 0
        var textIndex = 0
        var starIndex: Int?
        var starText = 0
        while textIndex < subject.count {
            if patternIndex < characters.count {
                let current = characters[patternIndex]
                if current == "*" {
                    starIndex = patternIndex
                    starText = textIndex
                    patternIndex += 1
                    continue
                }
                if current == "?" || current == subject[textIndex] {
                    patternIndex += 1
                    textIndex += 1
                    continue
                }
            }
            guard let star = starIndex else { return false }
            patternIndex = star + 1
            starText += 1
            textIndex = starText
        }
        while patternIndex < characters.count, characters[patternIndex] == "*" { patternIndex += 1 }
        return patternIndex == characters.count
    }
}
