import SceneForgeScenes

/// A rectangle in pixel space with fractional edges: shapes inside a layout box are placed in
/// fractions of the box, and anti-aliasing needs the fractions.
struct Frame: Equatable {
    var x0: Double
    var y0: Double
    var x1: Double
    var y1: Double

    init(x0: Double, y0: Double, x1: Double, y1: Double) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }

    init(_ rect: PixelRect) {
        self.init(x0: Double(rect.x), y0: Double(rect.y), x1: Double(rect.maxX), y1: Double(rect.maxY))
    }

    init(centreX: Double, centreY: Double, width: Double, height: Double) {
        self.init(x0: centreX - width / 2, y0: centreY - height / 2, x1: centreX + width / 2, y1: centreY + height / 2)
    }

    var width: Double { x1 - x0 }
    var height: Double { y1 - y0 }
    var midX: Double { (x0 + x1) / 2 }
    var midY: Double { (y0 + y1) / 2 }
    var shortSide: Double { min(width, height) }
    var isEmpty: Bool { !(x1 > x0 && y1 > y0) }

    func inset(_ d: Double) -> Frame { inset(dx: d, dy: d) }
    func inset(dx: Double, dy: Double) -> Frame { Frame(x0: x0 + dx, y0: y0 + dy, x1: x1 - dx, y1: y1 - dy) }
    func offset(dx: Double, dy: Double) -> Frame { Frame(x0: x0 + dx, y0: y0 + dy, x1: x1 + dx, y1: y1 + dy) }

    /// A sub-frame given in fractions of this one (0...1 on each axis).
    func part(x: Double, y: Double, w: Double, h: Double) -> Frame {
        Frame(x0: x0 + x * width, y0: y0 + y * height, x1: x0 + (x + w) * width, y1: y0 + (y + h) * height)
    }

    /// The centred square of side `shortSide * fraction`.
    func centredSquare(_ fraction: Double = 1) -> Frame {
        Frame(centreX: midX, centreY: midY, width: shortSide * fraction, height: shortSide * fraction)
    }

    /// The smallest integer rectangle covering this frame.
    var covering: PixelRect {
        let left = Int(x0.rounded(.down)), top = Int(y0.rounded(.down))
        return PixelRect(x: left, y: top, w: Int(x1.rounded(.up)) - left, h: Int(y1.rounded(.up)) - top)
    }
}

extension NormalizedRect {
    /// True when `other` lies inside this rect (with a little slack for rounding in files).
    func contains(_ other: NormalizedRect) -> Bool {
        let slack = 0.002
        return other.x >= x - slack && other.y >= y - slack
            && other.x + other.w <= x + w + slack && other.y + other.h <= y + h + slack
    }

    var area: Double { w * h }
}
