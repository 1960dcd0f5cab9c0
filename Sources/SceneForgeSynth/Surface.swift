import Foundation
import SceneForgeScenes

/// An opaque RGBA drawing surface with anti-aliased primitives. Edges are anti-aliased by
/// coverage: the fraction of a pixel inside a straight edge is exact, and near a curve it is
/// estimated from the distance of the pixel centre to the curve (radius - distance + 0.5),
/// which costs one square root per edge pixel and looks clean down to a few pixels per shape.
/// Every write is clipped to `clip` (and always to the image), so callers never index out of bounds.
final class Surface {
    let width: Int
    let height: Int
    private(set) var pixels: [UInt8]
    /// Drawing outside this rectangle is discarded (images clip their shapes to their box).
    var clip: PixelRect

    init(width: Int, height: Int, background: Colour) {
        self.width = width
        self.height = height
        clip = PixelRect(x: 0, y: 0, w: width, h: height)
        pixels = [UInt8](repeating: 255, count: width * height * 4)
        let (r, g, b) = (Self.byte(background.r), Self.byte(background.g), Self.byte(background.b))
        pixels.withUnsafeMutableBufferPointer { buffer in
            var i = 0
            while i < buffer.count {
                buffer[i] = r
                buffer[i + 1] = g
                buffer[i + 2] = b
                i += 4
            }
        }
    }

    /// Runs `body` with drawing limited to `rect` (within the current clip).
    func clipped(to rect: PixelRect, _ body: () -> Void) {
        let saved = clip
        let x0 = max(saved.x, rect.x), y0 = max(saved.y, rect.y)
        let x1 = min(saved.maxX, rect.maxX), y1 = min(saved.maxY, rect.maxY)
        clip = PixelRect(x: x0, y: y0, w: max(0, x1 - x0), h: max(0, y1 - y0))
        body()
        clip = saved
    }

    // MARK: Shapes

    /// A rectangle with circular corners of `radius` (clamped to half the short side), painted
    /// with `paint` at opacity `alpha`.
    func fill(_ frame: Frame, radius: Double = 0, _ paint: Paint, alpha: Float = 1) {
        guard !frame.isEmpty, alpha > 0 else { return }
        let r = max(0, min(radius, frame.shortSide / 2))
        let sampler = PaintSampler(paint)
        raster(frame.covering) { x, y in
            let cx = Double(x) + 0.5, cy = Double(y) + 0.5
            let vx = min(Double(x + 1), frame.x1) - max(Double(x), frame.x0)
            let vy = min(Double(y + 1), frame.y1) - max(Double(y), frame.y0)
            var coverage = min(max(vx, 0), 1) * min(max(vy, 0), 1)
            if r > 0 {
                let kx = cx < frame.x0 + r ? frame.x0 + r : (cx > frame.x1 - r ? frame.x1 - r : cx)
                let ky = cy < frame.y0 + r ? frame.y0 + r : (cy > frame.y1 - r ? frame.y1 - r : cy)
                if kx != cx && ky != cy {
                    let d = ((cx - kx) * (cx - kx) + (cy - ky) * (cy - ky)).squareRoot()
                    coverage = min(coverage, min(max(r - d + 0.5, 0), 1))
                }
            }
            return (sampler.colour(x: cx, y: cy), Float(coverage) * alpha)
        }
    }

    func fill(_ frame: Frame, radius: Double = 0, _ colour: Colour, alpha: Float = 1) {
        fill(frame, radius: radius, .solid(colour), alpha: alpha)
    }

    /// A disc inscribed in the centred square of `frame`.
    func disc(in frame: Frame, _ colour: Colour, alpha: Float = 1) {
        let square = frame.centredSquare()
        fill(square, radius: square.width / 2, .solid(colour), alpha: alpha)
    }

    /// A ring of outer radius `radius` and width `thickness`. With `arc`, only the part from
    /// `start` turning clockwise by `sweep` radians is drawn, fading in toward its head like a
    /// spinning indicator when `fade` is set.
    func ring(centreX: Double, centreY: Double, radius: Double, thickness: Double, _ colour: Colour,
              alpha: Float = 1, arc: (start: Double, sweep: Double)? = nil, fade: Bool = false) {
        guard radius > 0, thickness > 0 else { return }
        let inner = max(radius - thickness, 0)
        let bounds = Frame(centreX: centreX, centreY: centreY, width: radius * 2 + 2, height: radius * 2 + 2)
        raster(bounds.covering) { x, y in
            let dx = Double(x) + 0.5 - centreX, dy = Double(y) + 0.5 - centreY
            let d = (dx * dx + dy * dy).squareRoot()
            var coverage = min(max(radius - d + 0.5, 0), 1) * min(max(d - inner + 0.5, 0), 1)
            if coverage > 0, let arc {
                var turned = atan2(dy, dx) - arc.start
                turned = turned.truncatingRemainder(dividingBy: 2 * .pi)
                if turned < 0 { turned += 2 * .pi }
                if turned > arc.sweep { coverage = 0 } else if fade { coverage *= 0.25 + 0.75 * turned / arc.sweep }
            }
            return (colour, Float(coverage) * alpha)
        }
    }

