/// A multi-line text field: characters (graphemes) with a cursor, word jumps, a kill buffer for
/// cut and paste, and undo. Display columns come from `CellWidth`, so CJK text lines up.
public struct TextEditor: Equatable, Sendable {
    public private(set) var characters: [Character]
    /// Index into `characters` (0...count): the cursor sits before that character.
    public private(set) var cursor: Int
    /// The last cut text, for `paste()`.
    public private(set) var killBuffer: String = ""
    private var undoStack: [Snapshot] = []
    /// True while consecutive typing is merged into one undo step.
    private var typingRun = false
    public var maxUndo = 200

    struct Snapshot: Equatable, Sendable {
        var characters: [Character]
        var cursor: Int
    }

    public init(text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }
    public var isEmpty: Bool { characters.isEmpty }
    public var canUndo: Bool { !undoStack.isEmpty }

    public mutating func setText(_ text: String) {
        remember()
        characters = Array(text)
        cursor = characters.count
    }

    // MARK: Editing

    public mutating func insert(_ text: String) {
        let new = Array(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n"))
        guard !new.isEmpty else { return }
        // A single typed character extends the current undo step; a paste is a step of its own.
        if new.count == 1, new[0] != "\n" {
            if !typingRun { remember(); typingRun = true }
        } else {
            remember()
        }
        characters.insert(contentsOf: new, at: cursor)
        cursor += new.count
    }

    public mutating func backspace() {
        guard cursor > 0 else { return }
        remember()
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
        remember()
        characters.remove(at: cursor)
    }

    public mutating func deleteWordBackward() {
        let start = wordStart(before: cursor)
        guard start < cursor else { return }
        remember()
        killBuffer = String(characters[start..<cursor])
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    /// Cuts from the cursor to the end of the line (or the newline itself at a line end).
    public mutating func cutToLineEnd() {
        var end = cursor
        while end < characters.count, characters[end] != "\n" { end += 1 }
        if end == cursor, end < characters.count { end += 1 }
        guard end > cursor else { return }
        remember()
        killBuffer = String(characters[cursor..<end])
        characters.removeSubrange(cursor..<end)
    }

    public mutating func paste() {
        guard !killBuffer.isEmpty else { return }
        let text = killBuffer
        remember()
        typingRun = false
        characters.insert(contentsOf: Array(text), at: cursor)
        cursor += text.count
    }

    public mutating func undo() {
        guard let last = undoStack.popLast() else { return }
        characters = last.characters
        cursor = min(last.cursor, characters.count)
        typingRun = false
    }

    // MARK: Movement

    public mutating func moveLeft() { endRun(); cursor = max(0, cursor - 1) }
    public mutating func moveRight() { endRun(); cursor = min(characters.count, cursor + 1) }
    public mutating func moveWordLeft() { endRun(); cursor = wordStart(before: cursor) }

    public mutating func moveWordRight() {
        endRun()
        var i = cursor
        while i < characters.count, !Self.isWordCharacter(characters[i]) { i += 1 }
        while i < characters.count, Self.isWordCharacter(characters[i]) { i += 1 }
        cursor = i
    }

    public mutating func moveLineStart() {
        endRun()
        while cursor > 0, characters[cursor - 1] != "\n" { cursor -= 1 }
    }

    public mutating func moveLineEnd() {
        endRun()
        while cursor < characters.count, characters[cursor] != "\n" { cursor += 1 }
    }

    /// Moves one wrapped row up or down in a field `width` columns wide, keeping the column.
    public mutating func moveVertically(_ delta: Int, width: Int) {
        endRun()
        let rows = wrappedRows(width: width)
        let (row, column) = position(in: rows)
        let target = min(max(row + delta, 0), rows.count - 1)
        guard target != row else {
            cursor = delta < 0 ? rows[0].start : characters.count
            return
        }
        let line = rows[target]
        var index = line.start, used = 0
        while index < line.end {
            let w = CellWidth.of(characters[index])
            if used + w > column { break }
            used += w
            index += 1
        }
        cursor = index
    }

    // MARK: Layout

    /// A row of the field after soft wrapping: `characters[start..<end]`, newline excluded.
    public struct Row: Equatable, Sendable {
        public var start: Int
        public var end: Int
    }

    /// Rows of at most `width` columns; breaks at newlines, else at the last space that fits, else anywhere
    /// (CJK text has no spaces).
    public func wrappedRows(width: Int) -> [Row] {
        let width = max(2, width)
        var rows: [Row] = []
        var start = 0, used = 0, lastSpace: Int?
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if c == "\n" {
                rows.append(Row(start: start, end: i))
                start = i + 1; used = 0; lastSpace = nil
                i += 1
                continue
            }
            let w = CellWidth.of(c)
            // Keep one column free at the end of a row for the cursor.
            if used + w > width - 1 {
                if let space = lastSpace, space > start {
                    rows.append(Row(start: start, end: space + 1))
                    start = space + 1
                } else {
                    rows.append(Row(start: start, end: i))
                    start = i
                }
                used = characters[start..<i].reduce(0) { $0 + CellWidth.of($1) }
                lastSpace = nil
                continue
            }
            if c == " " { lastSpace = i }
            used += w
            i += 1
        }
        rows.append(Row(start: start, end: characters.count))
        return rows
    }

    /// The cursor's wrapped row and display column.
    public func position(in rows: [Row]) -> (row: Int, column: Int) {
        for (index, row) in rows.enumerated() {
            let isLast = index == rows.count - 1
            let nextStart = isLast ? Int.max : rows[index + 1].start
            if cursor >= row.start, cursor <= row.end, cursor < nextStart || isLast {
                let column = characters[row.start..<cursor].reduce(0) { $0 + CellWidth.of($1) }
                return (index, column)
            }
        }
        return (max(0, rows.count - 1), 0)
    }

    public func string(of row: Row) -> String { String(characters[row.start..<row.end]) }

    // MARK: Helpers

    private mutating func remember() {
        undoStack.append(Snapshot(characters: characters, cursor: cursor))
        if undoStack.count > maxUndo { undoStack.removeFirst(undoStack.count - maxUndo) }
        typingRun = false
    }

    private mutating func endRun() { typingRun = false }

    private func wordStart(before index: Int) -> Int {
        var i = index
        while i > 0, !Self.isWordCharacter(characters[i - 1]) { i -= 1 }
        while i > 0, Self.isWordCharacter(characters[i - 1]) { i -= 1 }
        return i
    }

    /// Letters and digits form words; CJK ideographs each count as letters, so a word jump over
    /// Chinese text goes to the next punctuation or space.
    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    public static func == (a: TextEditor, b: TextEditor) -> Bool { a.characters == b.characters && a.cursor == b.cursor }
}
