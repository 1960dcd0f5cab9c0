/// An 8-bit-per-channel RGBA image in row-major order, straight (not premultiplied) alpha,
/// sRGB-encoded colour. This is the in-memory form of every image SceneForge reads or writes:
/// 16-bit PNGs are reduced to 8 bits on read, which is all a thumbnail or a record needs.
public struct RGBAImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width * height * 4` bytes: R, G, B, A per pixel.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0 else {
            throw ImagingError.invalidImage("image size \(width)x\(height) must be positive")
        }
        guard pixels.count == width * height * 4 else {
            throw ImagingError.invalidImage(
                "pixel buffer has \(pixels.count) bytes, expected \(width * height * 4) for \(width)x\(height) RGBA")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A solid-colour image, handy for tests and generated fixtures.
    public init(width: Int, height: Int, fill: (r: UInt8, g: UInt8, b: UInt8, a: UInt8)) throws {
        var pixels = [UInt8](repeating: 0, count: max(0, width * height * 4))
        for i in stride(from: 0, to: pixels.count, by: 4) {
            pixels[i] = fill.r; pixels[i + 1] = fill.g; pixels[i + 2] = fill.b; pixels[i + 3] = fill.a
        }
        try self.init(width: width, height: height, pixels: pixels)
    }

    /// True when every alpha value is 255, so the image can be stored as RGB.
    public var isOpaque: Bool {
        var i = 3
        while i < pixels.count {
            if pixels[i] != 255 { return false }
            i += 4
        }
        return true
    }

    public func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        let i = (y * width + x) * 4
        return (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3])
    }
}
