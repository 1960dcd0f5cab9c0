/// How a shape is coloured: one colour, or a linear gradient between two points.
enum Paint {
    case solid(Colour)
    /// `from` at (x0, y0), `to` at (x1, y1), clamped beyond the ends.
    case linear(from: Colour, to: Colour, x0: Double, y0: Double, x1: Double, y1: Double)

    /// A top-to-bottom gradient over `frame`.
    static func vertical(_ top: Colour, _ bottom: Colour, over frame: Frame) -> Paint {
        .linear(from: top, to: bottom, x0: frame.x0, y0: frame.y0, x1: frame.x0, y1: frame.y1)
    }

    /// A top-left to bottom-right gradient over `frame`.
    static func diagonal(_ start: Colour, _ end: Colour, over frame: Frame) -> Paint {
        .linear(from: start, to: end, x0: frame.x0, y0: frame.y0, x1: frame.x1, y1: frame.y1)
    }
}

/// A paint resolved for per-pixel evaluation: t = (x - x0) * dx + (y - y0) * dy.
struct PaintSampler {
    let start: Colour
    let delta: Colour
    let x0: Double, y0: Double, dx: Double, dy: Double
    let isSolid: Bool

    init(_ paint: Paint) {
        switch paint {
        case .solid(let colour):
            start = colour
            delta = Colour(0, 0, 0)
            (x0, y0, dx, dy) = (0, 0, 0, 0)
            isSolid = true
        case .linear(let from, let to, let ax, let ay, let bx, let by):
            start = from
            delta = Colour(to.r - from.r, to.g - from.g, to.b - from.b)
            let length2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
            let scale = length2 > 0 ? 1 / length2 : 0
            (x0, y0, dx, dy) = (ax, ay, (bx - ax) * scale, (by - ay) * scale)
            isSolid = length2 == 0
        }
    }

    @inline(__always) func colour(x: Double, y: Double) -> Colour {
        if isSolid { return start }
        let t = Float(min(max((x - x0) * dx + (y - y0) * dy, 0), 1))
        return Colour(start.r + delta.r * t, start.g + delta.g * t, start.b + delta.b * t)
    }
}
