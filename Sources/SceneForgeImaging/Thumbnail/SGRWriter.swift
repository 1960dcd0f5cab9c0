/// Turns cells into terminal text, emitting a colour escape only when the colour changes.
enum SGRWriter {
    static let reset = "\u{1B}[0m"

    static func line(_ cells: [TerminalCell]) -> String {
        var out = ""
        // Each line starts from the terminal's default colours (the previous line ends with a reset).
        var fg = TerminalColor.default, bg = TerminalColor.default
        for cell in cells {
            if cell.foreground != fg { out += sgr(cell.foreground, background: false); fg = cell.foreground }
            if cell.background != bg { out += sgr(cell.background, background: true); bg = cell.background }
            out.append(cell.glyph)
        }
        let colored = cells.contains { $0.foreground != .default || $0.background != .default }
        return colored ? out + reset : out
    }

    static func sgr(_ color: TerminalColor, background: Bool) -> String {
        switch color {
        case .default: return "\u{1B}[\(background ? 49 : 39)m"
        case .rgb(let c): return "\u{1B}[\(background ? 48 : 38);2;\(c.r);\(c.g);\(c.b)m"
        case .indexed(let i) where i < 8: return "\u{1B}[\((background ? 40 : 30) + Int(i))m"
        case .indexed(let i) where i < 16: return "\u{1B}[\((background ? 100 : 90) + Int(i) - 8)m"
        case .indexed(let i): return "\u{1B}[\(background ? 48 : 38);5;\(i)m"
        }
    }
}
