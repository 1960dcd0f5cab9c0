import SceneForgeImaging

/// One terminal cell of the screen model. A wide character occupies its cell (width 2) and the
/// next one, which holds an empty `text` and width 0 (a continuation).
public struct ScreenCell: Equatable, Sendable {
    public var text: String
    public var width: Int
    public var style: CellStyle

    public static let blank = ScreenCell(text: " ", width: 1, style: .plain)
    public var isContinuation: Bool { width == 0 }
}

/// The in-memory screen every widget draws into; the terminal backend copies it out, and tests
/// read it without a terminal.
public struct ScreenBuffer: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [ScreenCell]
    /// Where the terminal cursor should be shown (a text field being edited), if anywhere.
    public var cursor: (x: Int, y: Int)? {
        get { cursorX.map { ($0, cursorY) } }
        set { cursorX = newValue?.x; cursorY = newValue?.y ?? 0 }
    }
    private var cursorX: Int?
    private var cursorY = 0

    public init(width: Int, height: Int, style: CellStyle = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: ScreenCell(text: " ", width: 1, style: style), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> ScreenCell {
        guard x >= 0, y >= 0, x < width, y < height else { return .blank }
        return cells[y * width + x]
    }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// Writes `text` from (x, y), clipped to `maxX` (exclusive) and the screen; returns the column after it.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle, maxX: Int? = nil) -> Int {
        let limit = min(maxX ?? width, width)
        var column = x
        guard y >= 0, y < height else { return column }
        for character in text {
            if character == "\n" || character == "\r" || character == "\t" {
                if column < limit, column >= 0 { set(column, y, ScreenCell(text: " ", width: 1, style: style)) }
                column += 1
                continue
            }
            let w = CellWidth.of(character)
            if w == 0 { continue }
            if column + w > limit { break }
            if column >= 0 {
                set(column, y, ScreenCell(text: String(character), width: w, style: style))
                if w == 2 { set(column + 1, y, ScreenCell(text: "", width: 0, style: style)) }
            }
            column += w
        }
        return column
    }

    /// Writes one cell's grapheme and style as given (thumbnails).
    public mutating func putCell(_ glyph: Character, x: Int, y: Int, style: CellStyle) {
        put(String(glyph), x: x, y: y, style: style, maxX: x + 2)
    }

    public mutating func fill(_ rect: Rect, style: CellStyle, character: String = " ") {
        for y in rect.y..<rect.maxY where y >= 0 && y < height {
            for x in rect.x..<rect.maxX where x >= 0 && x < width {
                set(x, y, ScreenCell(text: character, width: 1, style: style))
            }
        }
    }

    /// Changes the style of cells in `rect`, keeping their text (selection highlights).
    public mutating func restyle(_ rect: Rect, _ change: (inout CellStyle) -> Void) {
        for y in rect.y..<rect.maxY where y >= 0 && y < height {
            for x in rect.x..<rect.maxX where x >= 0 && x < width {
                change(&cells[y * width + x].style)
            }
        }
    }

    /// A single-line frame with an optional title in its top edge.
    public mutating func frame(_ rect: Rect, style: CellStyle, title: String? = nil, titleStyle: CellStyle? = nil, ascii: Bool = false) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let (h, v, tl, tr, bl, br) = ascii ? ("-", "|", "+", "+", "+", "+") : ("─", "│", "┌", "┐", "└", "┘")
        for x in (rect.x + 1)..<(rect.maxX - 1) {
            put(h, x: x, y: rect.y, style: style)
            put(h, x: x, y: rect.maxY - 1, style: style)
        }
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            put(v, x: rect.x, y: y, style: style)
            put(v, x: rect.maxX - 1, y: y, style: style)
        }
        put(tl, x: rect.x, y: rect.y, style: style)
        put(tr, x: rect.maxX - 1, y: rect.y, style: style)
        put(bl, x: rect.x, y: rect.maxY - 1, style: style)
        put(br, x: rect.maxX - 1, y: rect.maxY - 1, style: style)
        if let title, rect.width > 4 {
            put(" " + CellWidth.truncate(title, to: rect.width - 4) + " ", x: rect.x + 1, y: rect.y,
                style: titleStyle ?? style, maxX: rect.maxX - 1)
        }
    }

    /// The text of row `y`, continuation cells skipped (what a person would read).
    public func line(_ y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        return (0..<width).map { self[$0, y].text }.joined()
    }

    /// Every row joined by newlines, trailing spaces trimmed (for tests and docs).
    public var text: String {
        (0..<height).map { line($0).replacingTrailingSpaces() }.joined(separator: "\n")
    }

    private mutating func set(_ x: Int, _ y: Int, _ cell: ScreenCell) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = y * width + x
        // Overwriting half of a wide character leaves a blank, never half a glyph.
        if cells[i].width == 2, cell.width != 2, x + 1 < width { cells[i + 1] = ScreenCell(text: " ", width: 1, style: cells[i].style) }
        if cells[i].width == 0, x > 0, cells[i - 1].width == 2 { cells[i - 1] = ScreenCell(text: " ", width: 1, style: cells[i - 1].style) }
        cells[i] = cell
    }

    public static func == (a: ScreenBuffer, b: ScreenBuffer) -> Bool {
        a.width == b.width && a.height == b.height && a.cells == b.cells && a.cursorX == b.cursorX && a.cursorY == b.cursorY
    }
}

extension String {
    func replacingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
