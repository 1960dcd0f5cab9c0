/// One box of a rendered layout in pixel coordinates, as output records store it.
public struct GroundTruthBox: Equatable, Sendable, Codable {
    public var boxId: String
    public var kind: BoxKind
    public var text: String?
    /// True when the box is part of the anomaly.
    public var isAnomaly: Bool
    /// The layout's anomaly type id, set on anomaly boxes only.
    public var anomalyType: String?
    public var rect: PixelRect

    /// COCO's `[x, y, width, height]`.
    public var coco: [Int] { rect.coco }

    public init(boxId: String, kind: BoxKind, text: String?, isAnomaly: Bool, anomalyType: String?, rect: PixelRect) {
        self.boxId = boxId
        self.kind = kind
        self.text = text
        self.isAnomaly = isAnomaly
        self.anomalyType = anomalyType
        self.rect = rect
    }
}
