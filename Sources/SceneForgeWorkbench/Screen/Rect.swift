/// A rectangle of terminal cells.
public struct Rect: Equatable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// The inside of a one-cell border.
    public var inset: Rect { Rect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }

    /// Splits off `columns` on the left; the rest follows a one-column gap.
    public func splitLeft(_ columns: Int, gap: Int = 1) -> (Rect, Rect) {
        let left = min(columns, width)
        return (Rect(x: x, y: y, width: left, height: height),
                Rect(x: x + left + gap, y: y, width: width - left - gap, height: height))
    }

    public func splitTop(_ rows: Int, gap: Int = 0) -> (Rect, Rect) {
        let top = min(rows, height)
        return (Rect(x: x, y: y, width: width, height: top),
                Rect(x: x, y: y + top + gap, width: width, height: height - top - gap))
    }
}
