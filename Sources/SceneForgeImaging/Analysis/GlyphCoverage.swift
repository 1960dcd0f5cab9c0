/// Which part of a cell a glyph paints with the foreground colour, as rectangles in unit
/// cell coordinates (x right, y down). Used to turn terminal text back into pixels.
enum GlyphCoverage {
    struct Rect { let x0: Double, x1: Double, y0: Double, y1: Double }

    /// nil for glyphs whose shape is not a block element (letters, box drawing...).
    static func rects(_ glyph: Character) -> [Rect]? {
        if let known = table[glyph] { return known }
        guard let scalar = glyph.unicodeScalars.first, glyph.unicodeScalars.count == 1 else { return nil }
        let v = scalar.value
        switch v {
        case 0x2581...0x2587:  // lower one eighth ... lower seven eighths
            return [Rect(x0: 0, x1: 1, y0: 1 - Double(v - 0x2580) / 8, y1: 1)]
        case 0x2589...0x258F:  // left seven eighths ... left one eighth
            return [Rect(x0: 0, x1: Double(0x2590 - v) / 8, y0: 0, y1: 1)]
        case 0x1FB00...0x1FB3B:
            var offset = Int(v - 0x1FB00) + 1
            if offset >= 21 { offset += 1 }
            if offset >= 42 { offset += 1 }
            return sextantRects(offset)
        default: return nil
        }
    }

    /// Shades paint a uniform fraction of the cell.
    static func shade(_ glyph: Character) -> Double? {
        switch glyph {
        case "░": return 0.25
        case "▒": return 0.5
        case "▓": return 0.75
        default: return nil
        }
    }

    static func sextantRects(_ mask: Int) -> [Rect] {
        (0..<6).filter { mask & (1 << $0) != 0 }.map { j in
            let x = Double(j % 2) / 2, y = Double(j / 2) / 3
            return Rect(x0: x, x1: x + 0.5, y0: y, y1: y + 1.0 / 3)
        }
    }

    private static let table: [Character: [Rect]] = {
        var t: [Character: [Rect]] = [" ": [], "█": [Rect(x0: 0, x1: 1, y0: 0, y1: 1)],
                                       "▔": [Rect(x0: 0, x1: 1, y0: 0, y1: 0.125)],
                                       "▕": [Rect(x0: 0.875, x1: 1, y0: 0, y1: 1)]]
        for (mask, glyph) in BlockGlyphs.quadrants.enumerated() {
            t[glyph] = (0..<4).filter { mask & (1 << $0) != 0 }.map { j in
                let x = Double(j % 2) / 2, y = Double(j / 2) / 2
                return Rect(x0: x, x1: x + 0.5, y0: y, y1: y + 0.5)
            }
        }
        return t
    }()

    /// Fraction of sub-cell (sx, sy) of a gx x gy grid covered by the glyph (0.5 when unknown).
    static func coverage(_ glyph: Character, sx: Int, sy: Int, gx: Int, gy: Int) -> (value: Double, known: Bool) {
        if let s = shade(glyph) { return (s, true) }
        guard let rects = rects(glyph) else { return (0.5, false) }
        let cx0 = Double(sx) / Double(gx), cx1 = Double(sx + 1) / Double(gx)
        let cy0 = Double(sy) / Double(gy), cy1 = Double(sy + 1) / Double(gy)
        var area = 0.0
        for r in rects {
            area += max(0, min(cx1, r.x1) - max(cx0, r.x0)) * max(0, min(cy1, r.y1) - max(cy0, r.y0))
        }
        return (area / ((cx1 - cx0) * (cy1 - cy0)), true)
    }
}
