/// A small gradient-boosted ensemble of depth-2 regression trees (squared loss on 0/1 targets) over
/// pre-binned features: a non-linear per-pixel scorer that trains in seconds. The detector needs depth 2
/// because region evidence is a conjunction ("dark, and on a light page") that a sum of single-feature
/// rules cannot express.
public struct BoostedTrees: Sendable {
    /// One split; `low`/`high` are leaf values, or the children when present.
    struct Split: Sendable {
        let feature: Int
        let threshold: Float
        let low: Float
        let high: Float
    }

    struct Tree: Sendable {
        let root: Split
        let lowChild: Split?
        let highChild: Split?

        func value(_ row: [Float]) -> Float {
            if row[root.feature] < root.threshold {
                guard let child = lowChild else { return root.low }
                return row[child.feature] < child.threshold ? child.low : child.high
            }
            guard let child = highChild else { return root.high }
            return row[child.feature] < child.threshold ? child.low : child.high
        }
    }

    let base: Float
    let trees: [Tree]

    static let bins = 32

    public init(rows: [[Float]], targets: [Float], rounds: Int = 60, learningRate: Float = 0.3) throws {
        guard let first = rows.first, rows.count == targets.count else {
            throw QualityError("boosting needs as many targets as feature rows (got \(rows.count) rows, \(targets.count) targets)")
        }
        guard rows.allSatisfy({ $0.count == first.count }) else {
            throw QualityError("boosting rows differ in length (expected \(first.count) features each)")
        }
        let binned = BinnedFeatures(rows: rows, featureCount: first.count, bins: Self.bins)
        let n = rows.count
        let base = targets.reduce(0, +) / Float(n)
        var prediction = [Float](repeating: base, count: n)
        var trees: [Tree] = []
        let everyone = Array(0..<n)
        for _ in 0..<rounds {
            let residual = (0..<n).map { targets[$0] - prediction[$0] }
            guard let root = binned.bestSplit(of: everyone, residual: residual) else { break }
            let (lowSide, highSide) = everyone.partitioned { binned.bin(root.feature, $0) < root.cut }
            let lowChild = binned.bestSplit(of: lowSide, residual: residual)
            let highChild = binned.bestSplit(of: highSide, residual: residual)
            func split(_ found: BinnedFeatures.Found) -> Split {
                Split(feature: found.feature, threshold: found.threshold, low: learningRate * found.lowMean, high: learningRate * found.highMean)
            }
            let tree = Tree(root: split(root), lowChild: lowChild.map(split), highChild: highChild.map(split))
            trees.append(tree)
            for i in 0..<n { prediction[i] += tree.value(rows[i]) }
        }
        (self.base, self.trees, featureCount) = (base, trees, first.count)
    }

    let featureCount: Int

    /// The score of one feature row (about 0 outside, about 1 inside); a row of the wrong length scores the base rate.
    public func predict(_ row: [Float]) -> Float {
        guard row.count == featureCount else { return base }
        var score = base
        for tree in trees { score += tree.value(row) }
        return score
    }
}

/// Features cut into quantile bins once, so each split search is a histogram pass.
struct BinnedFeatures {
    struct Found {
        let feature: Int
        /// Rows whose bin is below `cut` go low; equivalently, values below `threshold`.
        let cut: Int
        let threshold: Float
        let gain: Float
        let lowMean: Float
        let highMean: Float
    }

    let featureCount: Int
    let bins: Int
    /// Per feature, the candidate thresholds (ascending, distinct).
    private let edges: [[Float]]
    /// Feature-major bin indices.
    private let codes: [[UInt8]]

    init(rows: [[Float]], featureCount: Int, bins: Int) {
        var edges: [[Float]] = [], codes: [[UInt8]] = []
        let n = rows.count
        for f in 0..<featureCount {
            let sorted = rows.map { $0[f] }.sorted()
            var cuts: [Float] = []
            for b in 1..<bins {
                let cut = sorted[b * (n - 1) / bins]
                if cuts.last != cut { cuts.append(cut) }
            }
            edges.append(cuts)
            // A row's bin is the number of thresholds at or below its value.
            codes.append(rows.map { row in
                var lo = 0, hi = cuts.count
                while lo < hi { let mid = (lo + hi) / 2; if cuts[mid] <= row[f] { lo = mid + 1 } else { hi = mid } }
                return UInt8(lo)
            })
        }
        (self.featureCount, self.bins, self.edges, self.codes) = (featureCount, bins, edges, codes)
    }

    func bin(_ feature: Int, _ row: Int) -> Int { Int(codes[feature][row]) }

    /// The split of `members` that most reduces the squared error of `residual`; nil when none separates them.
    func bestSplit(of members: [Int], residual: [Float]) -> Found? {
        guard members.count >= 2 else { return nil }
        var best: Found?
        var sum = [Float](repeating: 0, count: bins + 1), count = [Int](repeating: 0, count: bins + 1)
        for f in 0..<featureCount where !edges[f].isEmpty {
            // The histogram pass is the whole cost of training: unchecked buffers, reused across features.
            sum.withUnsafeMutableBufferPointer { sum in
                count.withUnsafeMutableBufferPointer { count in
                    codes[f].withUnsafeBufferPointer { codes in
                        residual.withUnsafeBufferPointer { residual in
                            for b in 0...bins { sum[b] = 0; count[b] = 0 }
                            for i in members { let b = Int(codes[i]); sum[b] += residual[i]; count[b] += 1 }
                        }
                    }
                }
            }
            let total = sum.reduce(0, +)
            var lowSum: Float = 0, lowCount = 0
            for cut in 0..<edges[f].count {
                lowSum += sum[cut]
                lowCount += count[cut]
                let highCount = members.count - lowCount
                guard lowCount > 0, highCount > 0 else { continue }
                let highSum = total - lowSum
                let gain = lowSum * lowSum / Float(lowCount) + highSum * highSum / Float(highCount)
                if gain > (best?.gain ?? 0) {
                    best = Found(feature: f, cut: cut + 1, threshold: edges[f][cut], gain: gain,
                                 lowMean: lowSum / Float(lowCount), highMean: highSum / Float(highCount))
                }
            }
        }
        return best
    }
}

extension Array {
    /// (elements matching, elements not matching), each in order.
    func partitioned(by isLow: (Element) -> Bool) -> ([Element], [Element]) {
        var low: [Element] = [], high: [Element] = []
        for element in self { if isLow(element) { low.append(element) } else { high.append(element) } }
        return (low, high)
    }
}
