/// The terminal palettes thumbnails are quantised to, with nearest-colour search in OKLab.
public struct TerminalPalette: Sendable {
    /// Palette index -> colour; `indices[i]` is the SGR index of `colors[i]`.
    public let colors: [RGB]
    public let indices: [UInt8]
    let linear: [LinearRGB]
    let lab: [OKLab]

    init(colors: [RGB], indices: [UInt8]) {
        self.colors = colors
        self.indices = indices
        linear = colors.map(SRGB.linear)
        lab = linear.map(OKLab.init)
    }

    /// xterm's default 16 colours. Terminals let users theme these, so they are approximate.
    public static let ansi16Colors: [RGB] = [
        RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
        RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
        RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
        RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
    ]

    /// xterm 256-colour index -> colour (16-231: 6x6x6 cube, 232-255: grey ramp).
    public static func xterm256Color(_ index: UInt8) -> RGB {
        let i = Int(index)
        if i < 16 { return ansi16Colors[i] }
        if i >= 232 { let v = UInt8(8 + 10 * (i - 232)); return RGB(v, v, v) }
        let levels: [UInt8] = [0, 95, 135, 175, 215, 255]
        let c = i - 16
        return RGB(levels[c / 36], levels[(c / 6) % 6], levels[c % 6])
    }

    public static let ansi16 = TerminalPalette(colors: ansi16Colors, indices: Array(0..<16))

    /// Only indices 16-255: their colours are fixed by convention, unlike the themable first 16.
    public static let xterm256 = TerminalPalette(
        colors: (16...255).map { xterm256Color(UInt8($0)) }, indices: (16...255).map { UInt8($0) })

    /// Position in `colors` of the perceptually nearest entry. Lightness differences count
    /// twice: at thumbnail scale the eye resolves lightness much better than hue, and it
    /// raised luma SSIM against chafa by 0.01-0.02 for ~1/255 more mean colour error
    /// (docs/benchmarks.md).
    func nearest(_ c: LinearRGB, lightnessWeight: Float = 2) -> Int {
        let target = OKLab(c.clamped)
        var best = 0
        var bestDistance = Float.infinity
        for i in lab.indices {
            let d = lab[i].distanceSquared(target, lightnessWeight: lightnessWeight)
            if d < bestDistance { bestDistance = d; best = i }
        }
        return best
    }
}
