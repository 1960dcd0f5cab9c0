import SceneForgeImaging
import SceneForgeScenes

/// Renders phone screens of one app style from layouts: the procedural stand-in for real
/// screenshots that the embedded default model is trained on. Pure Swift, deterministic per
/// (seed, layout, style, theme, size).
public struct ScreenRenderer: Sendable {
    public let style: AppStyle
    public let theme: ThemeChoice

    /// Accepted sides: large enough for the shapes to mean something, small enough for memory.
    public static let sides = 16...8192

    public init(style: AppStyle, theme: ThemeChoice = .auto) {
        self.style = style
        self.theme = theme
    }

    /// The palette a seed gets (theme, header look, jittered colours and radii).
    public func palette(seed: UInt64) -> ScreenPalette { ScreenPalette.resolve(style, theme: theme, seed: seed) }

    /// One screen as an opaque RGBA image.
    public func render(_ layout: Layout, seed: UInt64, width: Int, height: Int, variant: RenderVariant = .anomaly) throws -> RGBAImage {
        let size = try Self.size(width: width, height: height)
        let painter = ScreenPainter(layout: layout, style: style.name, palette: palette(seed: seed), size: size, seed: seed, variant: variant)
        return try RGBAImage(width: width, height: height, pixels: painter.paint())
    }

    /// A training sample: the anomaly screen, its normal twin, the control image, the inpainting
    /// mask and the ground-truth boxes, all at one size from the same box-to-pixel mapping.
    public func sample(
        _ layout: Layout, seed: UInt64, width: Int, height: Int, control: ControlStyle = .edges, mask: MaskOptions = MaskOptions()
    ) throws -> SynthSample {
        let size = try Self.size(width: width, height: height)
        let rasterizer = LayoutRasterizer(layout: layout, size: size)
        return SynthSample(
            layout: layout, styleName: style.name, palette: palette(seed: seed), seed: seed,
            image: try render(layout, seed: seed, width: width, height: height, variant: .anomaly),
            normal: try render(layout, seed: seed, width: width, height: height, variant: .normal),
            control: try rasterizer.controlImage(style: control), mask: try rasterizer.inpaintingMask(mask),
            groundTruth: rasterizer.anomalyGroundTruth())
    }

    static func size(width: Int, height: Int) throws -> RasterSize {
        guard sides.contains(width), sides.contains(height) else {
            throw SynthError("render size \(width)x\(height) is out of range (each side \(sides.lowerBound)...\(sides.upperBound) pixels)")
        }
        return try RasterSize(width: width, height: height)
    }
}

/// One rendered training example.
public struct SynthSample: Sendable {
    public let layout: Layout
    public let styleName: String
    /// What the seed chose: theme, colours, radii.
    public let palette: ScreenPalette
    public let seed: UInt64
    /// The screen with its anomaly.
    public let image: RGBAImage
    /// The same screen without the anomaly (the source of an edit/inpainting pair).
    public let normal: RGBAImage
    /// The ControlNet condition (LayoutRasterizer).
    public let control: RasterImage
    /// 255 inside the anomaly boxes (LayoutRasterizer).
    public let mask: RasterImage
    /// The anomaly boxes in pixels, as output records list them.
    public let groundTruth: [GroundTruthBox]
}

