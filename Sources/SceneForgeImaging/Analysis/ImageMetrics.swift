import Foundation

/// Image similarity measures for comparing renderings with their source.
public enum ImageMetrics {
    /// Mean SSIM (Wang et al. 2004) on luma Y' = 0.299 R' + 0.587 G' + 0.114 B' of the
    /// sRGB-encoded 8-bit values, with a 7x7 Gaussian window (sigma 1.5, normalised) over
    /// every position where the window fits, K1 = 0.01, K2 = 0.03, L = 255. Images smaller
    /// than the window use one window covering the whole image (uniform weights).
    public static func ssim(_ a: RGBAImage, _ b: RGBAImage) throws -> Double {
        guard a.width == b.width, a.height == b.height else {
            throw ImagingError.invalidImage("SSIM needs equal sizes, got \(a.width)x\(a.height) and \(b.width)x\(b.height)")
        }
        let ya = luma(a), yb = luma(b)
        let w = a.width, h = a.height
        let radius = 3
        let size = 2 * radius + 1
        let window: [Double]
        let positions: [(Int, Int)]
        let (ww, wh): (Int, Int)
        if w >= size, h >= size {
            let g: [Double] = (0..<size).map { k in
                let d = Double(k - radius)
                return exp(-d * d / 4.5)  // 2 * sigma^2 with sigma = 1.5
            }
            let outer = g.flatMap { gy in g.map { gx in gx * gy } }
            let sum = outer.reduce(0, +)
            window = outer.map { $0 / sum }
            (ww, wh) = (size, size)
            positions = (0...(h - size)).flatMap { y in (0...(w - size)).map { x in (x, y) } }
        } else {
            window = [Double](repeating: 1 / Double(w * h), count: w * h)
            (ww, wh) = (w, h)
            positions = [(0, 0)]
        }
        let c1: Double = (0.01 * 255) * (0.01 * 255), c2: Double = (0.03 * 255) * (0.03 * 255)
        var total = 0.0
        for (x0, y0) in positions {
            var ma = 0.0, mb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0
            for wy in 0..<wh {
                for wx in 0..<ww {
                    let k = wy * ww + wx, i = (y0 + wy) * w + x0 + wx
                    let weight = window[k], p = ya[i], q = yb[i]
                    ma += weight * p; mb += weight * q
                    saa += weight * p * p; sbb += weight * q * q; sab += weight * p * q
                }
            }
            let va = saa - ma * ma, vb = sbb - mb * mb, cov = sab - ma * mb
            total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
        }
        return total / Double(positions.count)
    }

    /// Mean absolute difference of the 8-bit R, G, B values (0...255).
    public static func meanAbsoluteRGBError(_ a: RGBAImage, _ b: RGBAImage) throws -> Double {
        guard a.width == b.width, a.height == b.height else {
            throw ImagingError.invalidImage("colour error needs equal sizes, got \(a.width)x\(a.height) and \(b.width)x\(b.height)")
        }
        var sum = 0
        for i in 0..<a.pixels.count where i % 4 != 3 { sum += abs(Int(a.pixels[i]) - Int(b.pixels[i])) }
        return Double(sum) / Double(a.width * a.height * 3)
    }

    static func luma(_ image: RGBAImage) -> [Double] {
        stride(from: 0, to: image.pixels.count, by: 4).map { i -> Double in
            let r = Double(image.pixels[i]), g = Double(image.pixels[i + 1]), b = Double(image.pixels[i + 2])
            return 0.299 * r + 0.587 * g + 0.114 * b
        }
    }

    /// `image` area-averaged to `width` x `height` (the reference a rendering at that sub-pixel
    /// resolution is compared with), in linear light or, with `linearLight: false`, on the
    /// sRGB-encoded values.
    public static func areaDownscaled(_ image: RGBAImage, width: Int, height: Int, background: RGB = RGB(0, 0, 0),
                                      linearLight: Bool = true) throws -> RGBAImage {
        let averaged = AreaResampler.resample(image, width: width, height: height, background: background, linearLight: linearLight)
        var pixels = [UInt8](repeating: 255, count: width * height * 4)
        for (k, c) in averaged.pixels.enumerated() {
            func byte(_ v: Float) -> UInt8 { UInt8(min(max(v * 255 + 0.5, 0), 255)) }
            let s = linearLight ? SRGB.rgb(c) : RGB(byte(c.r), byte(c.g), byte(c.b))
            pixels[4 * k] = s.r; pixels[4 * k + 1] = s.g; pixels[4 * k + 2] = s.b
        }
        return try RGBAImage(width: width, height: height, pixels: pixels)
    }
}
