/// For every row, how strongly it belongs to a band that repeats elsewhere on the screen at the same
/// columns (a duplicated list entry). Local colour features cannot see duplication, so the detector gets
/// it as its own feature. Only vertical repeats are searched: list entries stack vertically.
enum DuplicateRows {
    /// Mean absolute luma difference under which two rows count as the same content.
    static let sameRow: Float = 0.03
    /// A row with less luma spread than this is blank (page background) and never counts as content.
    static let blankRow: Float = 0.04

    /// One score per row in 0...1: the largest fraction of content rows, in a window around the row, that
    /// match the rows one fixed shift away.
    static func scores(luma: [Float], width: Int, height: Int) -> [Float] {
        let minShift = max(2, height / 20), window = max(2, height / 40)
        var content = [Bool](repeating: false, count: height)
        for y in 0..<height {
            let row = luma[(y * width)..<((y + 1) * width)]
            content[y] = (row.max() ?? 0) - (row.min() ?? 0) > blankRow
        }
        var best = [Float](repeating: 0, count: height)
        guard height > minShift else { return best }
        luma.withUnsafeBufferPointer { l in
            var matches = [Bool](repeating: false, count: height)
            for shift in minShift..<height {
                for y in 0..<(height - shift) {
                    guard content[y] else { matches[y] = false; continue }
                    var sum: Float = 0
                    let a = y * width, b = (y + shift) * width
                    for x in 0..<width { sum += abs(l[a + x] - l[b + x]) }
                    matches[y] = sum / Float(width) < sameRow
                }
                for y in 0..<(height - shift) where matches[y] {
                    let lo = max(0, y - window), hi = min(height - shift - 1, y + window)
                    var hits = 0
                    for v in lo...hi where matches[v] { hits += 1 }
                    let score = Float(hits) / Float(2 * window + 1)
                    best[y] = max(best[y], score)
                    best[y + shift] = max(best[y + shift], score)
                }
            }
        }
        return best
    }
}
