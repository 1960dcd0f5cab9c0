import Foundation

/// An 8-bit sRGB colour.
public struct RGB: Hashable, Sendable, CustomStringConvertible {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
    public var description: String { "#" + [r, g, b].map { String(format: "%02x", $0) }.joined() }
}

/// A colour in linear light (sRGB primaries), the space where averaging pixels is physically right.
struct LinearRGB: Sendable {
    var r: Float, g: Float, b: Float
    static let zero = LinearRGB(r: 0, g: 0, b: 0)

    static func + (a: Self, b: Self) -> Self { .init(r: a.r + b.r, g: a.g + b.g, b: a.b + b.b) }
    static func - (a: Self, b: Self) -> Self { .init(r: a.r - b.r, g: a.g - b.g, b: a.b - b.b) }
    static func * (a: Self, s: Float) -> Self { .init(r: a.r * s, g: a.g * s, b: a.b * s) }

    func distanceSquared(_ o: Self) -> Float {
        let dr = r - o.r, dg = g - o.g, db = b - o.b
        return dr * dr + dg * dg + db * db
    }

    /// Relative luminance (Rec. 709 / sRGB weights).
    var luminance: Float { 0.2126 * r + 0.7152 * g + 0.0722 * b }

    var clamped: Self { .init(r: min(max(r, 0), 1), g: min(max(g, 0), 1), b: min(max(b, 0), 1)) }
}

/// sRGB transfer function both ways; decoding uses a 256-entry table.
enum SRGB {
    static let toLinearTable: [Float] = (0..<256).map { decode(Float($0) / 255) }

    static func decode(_ v: Float) -> Float { v <= 0.04045 ? v / 12.92 : powf((v + 0.055) / 1.055, 2.4) }
    static func encode(_ v: Float) -> Float { v <= 0.0031308 ? v * 12.92 : 1.055 * powf(v, 1 / 2.4) - 0.055 }

    static func linear(_ c: RGB) -> LinearRGB {
        .init(r: toLinearTable[Int(c.r)], g: toLinearTable[Int(c.g)], b: toLinearTable[Int(c.b)])
    }

    static func rgb(_ c: LinearRGB) -> RGB {
        func q(_ v: Float) -> UInt8 { UInt8(min(max(encode(min(max(v, 0), 1)) * 255 + 0.5, 0), 255)) }
        return RGB(q(c.r), q(c.g), q(c.b))
    }
}

/// OKLab (Björn Ottosson, 2020): a perceptual space where Euclidean distance tracks perceived
/// colour difference well, used to pick the nearest palette colour.
struct OKLab: Sendable {
    var l: Float, a: Float, b: Float

    init(l: Float, a: Float, b: Float) { self.l = l; self.a = a; self.b = b }

    init(_ c: LinearRGB) {
        let lms = (
            0.4122214708 * c.r + 0.5363325363 * c.g + 0.0514459929 * c.b,
            0.2119034982 * c.r + 0.6806995451 * c.g + 0.1073969566 * c.b,
            0.0883024619 * c.r + 0.2817188376 * c.g + 0.6299787005 * c.b)
        let l_ = cbrtf(lms.0), m_ = cbrtf(lms.1), s_ = cbrtf(lms.2)
        l = 0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_
        a = 1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_
        b = 0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_
    }

    func distanceSquared(_ o: OKLab, lightnessWeight: Float = 1) -> Float {
        let dl = l - o.l, da = a - o.a, db = b - o.b
        return lightnessWeight * dl * dl + da * da + db * db
    }
}
