import SceneForgeImaging

extension RasterImage {
    /// The image as opaque RGBA (grey masks and RGB control images alike): what PNG writing and the pipelines take.
    public func rgba() throws -> RGBAImage {
        var out = [UInt8](repeating: 255, count: width * height * 4)
        for i in 0..<(width * height) {
            for c in 0..<3 { out[i * 4 + c] = pixels[i * channels + (channels == 1 ? 0 : c)] }
        }
        return try RGBAImage(width: width, height: height, pixels: out)
    }
}
