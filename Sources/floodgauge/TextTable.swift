/// Columns for people: a header, each column as wide as its widest cell, two spaces apart.
struct TextTable {
    private let header: [String]
    /// Columns of numbers, aligned on the right so their digits line up.
    private let rightAligned: Set<Int>
    private var rows: [[String]] = []

    init(header: [String], rightAligned: Set<Int> = []) {
        self.header = header
        self.rightAligned = rightAligned
    }

    mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "a row has one cell per column")
        rows.append(row)
    }

    /// The header line first, then one line per row, with no trailing blanks.
    var lines: [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            let cells = row.indices.map { column -> String in
                let padding = String(repeating: " ", count: widths[column] - row[column].count)
                return rightAligned.contains(column) ? padding + row[column] : row[column] + padding
            }
            return String(cells.joined(separator: "  ").reversed().drop { $0 == " " }.reversed())
        }
    }
}
