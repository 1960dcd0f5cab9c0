/// Text drawn as strokes, the way an edge detector sees a line of text: one horizontal bar per
/// word (Latin words by spaces, CJK in runs of up to four characters), lengths proportional to the
/// text's display width, so different strings give different, deterministic patterns.
enum TextStrokes {
    /// Word lengths in display units (a CJK character counts 2, others 1).
    static func wordUnits(_ text: String) -> [Int] {
        var words: [Int] = []
        var latin = 0
        var wideRun = 0
        func flushLatin() { if latin > 0 { words.append(latin); latin = 0 } }
        func flushWide() { if wideRun > 0 { words.append(wideRun * 2); wideRun = 0 } }
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                flushLatin()
                flushWide()
            } else if scalar.isEastAsianWide {
                flushLatin()
                wideRun += 1
                if wideRun == 4 { flushWide() }
            } else {
                flushWide()
                latin += 1
            }
        }
        flushLatin()
        flushWide()
        return words
    }

    /// Display width of the text in units (words plus one unit per gap).
    static func totalUnits(_ words: [Int]) -> Int { words.reduce(0, +) + max(words.count - 1, 0) }

    /// Draws `words` left to right in `rect`'s horizontal extent, scaled to fill it, as bars of
    /// `thickness` rows centred vertically in `rect`.
    static func draw(words: [Int], in rect: PixelRect, thickness: Int, on canvas: inout Canvas, color: [UInt8]) {
        let bar = max(1, min(thickness, rect.h))
        let top = rect.y + (rect.h - bar) / 2
        let segments = words.isEmpty ? [1] : words
        let scale = Double(rect.w) / Double(totalUnits(segments))
        var cursor = 0
        for (index, units) in segments.enumerated() {
            let start = rect.x + Int((Double(cursor) * scale).rounded())
            cursor += units
            let end = max(start + 1, rect.x + Int((Double(cursor) * scale).rounded()))
            for row in top..<top + bar { canvas.fill(row: row, columns: start..<end, color: color) }
            if index < segments.count - 1 { cursor += 1 }
        }
    }
}
