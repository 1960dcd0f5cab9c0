import SceneForgeImaging

/// An image as float planes in 0...1: red, green, blue, luma and saturation (max − min of RGB).
/// Every measurement reads these, so a generated PNG and a renderer screen go through the same code.
public struct ColourPlanes: Sendable {
    public let width: Int
    public let height: Int
    public let red: [Float]
    public let green: [Float]
    public let blue: [Float]
    public let luma: [Float]
    public let saturation: [Float]

    public init(_ image: RGBAImage) throws {
        guard image.width >= 8, image.height >= 8 else {
            throw QualityError("image \(image.width)x\(image.height) is too small to measure (each side must be at least 8 pixels)")
        }
        let count = image.width * image.height
        guard image.pixels.count == count * 4 else {
            throw QualityError("image \(image.width)x\(image.height) holds \(image.pixels.count) bytes, expected \(count * 4) (RGBA)")
        }
        var r = [Float](repeating: 0, count: count), g = r, b = r, l = r, s = r
        image.pixels.withUnsafeBufferPointer { px in
            for i in 0..<count {
                let red = Float(px[i * 4]) / 255, green = Float(px[i * 4 + 1]) / 255, blue = Float(px[i * 4 + 2]) / 255
                r[i] = red
                g[i] = green
                b[i] = blue
                l[i] = 0.299 * red + 0.587 * green + 0.114 * blue
                s[i] = max(red, green, blue) - min(red, green, blue)
            }
        }
        (width, height, red, green, blue, luma, saturation) = (image.width, image.height, r, g, b, l, s)
    }

    /// The median of a plane: the page level of a screen, since the page covers most of it.
    public static func median(_ plane: [Float]) -> Float {
        guard !plane.isEmpty else { return 0 }
        // A 256-bin histogram is exact enough for 8-bit sources and linear in time.
        var bins = [Int](repeating: 0, count: 256)
        for v in plane { bins[min(255, max(0, Int(v * 255 + 0.5)))] += 1 }
        var seen = 0
        for (index, count) in bins.enumerated() {
            seen += count
            if seen * 2 >= plane.count { return Float(index) / 255 }
        }
        return 1
    }
}
