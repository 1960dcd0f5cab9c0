/// One typed box of a layout.
public struct LayoutBox: Equatable, Sendable {
    /// Unique within its layout; files may omit it, then it is "<kind>_<index>".
    public var id: String
    public var kind: BoxKind
    public var rect: NormalizedRect
    /// Text the box shows (a button label, a toast message); nil when it has none.
    public var text: String?
    /// True when this box is part of the anomaly (it goes into the mask and the ground truth).
    public var isAnomaly: Bool
    /// Stacking order: higher z is drawn later (on top); equal z keeps file order.
    public var z: Int

    public init(id: String, kind: BoxKind, rect: NormalizedRect, text: String? = nil, isAnomaly: Bool = false, z: Int = 0) {
        self.id = id
        self.kind = kind
        self.rect = rect
        self.text = text
        self.isAnomaly = isAnomaly
        self.z = z
    }
}

/// A phone screen as typed boxes on a normalised canvas, with the anomaly it shows.
public struct Layout: Equatable, Sendable {
    public var id: String
    public var name: String
    public var description: String
    /// The id of the `AnomalyType` the anomaly boxes make up.
    public var anomalyType: String
    public var aspect: CanvasAspect
    /// In file order; use `boxesInDrawingOrder` to paint.
    public var boxes: [LayoutBox]
    /// Where the layout came from, for messages ("layouts/toast.toml").
    public var source: String

    public init(
        id: String, name: String, description: String = "", anomalyType: String,
        aspect: CanvasAspect = .phone, boxes: [LayoutBox], source: String = "<memory>"
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.anomalyType = anomalyType
        self.aspect = aspect
        self.boxes = boxes
        self.source = source
    }

    public var anomalyBoxes: [LayoutBox] { boxes.filter(\.isAnomaly) }

    /// Bottom to top: by z, then file order (a stable sort, so equal z never reorders).
    public var boxesInDrawingOrder: [LayoutBox] {
        boxes.enumerated()
            .sorted { ($0.element.z, $0.offset) < ($1.element.z, $1.offset) }
            .map(\.element)
    }
}
