/// Per-pixel features for the anomaly-region detector: colour, contrast and texture at several window
/// sizes, each measured against the page (the image's median colour), plus duplicated-row evidence.
/// Deliberately no pixel position: a detector that knew where layouts put anomalies would "find" them there
/// even in an image that shows none, and layout adherence is exactly what is being measured.
struct PixelFeatures {
    let width: Int
    let height: Int
    /// Feature-major: `planes[f][pixel]`.
    let planes: [[Float]]

    static let count = 23

    init(_ image: ColourPlanes) {
        let (w, h) = (image.width, image.height)
        let pageLuma = ColourPlanes.median(image.luma)
        let page = (ColourPlanes.median(image.red), ColourPlanes.median(image.green), ColourPlanes.median(image.blue))
        let offPage = (0..<(w * h)).map { i in
            (abs(image.red[i] - page.0) + abs(image.green[i] - page.1) + abs(image.blue[i] - page.2)) / 3
        }
        var gradient = [Float](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                let dx = x + 1 < w ? abs(image.luma[i + 1] - image.luma[i]) : 0
                let dy = y + 1 < h ? abs(image.luma[i + w] - image.luma[i]) : 0
                gradient[i] = dx + dy
            }
        }
        // Window radii as fractions of the width: a glyph, a control, a card, half the screen.
        let radii = [max(1, w / 64), max(2, w / 16), max(3, w / 5), max(4, w / 2)]
        let lumaStats = radii.map { LocalStatistics(image.luma, width: w, height: h, radius: $0) }
        let satArea = SummedArea(image.saturation, width: w, height: h)
        let offArea = SummedArea(offPage, width: w, height: h)
        let gradArea = SummedArea(gradient, width: w, height: h)
        let rows = DuplicateRows.scores(luma: image.luma, width: w, height: h)

        var base: [[Float]] = [
            image.luma, image.saturation, image.luma.map { $0 - pageLuma }, offPage,
        ]
        base += lumaStats.map { stats in stats.mean.map { $0 - pageLuma } }
        base += lumaStats.prefix(3).map(\.deviation)
        base += [satArea.means(radius: radii[1]), satArea.means(radius: radii[2])]
        base += [offArea.means(radius: radii[1]), offArea.means(radius: radii[2])]
        base += [gradArea.means(radius: radii[0]), gradArea.means(radius: radii[1])]
        base.append((0..<(w * h)).map { rows[$0 / w] })
        // Bands: a toast, a banner or a notice is a horizontal strip, a thumbnail or an icon a square; a window a
        // quarter or the whole width wide and three pixels high tells a strip from the square next to it.
        let lumaArea = SummedArea(image.luma, width: w, height: h)
        base += [w / 4, w].map { rx in lumaArea.means(rx: rx, ry: 1).map { $0 - pageLuma } }
        base += [w / 4, w].map { rx in offArea.means(rx: rx, ry: 1) }
        base.append(lumaArea.means(rx: 1, ry: w / 4).map { $0 - pageLuma })
        planes = base
        (width, height) = (w, h)
    }

    /// The feature row of one pixel.
    func row(_ pixel: Int) -> [Float] { planes.map { $0[pixel] } }
}
