/// A box in pixel coordinates: columns x..<x+w, rows y..<y+h.
public struct PixelRect: Equatable, Hashable, Sendable, Codable {
    public var x: Int
    public var y: Int
    public var w: Int
    public var h: Int

    public init(x: Int, y: Int, w: Int, h: Int) {
        self.x = x
        self.y = y
        self.w = w
        self.h = h
    }

    /// Maps a normalised rect by rounding both edges (not origin and size), so boxes that touch
    /// in the layout touch in pixels at every resolution. Every box keeps at least one pixel.
    public init(_ rect: NormalizedRect, in size: RasterSize) {
        let (x0, x1) = Self.span(rect.x, rect.x + rect.w, extent: size.width)
        let (y0, y1) = Self.span(rect.y, rect.y + rect.h, extent: size.height)
        self.init(x: x0, y: y0, w: x1 - x0, h: y1 - y0)
    }

    /// COCO's `[x, y, width, height]`.
    public var coco: [Int] { [x, y, w, h] }
    public var maxX: Int { x + w }
    public var maxY: Int { y + h }

    private static func span(_ start: Double, _ end: Double, extent: Int) -> (Int, Int) {
        // Clamp in floating point first: layouts built in code may hold NaN or huge values,
        // and converting those to Int would trap.
        func pixel(_ value: Double) -> Int {
            let scaled = value * Double(extent)
            guard scaled.isFinite else { return 0 }
            return Int(min(max(scaled, 0), Double(extent)).rounded())
        }
        var low = pixel(start)
        var high = pixel(end)
        if high <= low {
            // Thinner than a pixel: keep one, inside the canvas.
            low = min(low, extent - 1)
            high = low + 1
        }
        return (low, high)
    }
}
