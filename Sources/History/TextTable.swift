import Audit

/// Left-aligned columns separated by two spaces; the last column is not padded. Every cell is made inert
/// (``InertText``): names and ids come from cloud APIs and saved folders, and one scan or change is one line.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let rows = rows.map { $0.map(InertText.escaped) }
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (column, cell) in cells.enumerated() {
                if column > 0 { text += "  " }
                text += cell
                if column < cells.count - 1 { text += String(repeating: " ", count: widths[column] - cell.count) }
            }
            return text
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
