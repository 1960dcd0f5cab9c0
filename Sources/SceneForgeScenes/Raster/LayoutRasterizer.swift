/// Renders a layout at one pixel size: control images, the inpainting mask and the ground-truth
/// boxes, all from the same box-to-pixel mapping (`PixelRect`), so they always agree.
/// Pure Swift and deterministic: the same layout and size give the same bytes everywhere.
public struct LayoutRasterizer: Sendable {
    public let layout: Layout
    public let size: RasterSize

    public init(layout: Layout, size: RasterSize) {
        self.layout = layout
        self.size = size
    }

    /// Convenience for callers holding plain integers; throws for sizes out of range.
    public init(layout: Layout, width: Int, height: Int) throws {
        self.init(layout: layout, size: try RasterSize(width: width, height: height))
    }

    /// An 8-bit RGB ControlNet condition image.
    public func controlImage(style: ControlStyle) throws -> RasterImage {
        switch style {
        case .edges: return try EdgesRenderer(size: size).render(layout)
        case .segmentation: return try SegmentationRenderer(size: size).render(layout)
        }
    }

    /// An 8-bit single-channel mask: 255 inside the anomaly boxes.
    public func inpaintingMask(_ options: MaskOptions = MaskOptions()) throws -> RasterImage {
        try MaskRenderer(size: size, options: options).render(layout)
    }

    /// Every box in pixel coordinates, in file order; anomaly boxes carry the anomaly type.
    public func groundTruth() -> [GroundTruthBox] {
        layout.boxes.map { box in
            GroundTruthBox(
                boxId: box.id, kind: box.kind, text: box.text, isAnomaly: box.isAnomaly,
                anomalyType: box.isAnomaly ? layout.anomalyType : nil, rect: PixelRect(box.rect, in: size))
        }
    }

    /// Only the anomaly boxes: what an output record's annotation lists.
    public func anomalyGroundTruth() -> [GroundTruthBox] { groundTruth().filter(\.isAnomaly) }
}
