import SceneForgeScenes

/// Connected components of a binary mask (4-connectivity) as bounding boxes.
enum ConnectedRegions {
    /// Bounding boxes of the components of `mask` with at least `minArea` pixels, largest first.
    static func boxes(_ mask: [Bool], width: Int, height: Int, minArea: Int) -> [PixelRect] {
        var label = [Int32](repeating: -1, count: width * height)
        var found: [(area: Int, rect: PixelRect)] = []
        var stack: [Int] = []
        for start in 0..<(width * height) where mask[start] && label[start] < 0 {
            var (x0, y0, x1, y1, area) = (width, height, 0, 0, 0)
            label[start] = Int32(found.count)
            stack.append(start)
            while let p = stack.popLast() {
                let (x, y) = (p % width, p / width)
                (x0, y0, x1, y1) = (min(x0, x), min(y0, y), max(x1, x), max(y1, y))
                area += 1
                for q in [x > 0 ? p - 1 : -1, x + 1 < width ? p + 1 : -1, y > 0 ? p - width : -1, y + 1 < height ? p + width : -1]
                where q >= 0 && mask[q] && label[q] < 0 {
                    label[q] = Int32(found.count)
                    stack.append(q)
                }
            }
            found.append((area, PixelRect(x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1)))
        }
        return found.filter { $0.area >= minArea }.sorted { $0.area > $1.area }.map(\.rect)
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
