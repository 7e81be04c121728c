/// Text from outside (cluster names and ids, API messages, evidence) made inert for a terminal or a line-based text
/// output: what could break a line, move the cursor, recolour or clear the screen, or reorder what is shown is
/// replaced by a visible escape, so one finding is always one line and the terminal only ever displays it.
///
/// Escaped: C0 controls (`\n`, `\r`, `\t` by name, the others as `\u{1b}`), DEL, C1 controls (U+0080–U+009F, which
/// some terminals execute as CSI/OSC), the bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
/// U+2066–U+2069, the "Trojan Source" characters) and the line and paragraph separators U+2028 and U+2029.
/// Everything else, `\` included, is kept as it is: the goal is that nothing acts, not a reversible encoding
/// (JSON, SARIF and the other machine formats keep exact values).
public enum InertText {
    /// `text` with every active character replaced by its visible escape.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isActive) else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            guard isActive(scalar) else {
                output.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default: output += "\\u{" + String(scalar.value, radix: 16) + "}"
            }
        }
        return output
    }

    /// `text` escaped and in double quotes, for naming a value in a message.
    public static func quoted(_ text: String) -> String {
        "\"" + escaped(text) + "\""
    }

    /// Whether a terminal could act on `scalar` rather than display it.
    public static func isActive(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        case 0x2028, 0x2029: true
        default: false
        }
    }
}

/// A word for a POSIX shell command shown to people (remediation steps): left bare when it holds only characters
/// no shell treats specially (`=` is not one of them: zsh expands a leading `=`), otherwise single-quoted with each `'` written as `'\''`. Identifiers are validated
/// where they enter; this is the second line of defence, so a pasted command never runs more than it says.
public enum ShellWord {
    public static func quoted(_ word: String) -> String {
        if !word.isEmpty, word.unicodeScalars.allSatisfy(isPlain) { return word }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }

    static func isPlain(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "/", ":", "@", "%", "+", ",": true
        default: false
        }
    }
}
