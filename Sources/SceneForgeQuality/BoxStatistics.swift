/// Local means over square windows in constant time per pixel (summed-area tables), so the detector's
/// multi-scale features cost the same at every window size.
struct SummedArea {
    let width: Int
    let height: Int
    private let table: [Double]

    init(_ plane: [Float], width: Int, height: Int) {
        var table = [Double](repeating: 0, count: (width + 1) * (height + 1))
        for y in 0..<height {
            var row: Double = 0
            for x in 0..<width {
                row += Double(plane[y * width + x])
                table[(y + 1) * (width + 1) + x + 1] = table[y * (width + 1) + x + 1] + row
            }
        }
        (self.width, self.height, self.table) = (width, height, table)
    }

    /// The mean over the window of half-size `radius` around (x, y), clipped to the image.
    func mean(x: Int, y: Int, radius: Int) -> Float { mean(x: x, y: y, rx: radius, ry: radius) }

    /// The mean over the window of half-width `rx` and half-height `ry` around (x, y), clipped to the image.
    func mean(x: Int, y: Int, rx: Int, ry: Int) -> Float {
        let x0 = max(0, x - rx), x1 = min(width, x + rx + 1)
        let y0 = max(0, y - ry), y1 = min(height, y + ry + 1)
        let w = width + 1
        let sum = table[y1 * w + x1] - table[y0 * w + x1] - table[y1 * w + x0] + table[y0 * w + x0]
        return Float(sum / Double((x1 - x0) * (y1 - y0)))
    }

    /// Every pixel's window mean as a plane.
    func means(radius: Int) -> [Float] { means(rx: radius, ry: radius) }

    /// Every pixel's mean over a `rx` by `ry` half-size window, as a plane.
    func means(rx: Int, ry: Int) -> [Float] {
        var out = [Float](repeating: 0, count: width * height)
        for y in 0..<height { for x in 0..<width { out[y * width + x] = mean(x: x, y: y, rx: rx, ry: ry) } }
        return out
    }
}

/// Window mean and standard deviation of a plane.
struct LocalStatistics {
    let mean: [Float]
    let deviation: [Float]

    init(_ plane: [Float], width: Int, height: Int, radius: Int) {
        let squares = plane.map { $0 * $0 }
        let m = SummedArea(plane, width: width, height: height).means(radius: radius)
        let m2 = SummedArea(squares, width: width, height: height).means(radius: radius)
        mean = m
        deviation = zip(m, m2).map { (max(0, $1 - $0 * $0)).squareRoot() }
    }
}
