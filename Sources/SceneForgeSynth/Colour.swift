/// An sRGB colour with components in 0...255 (Float, so blends and jitters need no clamping
/// until a pixel is written).
public struct Colour: Equatable, Sendable {
    public var r: Float
    public var g: Float
    public var b: Float

    public init(_ r: Float, _ g: Float, _ b: Float) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// From 0xRRGGBB.
    public init(hex: UInt32) {
        self.init(Float((hex >> 16) & 0xFF), Float((hex >> 8) & 0xFF), Float(hex & 0xFF))
    }

    public static let white = Colour(255, 255, 255)
    public static let black = Colour(0, 0, 0)

    /// Rec. 709 luma on the encoded values: cheap and good enough to pick a readable text colour.
    public var luma: Float { 0.2126 * r + 0.7152 * g + 0.0722 * b }

    /// `self` moved toward `other` by `t` (0 = self, 1 = other).
    public func mixed(with other: Colour, _ t: Float) -> Colour {
        Colour(r + (other.r - r) * t, g + (other.g - g) * t, b + (other.b - b) * t)
    }

    public func lighter(_ t: Float) -> Colour { mixed(with: .white, t) }
    public func darker(_ t: Float) -> Colour { mixed(with: .black, t) }

    /// White or near-black, whichever reads better on this colour.
    public var readableText: Colour { luma > 165 ? Colour(hex: 0x1F1F1F) : .white }

    /// The same colour with its hue turned by `degrees` and saturation/value scaled (HSV).
    public func adjusted(hue degrees: Float, saturation: Float = 1, value: Float = 1) -> Colour {
        let (h, s, v) = hsv
        return Colour.fromHSV(h + degrees, min(max(s * saturation, 0), 1), min(max(v * value, 0), 1))
    }

    var hsv: (Float, Float, Float) {
        let maxC = max(r, g, b), minC = min(r, g, b)
        let delta = maxC - minC
        var hue: Float = 0
        if delta > 0 {
            if maxC == r { hue = 60 * ((g - b) / delta) }
            else if maxC == g { hue = 60 * ((b - r) / delta + 2) }
            else { hue = 60 * ((r - g) / delta + 4) }
        }
        return (hue, maxC > 0 ? delta / maxC : 0, maxC / 255)
    }

    static func fromHSV(_ hue: Float, _ s: Float, _ v: Float) -> Colour {
        var h = hue.truncatingRemainder(dividingBy: 360)
        if h < 0 { h += 360 }
        let c = v * s
        let x = c * (1 - abs((h / 60).truncatingRemainder(dividingBy: 2) - 1))
        let m = v - c
        let (r, g, b): (Float, Float, Float)
        switch h {
        case ..<60: (r, g, b) = (c, x, 0)
        case ..<120: (r, g, b) = (x, c, 0)
        case ..<180: (r, g, b) = (0, c, x)
        case ..<240: (r, g, b) = (0, x, c)
        case ..<300: (r, g, b) = (x, 0, c)
        default: (r, g, b) = (c, 0, x)
        }
        return Colour((r + m) * 255, (g + m) * 255, (b + m) * 255)
    }
}
