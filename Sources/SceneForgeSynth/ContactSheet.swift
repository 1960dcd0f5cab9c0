import SceneForgeImaging

/// Tiles images into one grid image, for looking at many renders at once.
public enum ContactSheet {
    /// `rows` of images (each row may differ in length), `gap` pixels apart on `background`.
    /// Every tile is placed at its own size in a cell as large as the largest image.
    public static func make(_ rows: [[RGBAImage]], gap: Int = 6, background: (UInt8, UInt8, UInt8) = (40, 40, 44)) throws -> RGBAImage {
        let tiles = rows.flatMap { $0 }
        guard !tiles.isEmpty else { throw SynthError("contact sheet: no images") }
        let cellW = tiles.map(\.width).max() ?? 1, cellH = tiles.map(\.height).max() ?? 1
        let columns = rows.map(\.count).max() ?? 1
        let width = gap + columns * (cellW + gap), height = gap + rows.count * (cellH + gap)
        var pixels = [UInt8](repeating: 255, count: width * height * 4)
        for i in 0..<(width * height) {
            pixels[i * 4] = background.0
            pixels[i * 4 + 1] = background.1
            pixels[i * 4 + 2] = background.2
        }
        for (r, row) in rows.enumerated() {
            for (c, tile) in row.enumerated() {
                let x0 = gap + c * (cellW + gap), y0 = gap + r * (cellH + gap)
                for y in 0..<tile.height {
                    let src = y * tile.width * 4
                    let dst = ((y0 + y) * width + x0) * 4
                    pixels.replaceSubrange(dst..<dst + tile.width * 4, with: tile.pixels[src..<src + tile.width * 4])
                }
            }
        }
        return try RGBAImage(width: width, height: height, pixels: pixels)
    }
}
