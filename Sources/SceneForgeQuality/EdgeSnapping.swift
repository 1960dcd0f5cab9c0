import SceneForgeScenes

/// Moves a detected box's edges onto the image's own edges nearby. The detector finds regions on a smoothed score
/// map at half the width, so a box's sides land a few pixels off the anomaly's; an anomaly element (a banner, a
/// toast, a button) ends where its colour meets the page's. Each side moves, within a radius, to the row or column
/// where the colour changes most across it.
public struct EdgeSnapping: Sendable {
    let planes: ColourPlanes

    public init(planes: ColourPlanes) { self.planes = planes }
    /// Rows (or columns) averaged on each side of a candidate edge, so a one-pixel line or a soft edge still reads.
    static let band = 2

    /// `box` with each side moved, within `radius` pixels, to its strongest edge (the nearest of equals).
    public func snapped(_ box: PixelRect, radius: Int) -> PixelRect {
        guard radius > 0, box.w > 0, box.h > 0 else { return box }
        // Each side stays inside the image and at least a pixel from the opposite one.
        let top = best(around: box.y, radius: radius, limit: 0..<max(0, box.maxY - 1)) { horizontalEdge(at: $0, columns: box.x..<box.maxX) }
        let bottom = best(around: box.maxY, radius: radius, limit: (top + 1)..<(planes.height + 1)) { horizontalEdge(at: $0, columns: box.x..<box.maxX) }
        let left = best(around: box.x, radius: radius, limit: 0..<max(0, box.maxX - 1)) { verticalEdge(at: $0, rows: top..<bottom) }
        let right = best(around: box.maxX, radius: radius, limit: (left + 1)..<(planes.width + 1)) { verticalEdge(at: $0, rows: top..<bottom) }
        return PixelRect(x: left, y: top, w: right - left, h: bottom - top)
    }

    /// The position within `radius` of `start` (and inside `limit`) where `strength` is greatest; nearer wins ties.
    private func best(around start: Int, radius: Int, limit: Range<Int>, _ strength: (Int) -> Float) -> Int {
        var chosen = start, strongest = limit.contains(start) ? strength(start) : -1
        for distance in 1...radius {
            for position in [start - distance, start + distance] where limit.contains(position) {
                let value = strength(position)
                if value > strongest { (chosen, strongest) = (position, value) }
            }
        }
        return chosen
    }

    /// How much the colour changes across a row boundary at `row` (the pixels just above it against those from it on),
    /// along `columns`: per column, the summed RGB difference of the two bands' means, averaged along the side.
    func horizontalEdge(at row: Int, columns: Range<Int>) -> Float { edge(at: row, along: columns, acrossRows: true) }

    /// As `horizontalEdge`, across a column boundary at `column`, along `rows`.
    func verticalEdge(at column: Int, rows: Range<Int>) -> Float { edge(at: column, along: rows, acrossRows: false) }

    private func edge(at position: Int, along span: Range<Int>, acrossRows: Bool) -> Float {
        let (length, depth) = acrossRows ? (planes.width, planes.height) : (planes.height, planes.width)
        let span = span.clamped(to: 0..<length)
        let before = max(0, position - Self.band)..<min(depth, position), after = max(0, position)..<min(depth, position + Self.band)
        guard !span.isEmpty, !before.isEmpty, !after.isEmpty else { return 0 }
        func mean(_ plane: [Float], at along: Int, over band: Range<Int>) -> Float {
            band.reduce(0) { sum, across in sum + plane[acrossRows ? across * planes.width + along : along * planes.width + across] }
                / Float(band.count)
        }
        var total: Float = 0
        for along in span {
            for plane in [planes.red, planes.green, planes.blue] {
                total += abs(mean(plane, at: along, over: after) - mean(plane, at: along, over: before))
            }
        }
        return total / Float(span.count)
    }
}
