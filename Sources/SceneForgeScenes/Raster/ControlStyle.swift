/// The two kinds of ControlNet control image a layout renders to.
public enum ControlStyle: String, CaseIterable, Sendable {
    /// White outlines and text strokes on black (Canny/HED/scribble-like).
    case edges
    /// Flat fills per box kind in `SegmentationPalette` colours.
    case segmentation
}
