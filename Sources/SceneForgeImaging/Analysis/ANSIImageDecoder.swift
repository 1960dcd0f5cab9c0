/// Turns terminal text with SGR colour escapes (SceneForge's or another tool's, e.g. chafa's)
/// back into pixels: every cell becomes a gx x gy block in which each sub-pixel mixes the
/// cell's foreground and background (in linear light) by how much of it the glyph covers.
public struct ANSIImageDecoder {
    /// Colours for SGR 39/49 (the terminal's defaults).
    public var defaultForeground = RGB(229, 229, 229)
    public var defaultBackground = RGB(0, 0, 0)

    public init() {}

    public struct Result {
        public let columns: Int
        public let rows: Int
        public let image: RGBAImage
        /// Cells whose glyph is not a block element (drawn as a 50% mix).
        public let unknownGlyphs: Int
    }

    public func decode(_ text: String, grid: (x: Int, y: Int)) throws -> Result {
        let cellRows = parseCells(text)
        let columns = cellRows.map(\.count).max() ?? 0
        let rows = cellRows.count
        guard columns > 0, rows > 0 else { throw ImagingError.invalidImage("terminal text has no cells") }
        let width = columns * grid.x, height = rows * grid.y
        var pixels = [UInt8](repeating: 255, count: width * height * 4)
        var unknown = 0
        for (y, row) in cellRows.enumerated() {
            for x in 0..<columns {
                let cell = x < row.count ? row[x] : TerminalCell(glyph: " ", foreground: .default, background: .default)
                let fg = SRGB.linear(cell.foreground.rgb ?? defaultForeground)
                let bg = SRGB.linear(cell.background.rgb ?? defaultBackground)
                for sy in 0..<grid.y {
                    for sx in 0..<grid.x {
                        let (cover, known) = GlyphCoverage.coverage(cell.glyph, sx: sx, sy: sy, gx: grid.x, gy: grid.y)
                        if !known, sx == 0, sy == 0 { unknown += 1 }
                        let c = SRGB.rgb(fg * Float(cover) + bg * Float(1 - cover))
                        let i = ((y * grid.y + sy) * width + x * grid.x + sx) * 4
                        pixels[i] = c.r; pixels[i + 1] = c.g; pixels[i + 2] = c.b
                    }
                }
            }
        }
        return Result(columns: columns, rows: rows, image: try RGBAImage(width: width, height: height, pixels: pixels),
                      unknownGlyphs: unknown)
    }

    /// Cells per line, applying SGR 0, 7/27 (reverse), 30-37, 39, 40-47, 49, 90-97, 100-107,
    /// 38/48;5;n and 38/48;2;r;g;b. Other escape sequences are skipped.
    public func parseCells(_ text: String) -> [[TerminalCell]] {
        var rows: [[TerminalCell]] = [[]]
        var fg = TerminalColor.default, bg = TerminalColor.default, reverse = false
        let scalars = Array(text.unicodeScalars)
        var i = 0
        var pendingGlyph = String.UnicodeScalarView()
        func flush() {
            guard !pendingGlyph.isEmpty else { return }
            for ch in String(pendingGlyph) {
                rows[rows.count - 1].append(TerminalCell(glyph: ch, foreground: reverse ? bg : fg, background: reverse ? fg : bg))
            }
            pendingGlyph = String.UnicodeScalarView()
        }
        while i < scalars.count {
            let s = scalars[i]
            if s == "\u{1B}" {
                flush()
                i += 1
                guard i < scalars.count else { break }
                if scalars[i] == "[" {
                    var j = i + 1
                    while j < scalars.count, !(0x40...0x7E).contains(scalars[j].value) { j += 1 }
                    guard j < scalars.count else { break }
                    if scalars[j] == "m" {
                        let params = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
                        applySGR(params, fg: &fg, bg: &bg, reverse: &reverse)
                    }
                    i = j + 1
                } else if scalars[i] == "]" {  // OSC: skip to BEL or ST
                    while i < scalars.count, scalars[i] != "\u{07}", !(scalars[i] == "\\" && scalars[i - 1] == "\u{1B}") { i += 1 }
                    i += 1
                } else {
                    i += 1  // two-byte escape (ESC 7, ESC 8, ...)
                }
            } else if s == "\n" {
                flush()
                rows.append([])
                i += 1
            } else if s == "\r" || s.value < 0x20 {
                flush()
                i += 1
            } else {
                pendingGlyph.append(s)
                i += 1
            }
        }
        flush()
        while let last = rows.last, last.isEmpty { rows.removeLast() }
        return rows
    }

    private func applySGR(_ params: String, fg: inout TerminalColor, bg: inout TerminalColor, reverse: inout Bool) {
        let codes = params.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
        var k = 0
        while k < codes.count {
            let c = codes[k]
            switch c {
            case 0: fg = .default; bg = .default; reverse = false
            case 7: reverse = true
            case 27: reverse = false
            case 30...37: fg = .indexed(UInt8(c - 30))
            case 90...97: fg = .indexed(UInt8(c - 90 + 8))
            case 39: fg = .default
            case 40...47: bg = .indexed(UInt8(c - 40))
            case 100...107: bg = .indexed(UInt8(c - 100 + 8))
            case 49: bg = .default
            case 38, 48:
                var color: TerminalColor?
                if k + 2 < codes.count, codes[k + 1] == 5 {
                    color = .indexed(UInt8(clamping: codes[k + 2])); k += 2
                } else if k + 4 < codes.count, codes[k + 1] == 2 {
                    color = .rgb(RGB(UInt8(clamping: codes[k + 2]), UInt8(clamping: codes[k + 3]), UInt8(clamping: codes[k + 4]))); k += 4
                }
                if let color { if c == 38 { fg = color } else { bg = color } }
            default: break
            }
            k += 1
        }
    }
}
