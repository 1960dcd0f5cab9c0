/// Draws the `edges` control image: white box outlines and text strokes on black, like the
/// Canny/HED/scribble conditions ControlNet Union models take.
///
/// Boxes are painted bottom to top. An opaque box first blacks out its area, so a dialog hides the
/// page edges beneath it; a backdrop (dim overlay) halves what lies beneath instead and draws no
/// outline, so the page stays visible but fainter, as it does on screen.
struct EdgesRenderer {
    let size: RasterSize
    /// Outline width: 1 px up to ~540 px wide images, 2 px at 720, 3 px from ~900 px.
    let thickness: Int

    static let white: [UInt8] = [255, 255, 255]
    static let black: [UInt8] = [0, 0, 0]

    init(size: RasterSize) {
        self.size = size
        thickness = min(max(Int((Double(min(size.width, size.height)) / 360).rounded()), 1), 3)
    }

    func render(_ layout: Layout) throws -> RasterImage {
        var canvas = Canvas(size: size, channels: 3)
        for box in layout.boxesInDrawingOrder {
            let rect = PixelRect(box.rect, in: size)
            if box.kind.isBackdrop {
                canvas.darken(rect, numerator: 128)
                continue
            }
            if box.kind == .textLine {
                TextStrokes.draw(words: TextStrokes.wordUnits(box.text ?? ""), in: rect, thickness: textThickness(rect), on: &canvas, color: Self.white)
                continue
            }
            let shape = BoxShape.of(box.kind)
            let (rx, ry) = shape.radii(for: rect)
            let outer = RoundedRectSpans(rect: rect, rx: rx, ry: ry)
            let inner = RoundedRectSpans(rect: rect, rx: rx, ry: ry, inset: Double(thickness))
            for row in rect.y..<rect.maxY {
                let outside = outer.span(row: row)
                canvas.fill(row: row, columns: outside, color: Self.black)
                let hole = inner.span(row: row)
                if hole.isEmpty {
                    canvas.fill(row: row, columns: outside, color: Self.white)
                } else {
                    canvas.fill(row: row, columns: outside.lowerBound..<hole.lowerBound, color: Self.white)
                    canvas.fill(row: row, columns: hole.upperBound..<outside.upperBound, color: Self.white)
                }
            }
            drawGlyph(of: box.kind, in: rect, on: &canvas)
            if let text = box.text, box.kind.drawsTextLabel {
                drawLabel(text, kind: box.kind, in: rect, on: &canvas)
            }
        }
        return try canvas.image()
    }

    /// Text bars are a third of the line height, never thinner than an outline.
    private func textThickness(_ rect: PixelRect) -> Int {
        max(thickness, Int((Double(rect.h) * 0.35).rounded()))
    }

    /// The inner mark that tells round kinds apart: a cross for close buttons and broken images,
    /// an exclamation mark for error icons, a gap-free inner ring for spinners.
    private func drawGlyph(of kind: BoxKind, in rect: PixelRect, on canvas: inout Canvas) {
        let (x, y, w, h) = (Double(rect.x), Double(rect.y), Double(rect.w), Double(rect.h))
        switch kind {
        case .closeButton:
            let (a, b) = (0.32, 0.68)
            canvas.line(from: (x + w * a, y + h * a), to: (x + w * b - 1, y + h * b - 1), thickness: thickness, color: Self.white)
            canvas.line(from: (x + w * b - 1, y + h * a), to: (x + w * a, y + h * b - 1), thickness: thickness, color: Self.white)
        case .imagePlaceholder:
            canvas.line(from: (x, y), to: (x + w - 1, y + h - 1), thickness: thickness, color: Self.white)
            canvas.line(from: (x + w - 1, y), to: (x, y + h - 1), thickness: thickness, color: Self.white)
        case .errorIcon:
            let stroke = PixelRect(x: Int(x + w / 2) - thickness / 2, y: Int(y + h * 0.22), w: thickness, h: max(1, Int(h * 0.38)))
            canvas.fill(stroke, color: Self.white)
            canvas.fill(PixelRect(x: stroke.x, y: Int(y + h * 0.7), w: thickness, h: thickness), color: Self.white)
        case .spinner:
            let ring = PixelRect(x: Int(x + w * 0.25), y: Int(y + h * 0.25), w: max(1, Int(w * 0.5)), h: max(1, Int(h * 0.5)))
            let spans = RoundedRectSpans(rect: ring, rx: Double(ring.w) / 2, ry: Double(ring.h) / 2)
            let hole = RoundedRectSpans(rect: ring, rx: Double(ring.w) / 2, ry: Double(ring.h) / 2, inset: Double(thickness))
            // Only the top half of the inner ring: the open arc of a spinner.
            for row in ring.y..<(ring.y + ring.h / 2) {
                let outside = spans.span(row: row), inside = hole.span(row: row)
                if inside.isEmpty {
                    canvas.fill(row: row, columns: outside, color: Self.white)
                } else {
                    canvas.fill(row: row, columns: outside.lowerBound..<inside.lowerBound, color: Self.white)
                    canvas.fill(row: row, columns: inside.upperBound..<outside.upperBound, color: Self.white)
                }
            }
        default:
            break
        }
    }

    /// A box's own text as strokes: spread over equal slots for tab bars, left-aligned in search
    /// bars (after the magnifier), centred elsewhere.
    private func drawLabel(_ text: String, kind: BoxKind, in rect: PixelRect, on canvas: inout Canvas) {
        let lineHeight = max(1, Int(Double(rect.h) * 0.4))
        let glyphWidth = Double(lineHeight) * 0.5
        let pieces: [String] = kind == .tabBar ? text.split(separator: " ").map(String.init) : [text]
        guard !pieces.isEmpty else { return }
        let slotWidth = rect.w / pieces.count
        for (index, piece) in pieces.enumerated() {
            let words = TextStrokes.wordUnits(piece)
            guard !words.isEmpty else { continue }
            let slot = PixelRect(x: rect.x + index * slotWidth, y: rect.y, w: slotWidth, h: rect.h)
            let natural = Int(Double(TextStrokes.totalUnits(words)) * glyphWidth)
            let width = max(1, min(natural, Int(Double(slot.w) * 0.8)))
            let left = kind == .searchBar ? slot.x + Int(Double(slot.w) * 0.1) : slot.x + (slot.w - width) / 2
            let line = PixelRect(x: left, y: slot.y + (slot.h - lineHeight) / 2, w: width, h: lineHeight)
            TextStrokes.draw(words: words, in: line, thickness: textThickness(line), on: &canvas, color: Self.white)
        }
    }
}
