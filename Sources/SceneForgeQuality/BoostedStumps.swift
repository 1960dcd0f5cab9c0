/// A small gradient-boosted ensemble of decision stumps (squared loss on 0/1 targets): a non-linear
/// per-pixel scorer that still trains in one pass per round over pre-binned features. The detector uses
/// it because region evidence is a conjunction ("dark, and on a light page, and pill-sized") that a
/// linear scorer cannot express.
public struct BoostedStumps: Sendable {
    struct Stump: Sendable {
        let feature: Int
        let threshold: Float
        let below: Float
        let above: Float
    }

    let base: Float
    let stumps: [Stump]

    static let bins = 32

    public init(rows: [[Float]], targets: [Float], rounds: Int = 80, learningRate: Float = 0.3) throws {
        guard let first = rows.first, rows.count == targets.count else {
            throw QualityError("boosting needs as many targets as feature rows (got \(rows.count) rows, \(targets.count) targets)")
        }
        let d = first.count, n = rows.count
        // Candidate thresholds: per-feature quantiles.
        var edges: [[Float]] = []
        var binned = [[UInt8]](repeating: [UInt8](repeating: 0, count: n), count: d)
        for f in 0..<d {
            let sorted = rows.map { $0[f] }.sorted()
            var cuts: [Float] = []
            for b in 1..<Self.bins {
                let cut = sorted[b * (n - 1) / Self.bins]
                if cuts.last != cut { cuts.append(cut) }
            }
            edges.append(cuts)
            for i in 0..<n {
                var lo = 0, hi = cuts.count  // first cut > value
                while lo < hi { let mid = (lo + hi) / 2; if cuts[mid] <= rows[i][f] { lo = mid + 1 } else { hi = mid } }
                binned[f][i] = UInt8(lo)
            }
        }
        let base = targets.reduce(0, +) / Float(n)
        var prediction = [Float](repeating: base, count: n)
        var stumps: [Stump] = []
        for _ in 0..<rounds {
            let residual = (0..<n).map { targets[$0] - prediction[$0] }
            var best: (gain: Float, stump: Stump, split: Int)?
            for f in 0..<d where !edges[f].isEmpty {
                var sum = [Float](repeating: 0, count: Self.bins + 1), count = [Int](repeating: 0, count: Self.bins + 1)
                for i in 0..<n { sum[Int(binned[f][i])] += residual[i]; count[Int(binned[f][i])] += 1 }
                let total = sum.reduce(0, +)
                var leftSum: Float = 0, leftCount = 0
                for cut in 0..<edges[f].count {
                    leftSum += sum[cut]
                    leftCount += count[cut]
                    let rightCount = n - leftCount
                    guard leftCount > 0, rightCount > 0 else { continue }
                    let rightSum = total - leftSum
                    let gain = leftSum * leftSum / Float(leftCount) + rightSum * rightSum / Float(rightCount)
                    if gain > (best?.gain ?? 0) {
                        let stump = Stump(feature: f, threshold: edges[f][cut], below: learningRate * leftSum / Float(leftCount),
                                          above: learningRate * rightSum / Float(rightCount))
                        best = (gain, stump, cut + 1)
                    }
                }
            }
            guard let chosen = best else { break }
            stumps.append(chosen.stump)
            for i in 0..<n { prediction[i] += Int(binned[chosen.stump.feature][i]) < chosen.split ? chosen.stump.below : chosen.stump.above }
        }
        (self.base, self.stumps) = (base, stumps)
    }

    /// The score of one feature row (about 0 outside, about 1 inside).
    public func predict(_ row: [Float]) -> Float {
        var score = base
        for stump in stumps { score += row[stump.feature] < stump.threshold ? stump.below : stump.above }
        return score
    }
}
