/// A mutable 8-bit pixel buffer with the few primitives the renderers need. Writes are clipped to
/// the image, so callers never index out of bounds.
struct Canvas {
    let width: Int
    let height: Int
    let channels: Int
    var pixels: [UInt8]

    init(size: RasterSize, channels: Int) {
        width = size.width
        height = size.height
        self.channels = channels
        pixels = [UInt8](repeating: 0, count: size.width * size.height * channels)
    }

    func image() throws -> RasterImage {
        try RasterImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Sets columns `columns` of `row` to `color` (one value per channel).
    mutating func fill(row: Int, columns: Range<Int>, color: [UInt8]) {
        guard row >= 0, row < height else { return }
        let start = max(columns.lowerBound, 0)
        let end = min(columns.upperBound, width)
        guard end > start else { return }
        let channels = self.channels
        pixels.withUnsafeMutableBufferPointer { buffer in
            var offset = (row * width + start) * channels
            if channels == 1 {
                let value = color[0]
                for _ in start..<end {
                    buffer[offset] = value
                    offset += 1
                }
            } else {
                let (r, g, b) = (color[0], color[1], color[2])
                for _ in start..<end {
                    buffer[offset] = r
                    buffer[offset + 1] = g
                    buffer[offset + 2] = b
                    offset += 3
                }
            }
        }
    }

    /// Fills an axis-aligned rectangle.
    mutating func fill(_ rect: PixelRect, color: [UInt8]) {
        for row in stride(from: max(rect.y, 0), to: min(rect.maxY, height), by: 1) {
            fill(row: row, columns: rect.x..<rect.maxX, color: color)
        }
    }

    /// Multiplies every channel in `rect` by `numerator / 256` (a translucent dark layer).
    mutating func darken(_ rect: PixelRect, numerator: Int) {
        let x0 = max(rect.x, 0), x1 = min(rect.maxX, width)
        guard x1 > x0 else { return }
        let channels = self.channels
        pixels.withUnsafeMutableBufferPointer { buffer in
            for row in stride(from: max(rect.y, 0), to: min(rect.maxY, height), by: 1) {
                let start = (row * width + x0) * channels
                for offset in start..<start + (x1 - x0) * channels {
                    buffer[offset] = UInt8((Int(buffer[offset]) * numerator) >> 8)
                }
            }
        }
    }

    /// Keeps the larger of the present and the new value (for soft masks made of several boxes).
    mutating func raise(x: Int, y: Int, to value: UInt8) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let offset = (y * width + x) * channels
        if pixels[offset] < value { pixels[offset] = value }
    }

    /// A straight line `thickness` pixels wide (square brush), endpoints included.
    mutating func line(from start: (Double, Double), to end: (Double, Double), thickness: Int, color: [UInt8]) {
        let steps = Int(max(abs(end.0 - start.0), abs(end.1 - start.1)).rounded(.up))
        let half = thickness / 2
        for step in 0...max(steps, 0) {
            let t = steps == 0 ? 0 : Double(step) / Double(steps)
            let x = Int((start.0 + (end.0 - start.0) * t).rounded(.down))
            let y = Int((start.1 + (end.1 - start.1) * t).rounded(.down))
            fill(PixelRect(x: x - half, y: y - half, w: thickness, h: thickness), color: color)
        }
    }
}
