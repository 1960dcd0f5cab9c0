/// A rectangle in canvas-relative coordinates: (0, 0) is the top-left corner, (1, 1) the bottom-right.
public struct NormalizedRect: Equatable, Hashable, Sendable, Codable {
    public var x: Double
    public var y: Double
    public var w: Double
    public var h: Double

    public init(x: Double, y: Double, w: Double, h: Double) {
        self.x = x
        self.y = y
        self.w = w
        self.h = h
    }
}
