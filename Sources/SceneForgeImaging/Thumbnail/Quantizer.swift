/// Maps linear-light pixels to terminal colours for a colour depth.
struct Quantizer {
    let depth: ColorDepth
    private let palette: TerminalPalette?
    private var cache: [RGB: Int] = [:]

    init(depth: ColorDepth) {
        self.depth = depth
        switch depth {
        case .palette256: palette = .xterm256
        case .palette16: palette = .ansi16
        case .truecolor, .none: palette = nil
        }
    }

    /// The colour for one pixel, and the linear colour the terminal will actually show.
    mutating func color(for c: LinearRGB) -> (TerminalColor, LinearRGB) {
        guard let palette else {
            let rgb = SRGB.rgb(c)
            return (depth == .none ? .default : .rgb(rgb), SRGB.linear(rgb))
        }
        // Nearest is looked up for the 8-bit colour: thumbnails of UI screens repeat few colours.
        let key = SRGB.rgb(c)
        let index: Int
        if let hit = cache[key] { index = hit } else { index = palette.nearest(SRGB.linear(key)); cache[key] = index }
        return (.indexed(palette.indices[index]), palette.linear[index])
    }

    /// Nearest colour for error diffusion, without caching (the input varies continuously).
    /// Plain OKLab distance here: the diffusion already corrects lightness, and a distance
    /// that favours lightness over hue lets the hue error pile up (measured: mean colour
    /// drift 0.047 vs 0.027 on a gradient).
    func exactColor(for c: LinearRGB) -> (TerminalColor, LinearRGB) {
        guard let palette else { let rgb = SRGB.rgb(c); return (.rgb(rgb), SRGB.linear(rgb)) }
        let index = palette.nearest(c, lightnessWeight: 1)
        return (.indexed(palette.indices[index]), palette.linear[index])
    }

    /// Every pixel of `image`, optionally with Floyd–Steinberg error diffusion in linear light.
    mutating func quantize(_ image: LinearImage, dither: Bool) -> [TerminalColor] {
        guard dither, palette != nil else { return image.pixels.map { color(for: $0).0 } }
        var work = image.pixels
        var out = [TerminalColor](repeating: .default, count: work.count)
        let w = image.width, h = image.height
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                let wanted = work[i].clamped
                let (terminal, shown) = exactColor(for: wanted)
                out[i] = terminal
                let error = wanted - shown
                if x + 1 < w { work[i + 1] = work[i + 1] + error * (7.0 / 16) }
                if y + 1 < h {
                    if x > 0 { work[i + w - 1] = work[i + w - 1] + error * (3.0 / 16) }
                    work[i + w] = work[i + w] + error * (5.0 / 16)
                    if x + 1 < w { work[i + w + 1] = work[i + w + 1] + error * (1.0 / 16) }
                }
            }
        }
        return out
    }
}
