import Foundation
import SceneForgeSynth
import SceneForgeImaging

/// Synthetic test images for the thumbnail benchmark: phone-screen-like UI (bars, text-like
/// lines, cards, buttons, a modal dialog over a dimmed page) and photo-like scenes (smooth
/// gradients, noise, soft shapes). Deterministic: the same seed gives the same pixels.
struct BenchCanvas {
    let width: Int, height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, color: (UInt8, UInt8, UInt8)) {
        self.width = width; self.height = height
        pixels = [UInt8](repeating: 255, count: width * height * 4)
        fill(x: 0, y: 0, w: width, h: height, color: color)
    }

    /// Fills a rectangle (optionally with rounded corners), blending with `alpha` in sRGB as
    /// UI toolkits do.
    mutating func fill(x: Int, y: Int, w: Int, h: Int, color: (UInt8, UInt8, UInt8), alpha: Double = 1, radius: Int = 0) {
        for py in max(0, y)..<min(height, y + h) {
            for px in max(0, x)..<min(width, x + w) {
                if radius > 0 {
                    let cx = px < x + radius ? x + radius : (px >= x + w - radius ? x + w - radius - 1 : px)
                    let cy = py < y + radius ? y + radius : (py >= y + h - radius ? y + h - radius - 1 : py)
                    let dx = px - cx, dy = py - cy
                    if dx * dx + dy * dy > radius * radius { continue }
                }
                blend(px, py, color, alpha)
            }
        }
    }

    mutating func circle(cx: Double, cy: Double, r: Double, color: (UInt8, UInt8, UInt8), softness: Double = 1) {
        let x0 = max(0, Int(cx - r - softness)), x1 = min(width - 1, Int(cx + r + softness))
        let y0 = max(0, Int(cy - r - softness)), y1 = min(height - 1, Int(cy + r + softness))
        guard x0 <= x1, y0 <= y1 else { return }
        for py in y0...y1 {
            for px in x0...x1 {
                let d = ((Double(px) - cx) * (Double(px) - cx) + (Double(py) - cy) * (Double(py) - cy)).squareRoot()
                let a = min(1, max(0, (r + softness - d) / (2 * softness)))
                if a > 0 { blend(px, py, color, a) }
            }
        }
    }

    mutating func blend(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8), _ a: Double) {
        let i = (y * width + x) * 4
        pixels[i] = UInt8(Double(pixels[i]) * (1 - a) + Double(c.0) * a + 0.5)
        pixels[i + 1] = UInt8(Double(pixels[i + 1]) * (1 - a) + Double(c.1) * a + 0.5)
        pixels[i + 2] = UInt8(Double(pixels[i + 2]) * (1 - a) + Double(c.2) * a + 0.5)
    }

    /// A line of "text": words as dark bars with gaps, like glyph runs seen from afar.
    mutating func textLine(x: Int, y: Int, maxWidth: Int, size: Int, color: (UInt8, UInt8, UInt8), rng: inout SeededRandom) {
        var px = x
        while px < x + maxWidth {
            let word = Int(rng.next() % UInt64(size * 4)) + size
            var cx = px
            while cx < min(px + word, x + maxWidth) {  // glyph strokes with 1-px gaps
                let glyph = max(2, size / 2 + Int(rng.next() % 3))
                fill(x: cx, y: y + Int(rng.next() % 2), w: glyph - 1, h: size - Int(rng.next() % 2), color: color)
                cx += glyph
            }
            px += word + size / 2 + 2
        }
    }

    func image() throws -> RGBAImage { try RGBAImage(width: width, height: height, pixels: pixels) }
}

