/// Text in left-aligned columns: each column as wide as its widest cell (in characters), cells padded with spaces.
/// The one column layout of the text outputs: the report's table lays out its columns with it (and adds colour and
/// wrapping), the history's listings are whole tables of it (``render(header:rows:)``).
public enum TextTable {
    /// What separates two columns.
    public static let separator = "  "

    /// Each column's width: the count of its widest cell (rows may have fewer cells than others).
    public static func columnWidths(_ rows: [[String]]) -> [Int] {
        var widths: [Int] = []
        for row in rows {
            for (column, cell) in row.enumerated() {
                if column == widths.count { widths.append(0) }
                widths[column] = max(widths[column], cell.count)
            }
        }
        return widths
    }

    /// `cell` followed by spaces up to `width` characters (as it is when it is that long or longer).
    public static func padded(_ cell: String, to width: Int) -> String {
        cell.count >= width ? cell : cell + String(repeating: " ", count: width - cell.count)
    }

    /// A header and rows as lines, columns separated by two spaces; the last column is not padded. Every row cell is
    /// made inert (``InertText``): names and ids come from cloud APIs and saved folders, and one row is one line.
    public static func render(header: [String], rows: [[String]]) -> String {
        let rows = rows.map { $0.map(InertText.escaped) }
        let widths = columnWidths([header] + rows)
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column < cells.count - 1 ? padded(cell, to: widths[column]) : cell
            }.joined(separator: separator)
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
