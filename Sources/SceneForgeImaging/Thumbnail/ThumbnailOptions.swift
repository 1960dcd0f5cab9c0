/// How many colours the terminal can show.
public enum ColorDepth: String, Sendable, CaseIterable {
    case truecolor, palette256 = "256", palette16 = "16", none
}

/// Which glyphs a cell may use; more sub-cells show more detail with two colours per cell.
public enum SymbolSet: String, Sendable, CaseIterable {
    /// `▀` with fg = top pixel, bg = bottom pixel: 1x2 pixels per cell.
    case halfBlock
    /// 2x2 quadrant blocks with the best two-colour split.
    case quadrant
    /// 2x3 sextant blocks (Unicode 13) with the best two-colour split.
    case sextant
    /// Luminance ramp of ASCII characters, no colour.
    case ascii

    /// Sub-cells per cell (columns, rows).
    var grid: (x: Int, y: Int) {
        switch self {
        case .halfBlock: return (1, 2)
        case .quadrant: return (2, 2)
        case .sextant: return (2, 3)
        case .ascii: return (1, 1)
        }
    }
}

public struct ThumbnailOptions: Sendable, Equatable {
    public var symbols: SymbolSet
    public var colors: ColorDepth
    /// Floyd–Steinberg error diffusion (half blocks with a 256/16-colour palette only).
    public var dither: Bool
    /// What transparent pixels are composited onto.
    public var background: RGB
    /// Height of a terminal cell divided by its width.
    public var cellAspect: Double

    public init(symbols: SymbolSet = .halfBlock, colors: ColorDepth = .truecolor, dither: Bool = false,
                background: RGB = RGB(0, 0, 0), cellAspect: Double = 2) {
        self.symbols = symbols; self.colors = colors; self.dither = dither
        self.background = background; self.cellAspect = cellAspect
    }
}
