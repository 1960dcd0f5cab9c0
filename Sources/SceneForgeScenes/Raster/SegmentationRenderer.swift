/// Draws the `segmentation` control image: each box filled flat with its kind's palette colour,
/// bottom to top, so every pixel shows the class of the topmost box covering it (a dim overlay
/// is a class like any other here: it is what covers the page).
struct SegmentationRenderer {
    let size: RasterSize

    func render(_ layout: Layout) throws -> RasterImage {
        var canvas = Canvas(size: size, channels: 3)
        for box in layout.boxesInDrawingOrder {
            let rect = PixelRect(box.rect, in: size)
            let color = SegmentationPalette.color(of: box.kind)
            let (rx, ry) = BoxShape.of(box.kind).radii(for: rect)
            let spans = RoundedRectSpans(rect: rect, rx: rx, ry: ry)
            for row in rect.y..<rect.maxY {
                canvas.fill(row: row, columns: spans.span(row: row), color: color)
            }
        }
        return try canvas.image()
    }
}
