import SceneForgeScenes

/// Connected components of a binary mask (4-connectivity) as bounding boxes.
enum ConnectedRegions {
    struct Region {
        let rect: PixelRect
        let area: Int
        /// The sum of the weights of its pixels (its area when there are none).
        let mass: Double
        /// The largest weight of its pixels (1 when there are none).
        let peak: Float
    }

    /// Bounding boxes of the components of `mask` with at least `minArea` pixels, largest first.
    static func boxes(_ mask: [Bool], width: Int, height: Int, minArea: Int) -> [PixelRect] {
        regions(mask, width: width, height: height, minArea: minArea).map(\.rect)
    }

    /// The components of `mask` with at least `minArea` pixels, heaviest first by `weights` (pixel count without).
    static func regions(_ mask: [Bool], weights: [Float]? = nil, width: Int, height: Int, minArea: Int) -> [Region] {
        var label = [Int32](repeating: -1, count: width * height)
        var found: [Region] = []
        var stack: [Int] = []
        for start in 0..<(width * height) where mask[start] && label[start] < 0 {
            var (x0, y0, x1, y1, area, mass, peak) = (width, height, 0, 0, 0, 0.0, -Float.infinity)
            label[start] = Int32(found.count)
            stack.append(start)
            while let p = stack.popLast() {
                let (x, y) = (p % width, p / width)
                (x0, y0, x1, y1) = (min(x0, x), min(y0, y), max(x1, x), max(y1, y))
                area += 1
                mass += Double(weights?[p] ?? 1)
                peak = max(peak, weights?[p] ?? 1)
                for q in [x > 0 ? p - 1 : -1, x + 1 < width ? p + 1 : -1, y > 0 ? p - width : -1, y + 1 < height ? p + width : -1]
                where q >= 0 && mask[q] && label[q] < 0 {
                    label[q] = Int32(found.count)
                    stack.append(q)
                }
            }
            found.append(Region(rect: PixelRect(x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1), area: area, mass: mass, peak: peak))
        }
        return found.filter { $0.area >= minArea }.sorted { $0.mass > $1.mass }
    }
}

/// Intersection over union of two regions, each given as a union of boxes, counted in pixels.
public enum RegionOverlap {
    public static func iou(_ a: [PixelRect], _ b: [PixelRect], width: Int, height: Int) -> Double {
        let first = mask(a, width: width, height: height), second = mask(b, width: width, height: height)
        var both = 0, either = 0
        for i in 0..<first.count {
            if first[i] && second[i] { both += 1 }
            if first[i] || second[i] { either += 1 }
        }
        // Two empty regions agree perfectly.
        return either == 0 ? 1 : Double(both) / Double(either)
    }

    static func mask(_ boxes: [PixelRect], width: Int, height: Int) -> [Bool] {
        var out = [Bool](repeating: false, count: width * height)
        for box in boxes {
            let (x0, x1) = (max(0, box.x), min(width, box.maxX)), (y0, y1) = (max(0, box.y), min(height, box.maxY))
            guard x0 < x1, y0 < y1 else { continue }
            for y in y0..<y1 { for x in x0..<x1 { out[y * width + x] = true } }
        }
        return out
    }
}

/// Groups boxes that nearly touch into one box: the parts of one anomaly (an error icon, its message and its
/// retry button; a skeleton's blocks) read as one region, and the gaps between them are not worth measuring.
public enum BoxGrouping {
    /// Boxes closer than this fraction of the screen's height (vertically) and width (horizontally) join.
    public static let gapFraction = (width: 0.05, height: 0.04)

    public static func merge(_ boxes: [PixelRect], width: Int, height: Int, gapScale: Double = 1) -> [PixelRect] {
        merge(boxes.map { ($0, 1.0) }, width: width, height: height, gapScale: gapScale).map(\.rect)
    }

    /// Merges weighted boxes; a merged box carries the sum of its parts' weights. `gapScale` scales `gapFraction`
    /// (0: only boxes that touch or overlap join).
    static func merge(_ boxes: [(rect: PixelRect, weight: Double)], width: Int, height: Int,
                      gapScale: Double = 1) -> [(rect: PixelRect, weight: Double)] {
        let gapX = Int((gapScale * gapFraction.width * Double(width)).rounded())
        let gapY = Int((gapScale * gapFraction.height * Double(height)).rounded())
        var groups = boxes
        var changed = true
        while changed {
            changed = false
            search: for i in groups.indices {
                for j in groups.indices where j > i {
                    let (a, b) = (groups[i].rect, groups[j].rect)
                    let dx = max(0, b.x - a.maxX, a.x - b.maxX), dy = max(0, b.y - a.maxY, a.y - b.maxY)
                    guard dx <= gapX, dy <= gapY else { continue }
                    let x0 = min(a.x, b.x), y0 = min(a.y, b.y), x1 = max(a.maxX, b.maxX), y1 = max(a.maxY, b.maxY)
                    groups[i] = (PixelRect(x: x0, y: y0, w: x1 - x0, h: y1 - y0), groups[i].weight + groups[j].weight)
                    groups.remove(at: j)
                    changed = true
                    break search
                }
            }
        }
        return groups
    }
}
