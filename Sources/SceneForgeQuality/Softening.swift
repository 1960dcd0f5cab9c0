import SceneForgeImaging
import SceneForgeSynth

/// Renderer screens made to look more like a small generator's drawing of them. The detector trains and
/// calibrates on these beside the crisp screens, because what it measures is generated images, whose anomalies
/// have the renderer's shapes but softer edges and contrast, and a glow around them.
public enum Softening {
    /// How a screen is softened.
    public enum Kind: Sendable, CaseIterable {
        /// Blurred by a pixel or two and faded towards the page colour: soft edges, low contrast.
        case blur
        /// `blur` with a wide blur of the same screen blended in: the haze a small generator draws around a
        /// saturated element, which runs past the element's edge onto the page (a button's pink glow). Without
        /// it the detector reads that haze as more anomaly, and its region runs on past what was drawn.
        case halo
    }

    /// Box-blur radii (pixels at 128 wide) and contrast factors drawn per screen.
    static let radii = 1...2
    static let contrast = 0.45...0.85
    /// The halo's wide blur radii (pixels at 128 wide) and its share of the blend.
    static let haloRadii = 3...6
    static let haloShare = 0.25...0.6

    /// Each screen softened by its own seed, its labels kept.
    static func soften(_ screens: [LabelledScreen], _ kind: Kind = .blur) throws -> [LabelledScreen] {
        try screens.map { LabelledScreen(image: try soften($0.image, seed: $0.seed, kind), layout: $0.layout, style: $0.style, seed: $0.seed) }
    }

    /// One screen softened, the same for the same seed. A halo screen is its blur screen with the halo blended in.
    public static func soften(_ image: RGBAImage, seed: UInt64, _ kind: Kind = .blur) throws -> RGBAImage {
        var rng = SeededRandom(seed: seed, key: 0x50F7E4)
        let scale = { (pixels: Int) in max(1, pixels * image.width / 128) }
        let radius = scale(rng.int(radii))
        let keep = Float(rng.uniform(contrast))
        let blurred = try fade(image, keeping: keep, blurRadius: radius)
        guard kind == .halo else { return blurred }
        let wide = try fade(image, keeping: keep, blurRadius: scale(rng.int(haloRadii)))
        let share = Float(rng.uniform(haloShare))
        let pixels = zip(blurred.pixels, wide.pixels).map { near, far in
            UInt8(((1 - share) * Float(near) + share * Float(far)).rounded())
        }
        return try RGBAImage(width: image.width, height: image.height, pixels: pixels)
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
