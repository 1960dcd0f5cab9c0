/// Options for the inpainting mask.
public struct MaskOptions: Equatable, Sendable {
    /// Grow each anomaly box by this many pixels (a disc-shaped dilation: corners round off).
    public var dilation: Int
    /// Fade from 255 to 0 over this many pixels beyond the dilated edge (0 = hard edge).
    public var feather: Int
    /// Include backdrop boxes (dim overlays). Off by default: an overlay covers the whole screen,
    /// and an edit that regenerates every pixel is no longer an edit.
    public var includeBackdrops: Bool

    public init(dilation: Int = 0, feather: Int = 0, includeBackdrops: Bool = false) {
        self.dilation = dilation
        self.feather = feather
        self.includeBackdrops = includeBackdrops
    }

    /// The widest grow or fade accepted, in pixels.
    public static let maximumRadius = 1024
}

/// Draws the 8-bit inpainting mask: 255 inside the anomaly boxes, 0 elsewhere, with optional
/// dilation and a linear feather measured as Euclidean distance from the box.
struct MaskRenderer {
    let size: RasterSize
    let options: MaskOptions

    init(size: RasterSize, options: MaskOptions) throws {
        let radii = 0...MaskOptions.maximumRadius
        guard radii.contains(options.dilation) else {
            throw RasterError("mask dilation \(options.dilation) is out of range \(radii)")
        }
        guard radii.contains(options.feather) else {
            throw RasterError("mask feather \(options.feather) is out of range \(radii)")
        }
        self.size = size
        self.options = options
    }

    func render(_ layout: Layout) throws -> RasterImage {
        var canvas = Canvas(size: size, channels: 1)
        let boxes = layout.anomalyBoxes.filter { options.includeBackdrops || !$0.kind.isBackdrop }
        for box in boxes {
            let rect = PixelRect(box.rect, in: size)
            if options.dilation == 0 && options.feather == 0 {
                canvas.fill(rect, color: [255])
            } else {
                paintSoft(rect, on: &canvas)
            }
        }
        return try canvas.image()
    }

    /// Distance is counted in whole pixels from the box: the first pixel outside is at 1.
    private func paintSoft(_ rect: PixelRect, on canvas: inout Canvas) {
        let reach = options.dilation + options.feather
        let grown = Double(options.dilation)
        let fade = Double(options.feather + 1)
        for y in max(rect.y - reach, 0)..<min(rect.maxY + reach, size.height) {
            let dy = Double(max(rect.y - y, 0, y - (rect.maxY - 1)))
            for x in max(rect.x - reach, 0)..<min(rect.maxX + reach, size.width) {
                let dx = Double(max(rect.x - x, 0, x - (rect.maxX - 1)))
                let distance = (dx * dx + dy * dy).squareRoot()
                if distance <= grown {
                    canvas.raise(x: x, y: y, to: 255)
                } else if distance < grown + fade {
                    let value = 255 * (1 - (distance - grown) / fade)
                    canvas.raise(x: x, y: y, to: UInt8(value.rounded()))
                }
            }
        }
    }
}