enum BenchImages {
    static func uiScreen(seed: UInt64, accent: (UInt8, UInt8, UInt8), modal: Bool) throws -> RGBAImage {
        var rng = SeededRandom(seed: seed)
        var c = BenchCanvas(width: 720, height: 1440, color: (242, 242, 246))
        c.fill(x: 0, y: 0, w: 720, h: 48, color: (20, 20, 24))                        // status bar
        c.textLine(x: 24, y: 16, maxWidth: 80, size: 16, color: (240, 240, 240), rng: &rng)
        c.fill(x: 0, y: 48, w: 720, h: 112, color: accent)                            // header
        c.textLine(x: 32, y: 86, maxWidth: 300, size: 32, color: (255, 255, 255), rng: &rng)
        c.fill(x: 24, y: 176, w: 672, h: 72, color: (255, 255, 255), radius: 36)     // search bar
        c.textLine(x: 72, y: 200, maxWidth: 260, size: 24, color: (160, 160, 168), rng: &rng)
        var y = 272
        while y < 1300 {                                                               // cards
            c.fill(x: 24, y: y, w: 672, h: 200, color: (255, 255, 255), radius: 20)
            c.fill(x: 44, y: y + 20, w: 160, h: 160, color: (UInt8(rng.next() % 200), UInt8(rng.next() % 200), UInt8(rng.next() % 200)), radius: 12)
            for line in 0..<3 {
                c.textLine(x: 228, y: y + 28 + line * 44, maxWidth: 420 - line * 90, size: line == 0 ? 28 : 20,
                           color: line == 0 ? (30, 30, 34) : (110, 110, 118), rng: &rng)
            }
            c.fill(x: 560, y: y + 136, w: 116, h: 44, color: accent, radius: 22)       // button
            y += 224
        }
        c.fill(x: 0, y: 1320, w: 720, h: 120, color: (255, 255, 255))                 // tab bar
        for t in 0..<4 { c.circle(cx: Double(90 + t * 180), cy: 1365, r: 22, color: t == 0 ? accent : (150, 150, 160)) }
        if modal {
            c.fill(x: 0, y: 0, w: 720, h: 1440, color: (0, 0, 0), alpha: 0.55)       // dim overlay
            c.fill(x: 60, y: 420, w: 600, h: 560, color: (255, 255, 255), radius: 28) // dialog
            c.fill(x: 60, y: 420, w: 600, h: 180, color: (255, 90, 60), radius: 28)
            c.textLine(x: 120, y: 480, maxWidth: 420, size: 40, color: (255, 255, 255), rng: &rng)
            for line in 0..<4 { c.textLine(x: 110, y: 640 + line * 50, maxWidth: 500, size: 22, color: (60, 60, 66), rng: &rng) }
            c.fill(x: 110, y: 860, w: 500, h: 80, color: (255, 90, 60), radius: 40)   // primary button
            c.circle(cx: 360, cy: 1060, r: 34, color: (230, 230, 230))                 // close button
            c.fill(x: 345, y: 1058, w: 30, h: 4, color: (40, 40, 40))
        }
        return try c.image()
    }

    static func photo(seed: UInt64, width: Int, height: Int) throws -> RGBAImage {
        var rng = SeededRandom(seed: seed)
        var c = BenchCanvas(width: width, height: height, color: (0, 0, 0))
        let f1 = 2 + rng.unit() * 3, f2 = 1 + rng.unit() * 2, phase = rng.unit() * 6
        for y in 0..<height {
            for x in 0..<width {
                let u = Double(x) / Double(width), v = Double(y) / Double(height)
                let wave: Double = sin(f1 * u * 3.1 + phase) * cos(f2 * v * 2.3)
                let r: Double = 0.5 + 0.4 * wave
                let g: Double = 0.35 + 0.3 * v + 0.2 * sin(f2 * (u + v) * 4)
                let b: Double = 0.6 - 0.4 * v + 0.15 * cos(f1 * u * 5)
                let n = (rng.unit() - 0.5) * 0.12  // sensor-like noise
                let i = (y * width + x) * 4
                c.pixels[i] = UInt8(max(0, min(255, (r + n) * 255)))
                c.pixels[i + 1] = UInt8(max(0, min(255, (g + n) * 255)))
                c.pixels[i + 2] = UInt8(max(0, min(255, (b + n) * 255)))
            }
        }
        for _ in 0..<12 {
            let color = (UInt8(rng.next() % 256), UInt8(rng.next() % 256), UInt8(rng.next() % 256))
            c.circle(cx: rng.unit() * Double(width), cy: rng.unit() * Double(height),
                     r: 20 + rng.unit() * Double(min(width, height)) / 5, color: color, softness: 1 + rng.unit() * 12)
        }
        return try c.image()
    }

    /// The benchmark set: (name, image).
    static func all() throws -> [(String, RGBAImage)] {
        [
            ("ui-list", try uiScreen(seed: 1, accent: (255, 195, 0), modal: false)),
            ("ui-modal", try uiScreen(seed: 2, accent: (255, 80, 40), modal: true)),
            ("ui-blue-modal", try uiScreen(seed: 3, accent: (22, 119, 255), modal: true)),
            ("photo-landscape", try photo(seed: 4, width: 1024, height: 768)),
            ("photo-portrait", try photo(seed: 5, width: 768, height: 1024)),
            ("photo-phone", try photo(seed: 6, width: 720, height: 1440)),
        ]
    }
}
