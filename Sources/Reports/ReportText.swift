import Audit

/// Escaping and small text helpers shared by the report renderers (and the `serve` dashboard).
public enum ReportText {
    /// Text for XML character data and attribute values: markup characters escaped, characters XML 1.0 forbids
    /// (C0 controls other than tab, newline and carriage return; U+FFFE, U+FFFF) replaced by U+FFFD.
    static func xml(_ text: String, attribute: Bool = false) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            case "\n" where attribute: output += "&#10;"
            case "\r": output += "&#13;"  // a raw CR would be read back as LF (XML end-of-line handling)
            case "\t" where attribute: output += "&#9;"
            case "\t", "\n": output.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    output += "\u{FFFD}"
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }

    /// Text for HTML content and quoted attribute values. Markup characters become entities; control characters
    /// (but newline and tab), C1 controls and the bidirectional overrides become visible escapes (``InertText``), so
    /// a name cannot reorder or hide what the page shows next to it.
    public static func html(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            case "\n", "\t": output.unicodeScalars.append(scalar)
            default:
                if InertText.isActive(scalar) {
                    output += InertText.escaped(String(scalar))
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }

    /// A path as a SARIF `uri`: relative paths stay relative, absolute ones become `file://` URIs; every character
    /// outside RFC 3986's unreserved set and `/` is percent-encoded (UTF-8).
    static func uri(forPath path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }

    /// `file:line:column`.
    static func text(_ location: SourceLocation) -> String {
        "\(location.file):\(location.line):\(location.column)"
    }

    /// Where a finding points: `file:line:column` for infrastructure code, else `cluster/<region>/<cluster id>`.
    static func place(_ finding: Finding) -> String {
        if let location = finding.location { return text(location) }
        return logicalName(finding)
    }

    /// The logical location of a cluster finding: `cluster/<region>/<cluster id>`.
    static func logicalName(_ finding: Finding) -> String {
        "cluster/\(finding.regionId)/\(finding.clusterId)"
    }

    /// Warnings as one line: `code: message; code: message`.
    static func warnings(_ finding: Finding) -> String {
        finding.warnings.map { "\($0.code.rawValue): \($0.message)" }.joined(separator: "; ")
    }
}
