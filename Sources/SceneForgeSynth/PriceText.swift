import Foundation

/// Prices: a small currency sign and bold digits. Amounts are random per seed (the layout's
/// text only says "a price goes here").
enum PriceText {
    static func isPrice(_ text: String?) -> Bool {
        guard let text else { return false }
        return text.contains("¥") || text.contains("￥") || text.contains("$") || text.contains("€")
    }

    /// A price line: any words before the amount as glyphs, then the sign and the digits.
    static func draw(_ text: String?, in f: Frame, colour: Colour, strikeOld: Colour? = nil, rng: inout SeededRandom, on surface: Surface) {
        let prefix = text.map { String($0.prefix { $0 != "¥" && $0 != "￥" && $0 != "$" && $0 != "€" }) } ?? ""
        let digits = String(rng.int(1...999)) + (rng.chance(0.5) ? "." + String(rng.int(10...99)) : "")
        var x = f.x0
        if !prefix.trimmingCharacters(in: .whitespaces).isEmpty {
            let width = Double(GlyphText.cells(prefix).reduce(0) { $0 + $1.advance }) * f.height * 0.8
            GlyphText.draw(prefix, in: Frame(x0: x, y0: f.y0 + f.height * 0.2, x1: min(x + width, f.x1), y1: f.y1), colour: colour.mixed(with: .black, 0.1), rng: &rng, on: surface)
            x += width
        }
        let sign = Frame(x0: x, y0: f.y0 + f.height * 0.35, x1: x + f.height * 0.5, y1: f.y1)
        GlyphText.draw("¥", in: sign, colour: colour, weight: 1.6, rng: &rng, on: surface)
        let amount = Frame(x0: sign.x1 + f.height * 0.05, y0: f.y0, x1: f.x1, y1: f.y1)
        GlyphText.draw(digits, in: amount, colour: colour, weight: 1.8, rng: &rng, on: surface)
        if let strikeOld {
            let used = min(Double(digits.count) * 0.58 * f.height, amount.width)
            surface.fill(Frame(x0: x, y0: f.midY - f.height * 0.06, x1: amount.x0 + used, y1: f.midY + f.height * 0.06), strikeOld)
        }
    }
}
