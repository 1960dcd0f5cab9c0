/// Renders an image into a box of terminal cells (see `ThumbnailOptions`).
public enum ThumbnailRenderer {
    public static func render(_ image: RGBAImage, columns: Int, rows: Int, options: ThumbnailOptions = .init()) throws -> Thumbnail {
        guard columns > 0, rows > 0, columns <= 4096, rows <= 4096 else {
            throw ImagingError.invalidImage("thumbnail box \(columns)x\(rows) cells must be 1...4096 on each side")
        }
        let symbols = options.colors == .none ? .ascii : options.symbols
        let box = ThumbnailLayout.fit(imageWidth: image.width, imageHeight: image.height,
                                      columns: columns, rows: rows, cellAspect: options.cellAspect)
        let grid = symbols.grid
        let pixels = AreaResampler.resample(image, width: box.columns * grid.x, height: box.rows * grid.y,
                                            background: options.background)
        let cells: [[TerminalCell]]
        switch symbols {
        case .halfBlock: cells = halfBlocks(pixels, options: options)
        case .quadrant, .sextant: cells = twoColorBlocks(pixels, grid: grid, options: options)
        case .ascii: cells = ascii(pixels)
        }
        return Thumbnail(columns: box.columns, rows: box.rows, cells: cells)
    }

    private static func halfBlocks(_ pixels: LinearImage, options: ThumbnailOptions) -> [[TerminalCell]] {
        var quantizer = Quantizer(depth: options.colors)
        let colors = quantizer.quantize(pixels, dither: options.dither)
        let w = pixels.width
        return (0..<(pixels.height / 2)).map { row in
            (0..<w).map { x in
                TerminalCell(glyph: BlockGlyphs.upperHalf, foreground: colors[2 * row * w + x], background: colors[(2 * row + 1) * w + x])
            }
        }
    }

    /// For each cell, the split of its sub-pixels into two groups that loses the least
    /// (minimum squared error to the group means, in linear light), drawn as fg and bg.
    private static func twoColorBlocks(_ pixels: LinearImage, grid: (x: Int, y: Int), options: ThumbnailOptions) -> [[TerminalCell]] {
        var quantizer = Quantizer(depth: options.colors)
        let n = grid.x * grid.y
        let columns = pixels.width / grid.x, rows = pixels.height / grid.y
        var sub = [LinearRGB](repeating: .zero, count: n)
        return (0..<rows).map { row in
            (0..<columns).map { column in
                for j in 0..<n { sub[j] = pixels[column * grid.x + j % grid.x, row * grid.y + j / grid.x] }
                let (mask, fg, bg) = bestSplit(sub)
                let glyph = n == 4 ? BlockGlyphs.quadrants[mask] : BlockGlyphs.sextant(mask)
                let background = quantizer.color(for: bg).0
                let foreground = mask == 0 ? background : quantizer.color(for: fg).0
                return TerminalCell(glyph: glyph, foreground: foreground, background: background)
            }
        }
    }

    /// Minimising the squared error is maximising sum(|S_g|^2 / n_g) over the two groups.
    static func bestSplit(_ sub: [LinearRGB]) -> (mask: Int, fg: LinearRGB, bg: LinearRGB) {
        let n = sub.count
        let total = sub.reduce(LinearRGB.zero, +)
        func energy(_ s: LinearRGB, _ count: Int) -> Float { count == 0 ? 0 : (s.r * s.r + s.g * s.g + s.b * s.b) / Float(count) }
        var best = (mask: 0, score: energy(total, n), fg: LinearRGB.zero)
        // Masks with the last sub-pixel in the background cover every split once.
        for mask in 1..<(1 << (n - 1)) {
            var s = LinearRGB.zero, count = 0
            for j in 0..<n where mask & (1 << j) != 0 { s = s + sub[j]; count += 1 }
            let score = energy(s, count) + energy(total - s, n - count)
            if score > best.score + 1e-7 { best = (mask, score, s * (1 / Float(count))) }
        }
        let fgCount = best.mask.nonzeroBitCount
        let bg = (total - best.fg * Float(fgCount)) * (1 / Float(n - fgCount))
        return (best.mask, best.fg, bg)
    }

    private static func ascii(_ pixels: LinearImage) -> [[TerminalCell]] {
        let ramp = BlockGlyphs.asciiRamp
        return (0..<pixels.height).map { y in
            (0..<pixels.width).map { x in
                // Index by perceived lightness (sRGB-encoded luminance), not linear light.
                let lightness = SRGB.encode(min(max(pixels[x, y].luminance, 0), 1))
                let i = min(ramp.count - 1, Int(lightness * Float(ramp.count)))
                return TerminalCell(glyph: ramp[i], foreground: .default, background: .default)
            }
        }
    }
}
