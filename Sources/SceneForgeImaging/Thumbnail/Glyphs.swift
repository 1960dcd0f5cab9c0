/// The block glyphs thumbnails draw with. A mask bit set means "this sub-cell shows the
/// foreground colour"; bits run row-major from the top-left sub-cell.
enum BlockGlyphs {
    static let upperHalf: Character = "▀"

    /// 2x2 quadrants: bit 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right.
    static let quadrants: [Character] = [" ", "▘", "▝", "▀", "▖", "▌", "▞", "▛", "▗", "▚", "▐", "▜", "▄", "▙", "▟", "█"]

    /// 2x3 sextants (Unicode 13, U+1FB00...U+1FB3B): bit i is sextant i+1. The four masks
    /// that already have a glyph (empty, left half, right half, full) are skipped by Unicode.
    static func sextant(_ mask: Int) -> Character {
        switch mask {
        case 0: return " "
        case 21: return "▌"
        case 42: return "▐"
        case 63: return "█"
        default:
            let offset = mask - 1 - (mask > 21 ? 1 : 0) - (mask > 42 ? 1 : 0)
            return Character(Unicode.Scalar(0x1FB00 + UInt32(offset)) ?? " ")
        }
    }

    /// Dark-to-bright ramp for colourless terminals (assumes light text on a dark background).
    static let asciiRamp: [Character] = Array(" .:-=+*#%@")
}
