/// Text drawn as text-like glyphs: one block per character (CJK a square, Latin narrower), built
/// from a few random strokes, so a line reads as writing at a glance without a font. Lines under
/// nine pixels tall draw each word as one rounded bar, which is what text looks like at
/// that size anyway.
enum GlyphText {
    enum Alignment { case leading, centre }

    /// One character cell: its advance in ems, and whether it is a full-width (CJK) glyph.
    struct Cell {
        var advance: Double
        var isWide: Bool
        var isSpace: Bool
    }

    static func cells(_ text: String) -> [Cell] {
        var cells: [Cell] = []
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                cells.append(Cell(advance: 0.4, isWide: false, isSpace: true))
            } else if scalar.isEastAsianWide {
                cells.append(Cell(advance: 1.0, isWide: true, isSpace: false))
            } else {
                cells.append(Cell(advance: 0.58, isWide: false, isSpace: false))
            }
        }
        return cells
    }

    /// Draws `text` (or, when nil or empty, a random run of glyphs) in `frame`. `keep` trims the
    /// line to a fraction of its characters (content lines vary in length); `weight` scales the
    /// stroke width (1 regular, 1.6 bold).
    static func draw(
        _ text: String?, in frame: Frame, colour: Colour, alignment: Alignment = .leading, weight: Double = 1,
        keep: Double = 1, rng: inout SeededRandom, on surface: Surface
    ) {
        guard !frame.isEmpty else { return }
        var line = cells(text ?? "")
        if line.isEmpty {
            let count = rng.int(4...12)
            line = (0..<count).map { _ in Cell(advance: 1, isWide: true, isSpace: false) }
        }
        if keep < 1 {
            let count = max(2, Int((Double(line.count) * keep).rounded()))
            line = Array(line.prefix(count))
        }
        while line.last?.isSpace == true { line.removeLast() }
        let em = frame.height
        let natural = line.reduce(0) { $0 + $1.advance } * em
        // Too long for the box: squeeze horizontally, as a real app would use a smaller font.
        let squeeze = natural > frame.width ? frame.width / natural : 1
        let total = natural * squeeze
        var x = alignment == .centre ? frame.midX - total / 2 : frame.x0
        let small = em < 9
        var wordStart: Double?
        for (index, cell) in line.enumerated() {
            let advance = cell.advance * em * squeeze
            if small {
                if !cell.isSpace && wordStart == nil { wordStart = x }
                let wordEnds = cell.isSpace || index == line.count - 1
                if wordEnds, let start = wordStart {
                    let end = cell.isSpace ? x : x + advance * 0.92
                    let bar = Frame(x0: start, y0: frame.midY - em * 0.36, x1: end, y1: frame.midY + em * 0.36)
                    surface.fill(bar, radius: em * 0.15, colour, alpha: 0.9)
                    wordStart = nil
                }
            } else if !cell.isSpace {
                glyph(in: Frame(x0: x, y0: frame.y0, x1: x + advance, y1: frame.y1), wide: cell.isWide,
                      weight: weight, colour: colour, rng: &rng, on: surface)
            }
            x += advance
        }
    }

    /// One glyph from random strokes: wide glyphs get two or three horizontals and one or two
    /// verticals (radical-like), narrow ones a stem and a bowl or bar.
    private static func glyph(in cell: Frame, wide: Bool, weight: Double, colour: Colour, rng: inout SeededRandom, on surface: Surface) {
        let box = cell.inset(dx: cell.width * 0.08, dy: cell.height * 0.1)
        let stroke = max(1, box.height * 0.12 * weight)
        func hBar(_ fy: Double, _ fx0: Double, _ fx1: Double) {
            let y = box.y0 + fy * (box.height - stroke)
            surface.fill(Frame(x0: box.x0 + fx0 * box.width, y0: y, x1: box.x0 + fx1 * box.width, y1: y + stroke), colour)
        }
        func vBar(_ fx: Double, _ fy0: Double, _ fy1: Double) {
            let x = box.x0 + fx * (box.width - stroke)
            surface.fill(Frame(x0: x, y0: box.y0 + fy0 * box.height, x1: x + stroke, y1: box.y0 + fy1 * box.height), colour)
        }
        let pattern = rng.next()
        if wide {
            hBar(0, pattern & 1 == 0 ? 0 : 0.2, 1)
            if pattern & 2 != 0 { hBar(0.5, 0.1, 0.9) }
            hBar(1, 0, pattern & 4 == 0 ? 1 : 0.7)
            vBar(pattern & 8 == 0 ? 0.5 : 0.15, 0, 1)
            if pattern & 16 != 0 { vBar(0.85, 0.3, 1) }
            if pattern & 32 != 0 { surface.line(box.x0, box.y1, box.midX, box.midY, width: stroke, colour) }
        } else {
            let xHeight = 0.38
            if pattern & 1 == 0 {
                vBar(pattern & 2 == 0 ? 0 : 1, pattern & 4 == 0 ? 0 : xHeight, 1)
            }
            let bowl = Frame(x0: box.x0, y0: box.y0 + box.height * xHeight, x1: box.x1, y1: box.y1)
            if pattern & 8 == 0 {
                let r = bowl.shortSide / 2
                surface.ring(centreX: bowl.midX, centreY: bowl.midY, radius: r, thickness: min(stroke, r), colour)
            } else {
                hBar(xHeight, 0, 1)
                hBar(1, 0, 1)
            }
        }
    }
}
