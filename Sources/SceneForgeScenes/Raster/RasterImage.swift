/// An 8-bit image, row-major, channels interleaved (1 = grey, 3 = RGB).
public struct RasterImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var pixels: [UInt8]

    /// The largest side accepted; 16384 covers any diffusion output with room to spare.
    public static let maximumSide = 16384

    /// A blank (all `fill`) image; throws for a size or channel count out of range.
    public init(width: Int, height: Int, channels: Int, fill: UInt8 = 0) throws {
        try RasterSize.validate(width: width, height: height)
        guard channels == 1 || channels == 3 else {
            throw RasterError("channels must be 1 (grey) or 3 (RGB), got \(channels)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = [UInt8](repeating: fill, count: width * height * channels)
    }

    /// Wraps existing pixels; throws when their count does not match the size.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        try self.init(width: width, height: height, channels: channels)
        guard pixels.count == width * height * channels else {
            throw RasterError("expected \(width * height * channels) bytes for \(width)x\(height)x\(channels), got \(pixels.count)")
        }
        self.pixels = pixels
    }

    /// The channel values of one pixel; nil outside the image.
    public func pixel(x: Int, y: Int) -> [UInt8]? {
        guard (0..<width).contains(x), (0..<height).contains(y) else { return nil }
        let start = (y * width + x) * channels
        return Array(pixels[start..<start + channels])
    }
}

/// A pixel size, validated once.
public struct RasterSize: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) throws {
        try Self.validate(width: width, height: height)
        self.width = width
        self.height = height
    }

    static func validate(width: Int, height: Int) throws {
        let side = 1...RasterImage.maximumSide
        guard side.contains(width), side.contains(height) else {
            throw RasterError("image size \(width)x\(height) is out of range (each side 1...\(RasterImage.maximumSide))")
        }
    }

    public var description: String { "\(width)x\(height)" }
}

/// A rasterisation request that cannot be honoured (bad size, bad option).
public struct RasterError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
