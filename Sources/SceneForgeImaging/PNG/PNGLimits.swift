/// Bounds applied before any pixel is decoded, so a hostile file cannot make SceneForge
/// allocate unbounded memory.
public struct PNGLimits: Equatable, Sendable {
    /// Largest width * height accepted (64 Mpixel = 256 MB as RGBA).
    public var maxPixels: Int
    /// Largest width or height accepted.
    public var maxDimension: Int
    /// Largest decompressed size of one text chunk (zTXt / compressed iTXt).
    public var maxTextBytes: Int

    public init(maxPixels: Int = 64 << 20, maxDimension: Int = 1 << 16, maxTextBytes: Int = 4 << 20) {
        self.maxPixels = maxPixels
        self.maxDimension = maxDimension
        self.maxTextBytes = maxTextBytes
    }

    public static let `default` = PNGLimits()

    func check(_ header: PNGHeader) throws {
        guard header.width <= maxDimension, header.height <= maxDimension else {
            throw ImagingError.imageTooLarge(
                "IHDR says \(header.width)x\(header.height); the limit is \(maxDimension) per side")
        }
        guard header.width * header.height <= maxPixels else {
            throw ImagingError.imageTooLarge(
                "IHDR says \(header.width)x\(header.height) = \(header.width * header.height) pixels; the limit is \(maxPixels)")
        }
    }
}
