import SceneForgeImaging

/// Turns theme and thumbnail colours into curses colour numbers for what the terminal has:
/// direct colour, 256, 16 or 8 colours (nearest by squared sRGB distance).
struct ColorMapper {
    let colors: Int

    func number(_ color: TerminalColor) -> Int32 {
        switch color {
        case .default: return -1
        case .indexed(let i):
            if Int(i) < colors { return Int32(i) }
            return nearest(TerminalPalette.xterm256Color(i))
        case .rgb(let c):
            if colors >= 1 << 24 { return Int32(c.r) << 16 | Int32(c.g) << 8 | Int32(c.b) }
            return nearest(c)
        }
    }

    private func nearest(_ c: RGB) -> Int32 {
        let count = min(colors, 256)
        guard count > 0 else { return -1 }
        if count >= 256 { return Int32(Self.xterm256Index(c)) }
        var best = 0, bestDistance = Int.max
        for i in 0..<min(count, 16) {
            let p = TerminalPalette.xterm256Color(UInt8(i))
            let d = sq(Int(p.r) - Int(c.r)) + sq(Int(p.g) - Int(c.g)) + sq(Int(p.b) - Int(c.b))
            if d < bestDistance { best = i; bestDistance = d }
        }
        return Int32(best)
    }

    /// The nearer of the 6x6x6 cube colour and the grey ramp entry.
    static func xterm256Index(_ c: RGB) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func level(_ v: UInt8) -> Int { levels.enumerated().min { abs($0.element - Int(v)) < abs($1.element - Int(v)) }?.offset ?? 0 }
        let (r, g, b) = (level(c.r), level(c.g), level(c.b))
        let cube = 16 + 36 * r + 6 * g + b
        let cubeDistance = sq(levels[r] - Int(c.r)) + sq(levels[g] - Int(c.g)) + sq(levels[b] - Int(c.b))
        let average = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
        let grey = min(23, max(0, (average - 8 + 5) / 10))
        let greyValue = 8 + grey * 10
        let greyDistance = sq(greyValue - Int(c.r)) + sq(greyValue - Int(c.g)) + sq(greyValue - Int(c.b))
        return greyDistance < cubeDistance ? 232 + grey : cube
    }
}

private func sq(_ v: Int) -> Int { v * v }
