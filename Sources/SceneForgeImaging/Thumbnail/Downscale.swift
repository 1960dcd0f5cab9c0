/// An image in linear-light RGB (alpha already composited), row-major.
struct LinearImage: Sendable {
    let width: Int
    let height: Int
    var pixels: [LinearRGB]

    subscript(x: Int, y: Int) -> LinearRGB {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }
}

/// Area-averaging resampler: every output pixel is the exact coverage-weighted mean of the
/// source pixels under it, computed in linear light so that fine detail (text, 1-px lines)
/// keeps its true brightness instead of darkening as it does when sRGB values are averaged.
enum AreaResampler {
    /// Source pixels and weights (summing to 1) that cover each output pixel along one axis.
    struct Footprint { let start: Int; let weights: [Float] }

    static func footprints(source: Int, target: Int) -> [Footprint] {
        let scale = Double(source) / Double(target)
        return (0..<target).map { o in
            let lo = Double(o) * scale, hi = Double(o + 1) * scale
            let first = Int(lo), last = min(source - 1, Int((hi - 1e-9).rounded(.down)))
            var weights: [Float] = []
            for s in first...max(first, last) {
                let overlap = min(hi, Double(s + 1)) - max(lo, Double(s))
                weights.append(Float(overlap / scale))
            }
            return Footprint(start: first, weights: weights)
        }
    }

    /// Composites `image` over `background` and resamples to `width` x `height`.
    /// With `linearLight: false` the sRGB-encoded values are averaged instead (what most
    /// image tools do); only the benchmark uses that, as a second reference.
    static func resample(_ image: RGBAImage, width: Int, height: Int, background: RGB, linearLight: Bool = true) -> LinearImage {
        let table = linearLight ? SRGB.toLinearTable : (0..<256).map { Float($0) / 255 }
        let bg = LinearRGB(r: table[Int(background.r)], g: table[Int(background.g)], b: table[Int(background.b)])
        let w = image.width
        // Horizontal pass: source rows -> `width` columns.
        let xf = footprints(source: image.width, target: width)
        var rows = [LinearRGB](repeating: .zero, count: width * image.height)
        image.pixels.withUnsafeBufferPointer { px in
            for y in 0..<image.height {
                for (ox, f) in xf.enumerated() {
                    var acc = LinearRGB.zero
                    for (k, weight) in f.weights.enumerated() {
                        let i = (y * w + f.start + k) * 4
                        let a = Float(px[i + 3]) / 255
                        let c = LinearRGB(r: table[Int(px[i])], g: table[Int(px[i + 1])], b: table[Int(px[i + 2])])
                        acc = acc + (c * a + bg * (1 - a)) * weight
                    }
                    rows[y * width + ox] = acc
                }
            }
        }
        // Vertical pass.
        let yf = footprints(source: image.height, target: height)
        var out = LinearImage(width: width, height: height, pixels: [LinearRGB](repeating: .zero, count: width * height))
        for (oy, f) in yf.enumerated() {
            for x in 0..<width {
                var acc = LinearRGB.zero
                for (k, weight) in f.weights.enumerated() { acc = acc + rows[(f.start + k) * width + x] * weight }
                out[x, oy] = acc
            }
        }
        return out
    }
}
