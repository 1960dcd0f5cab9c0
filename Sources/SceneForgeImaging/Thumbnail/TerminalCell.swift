/// A colour as the terminal is told it: direct RGB or a palette index.
public enum TerminalColor: Equatable, Hashable, Sendable {
    case `default`
    case rgb(RGB)
    case indexed(UInt8)

    /// The colour shown, assuming xterm's default palette; nil for the terminal default.
    public var rgb: RGB? {
        switch self {
        case .default: return nil
        case .rgb(let c): return c
        case .indexed(let i): return TerminalPalette.xterm256Color(i)
        }
    }
}

/// One character cell of a thumbnail.
public struct TerminalCell: Equatable, Sendable {
    public var glyph: Character
    public var foreground: TerminalColor
    public var background: TerminalColor

    public init(glyph: Character, foreground: TerminalColor, background: TerminalColor) {
        self.glyph = glyph; self.foreground = foreground; self.background = background
    }
}

/// A rendered thumbnail: a cell grid for programs (tests, the workbench) and the same
/// picture as terminal lines with ANSI SGR colour escapes.
public struct Thumbnail: Sendable {
    public let columns: Int
    public let rows: Int
    /// `rows` arrays of `columns` cells.
    public let cells: [[TerminalCell]]
    public var lines: [String] { cells.map(SGRWriter.line) }
}
