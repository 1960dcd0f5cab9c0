import SceneForgeImaging
import SceneForgeSynth

/// Renderer screens made to look more like a small generator's drawing of them: blurred, and pulled towards
/// the page colour. The detector trains and calibrates on these beside the crisp screens, because what it
/// measures is generated images, whose anomalies have the renderer's shapes but softer edges and contrast.
public enum Softening {
    /// Box-blur radii (pixels at 128 wide) and contrast factors drawn per screen.
    static let radii = 1...2
    static let contrast = 0.45...0.85

    /// Each screen softened by its own seed, its labels kept.
    static func soften(_ screens: [LabelledScreen]) throws -> [LabelledScreen] {
        try screens.map { LabelledScreen(image: try soften($0.image, seed: $0.seed), layout: $0.layout, style: $0.style, seed: $0.seed) }
    }

    public static func soften(_ image: RGBAImage, seed: UInt64) throws -> RGBAImage {
        var rng = SeededRandom(seed: seed, key: 0x50F7E4)
        let radius = max(1, rng.int(radii) * image.width / 128)
        let keep = Float(rng.uniform(contrast))
        return try fade(image, keeping: keep, blurRadius: radius)
    }

    /// Every pixel moved to `share` of its distance from the page colour (each channel's median), after a box
    /// blur of `blurRadius` pixels (0: none).
    public static func fade(_ image: RGBAImage, keeping share: Float, blurRadius: Int = 0) throws -> RGBAImage {
        let planes = try ColourPlanes(image)
        let (w, h) = (image.width, image.height)
        var pixels = image.pixels
        for (channel, plane) in [planes.red, planes.green, planes.blue].enumerated() {
            let page = ColourPlanes.median(plane)
            let source = blurRadius > 0 ? SummedArea(plane, width: w, height: h).means(radius: blurRadius) : plane
            for i in 0..<(w * h) {
                let value = page + share * (source[i] - page)
                pixels[4 * i + channel] = UInt8(max(0, min(255, (value * 255).rounded())))
            }
        }
        return try RGBAImage(width: w, height: h, pixels: pixels)
    }
}