    /// A straight stroke with round caps, `width` pixels wide.
    func line(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, width: Double, _ colour: Colour, alpha: Float = 1) {
        let half = max(width / 2, 0.35)
        let bounds = Frame(x0: min(ax, bx) - half - 1, y0: min(ay, by) - half - 1, x1: max(ax, bx) + half + 1, y1: max(ay, by) + half + 1)
        let ex = bx - ax, ey = by - ay
        let length2 = ex * ex + ey * ey
        raster(bounds.covering) { x, y in
            let px = Double(x) + 0.5 - ax, py = Double(y) + 0.5 - ay
            let t = length2 > 0 ? min(max((px * ex + py * ey) / length2, 0), 1) : 0
            let qx = px - t * ex, qy = py - t * ey
            let d = (qx * qx + qy * qy).squareRoot()
            return (colour, Float(min(max(half - d + 0.5, 0), 1)) * alpha)
        }
    }

    /// A filled triangle (any winding), edges anti-aliased by their distance to the pixel centre.
    func triangle(_ a: (Double, Double), _ b: (Double, Double), _ c: (Double, Double), _ paint: Paint, alpha: Float = 1) {
        let sampler = PaintSampler(paint)
        let area = (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
        guard area != 0 else { return }
        let sign: Double = area > 0 ? 1 : -1
        // Each edge as (nx, ny, offset) with unit normal pointing inside.
        func edge(_ p: (Double, Double), _ q: (Double, Double)) -> (Double, Double, Double) {
            let dx = q.0 - p.0, dy = q.1 - p.1
            let length = max((dx * dx + dy * dy).squareRoot(), 1e-9)
            let nx = -dy / length * sign, ny = dx / length * sign
            return (nx, ny, -(nx * p.0 + ny * p.1))
        }
        let edges = [edge(a, b), edge(b, c), edge(c, a)]
        let bounds = Frame(x0: min(a.0, b.0, c.0), y0: min(a.1, b.1, c.1), x1: max(a.0, b.0, c.0), y1: max(a.1, b.1, c.1))
        raster(bounds.inset(-1).covering) { x, y in
            let cx = Double(x) + 0.5, cy = Double(y) + 0.5
            var inside = Double.infinity
            for e in edges { inside = min(inside, e.0 * cx + e.1 * cy + e.2) }
            return (sampler.colour(x: cx, y: cy), Float(min(max(inside + 0.5, 0), 1)) * alpha)
        }
    }

    /// Multiplies the pixels of `frame` by `1 - amount` (a translucent black layer), edges by coverage.
    func darken(_ frame: Frame, amount: Float) {
        fill(frame, radius: 0, .solid(.black), alpha: amount)
    }

    // MARK: Pixels

    /// Calls `shade` for every pixel of `rect` inside the clip and blends the colour it returns
    /// at the opacity it returns; pixels with zero opacity are left untouched.
    @inline(__always)
    private func raster(_ rect: PixelRect, _ shade: (Int, Int) -> (Colour, Float)) {
        let x0 = max(rect.x, clip.x, 0), x1 = min(rect.maxX, clip.maxX, width)
        let y0 = max(rect.y, clip.y, 0), y1 = min(rect.maxY, clip.maxY, height)
        guard x1 > x0, y1 > y0 else { return }
        let width = self.width
        pixels.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for y in y0..<y1 {
                var p = base + (y * width + x0) * 4
                for x in x0..<x1 {
                    let (colour, a) = shade(x, y)
                    if a >= 0.999 {
                        p[0] = Self.byte(colour.r)
                        p[1] = Self.byte(colour.g)
                        p[2] = Self.byte(colour.b)
                    } else if a > 0.001 {
                        p[0] = Self.byte(Float(p[0]) + (colour.r - Float(p[0])) * a)
                        p[1] = Self.byte(Float(p[1]) + (colour.g - Float(p[1])) * a)
                        p[2] = Self.byte(Float(p[2]) + (colour.b - Float(p[2])) * a)
                    }
                    p += 4
                }
            }
        }
    }

    @inline(__always) static func byte(_ value: Float) -> UInt8 {
        UInt8(min(max(value + 0.5, 0), 255))
    }
}
