/// Linear least squares with an L2 penalty, solved in closed form: W = (XᵀX + λI)⁻¹ XᵀY on standardised
/// features. With one-hot targets it is a linear classifier (argmax of the outputs); with 0/1 targets a
/// per-pixel score. Chosen over iterative logistic regression because it is deterministic, has no learning
/// rate or epoch count to tune, and trains in one pass over the data (seconds even in a debug build).
public struct RidgeRegression: Sendable {
    public let featureCount: Int
    public let outputCount: Int
    /// Per-feature mean and scale used to standardise inputs.
    let mean: [Double]
    let scale: [Double]
    /// (featureCount + 1) x outputCount, the last row is the bias.
    let weights: [Double]

    /// Fits `rows` (each `featureCount` long) to `targets` (each `outputCount` long).
    public init(rows: [[Float]], targets: [[Float]], penalty: Double = 1e-2) throws {
        guard let first = rows.first, let firstTarget = targets.first else { throw QualityError("no training rows to fit") }
        guard rows.count == targets.count else { throw QualityError("\(rows.count) feature rows but \(targets.count) targets") }
        let d = first.count, k = firstTarget.count
        guard rows.allSatisfy({ $0.count == d }), targets.allSatisfy({ $0.count == k }) else {
            throw QualityError("training rows differ in length (expected \(d) features and \(k) outputs each)")
        }
        let n = Double(rows.count)
        var mean = [Double](repeating: 0, count: d), square = mean
        for row in rows { for j in 0..<d { mean[j] += Double(row[j]); square[j] += Double(row[j]) * Double(row[j]) } }
        let scale = (0..<d).map { j -> Double in
            let m = mean[j] / n
            let spread = (max(0, square[j] / n - m * m)).squareRoot()
            return spread > 1e-9 ? spread : 1
        }
        for j in 0..<d { mean[j] /= n }

        // Normal equations on [standardised features, 1].
        let p = d + 1
        var gram = [Double](repeating: 0, count: p * p), cross = [Double](repeating: 0, count: p * k)
        var z = [Double](repeating: 1, count: p)
        for (row, target) in zip(rows, targets) {
            for j in 0..<d { z[j] = (Double(row[j]) - mean[j]) / scale[j] }
            gram.withUnsafeMutableBufferPointer { g in
                for a in 0..<p {
                    let za = z[a]
                    guard za != 0 else { continue }
                    for b in a..<p { g[a * p + b] += za * z[b] }
                }
            }
            for a in 0..<p { for c in 0..<k { cross[a * k + c] += z[a] * Double(target[c]) } }
        }
        for a in 0..<p { for b in 0..<a { gram[a * p + b] = gram[b * p + a] } }
        // Penalise the weights, not the bias.
        for a in 0..<d { gram[a * p + a] += penalty * n }
        let solution = try Self.solveSymmetric(gram, cross, size: p, columns: k)
        (featureCount, outputCount, self.mean, self.scale, weights) = (d, k, mean, scale, solution)
    }

    /// The model's outputs for one feature row.
    public func predict(_ row: [Float]) -> [Float] {
        var out = [Double](repeating: 0, count: outputCount)
        let bias = featureCount * outputCount
        for c in 0..<outputCount { out[c] = weights[bias + c] }
        for j in 0..<min(featureCount, row.count) {
            let z = (Double(row[j]) - mean[j]) / scale[j]
            for c in 0..<outputCount { out[c] += z * weights[j * outputCount + c] }
        }
        return out.map { Float($0) }
    }

    /// Cholesky solve of A X = B for a symmetric positive-definite A (size x size), B (size x columns).
    static func solveSymmetric(_ a: [Double], _ b: [Double], size n: Int, columns k: Int) throws -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for m in 0..<j { sum -= l[i * n + m] * l[j * n + m] }
                if i == j {
                    guard sum > 1e-12 else { throw QualityError("the training features are degenerate (matrix not positive definite at \(i))") }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var x = b
        for c in 0..<k {
            for i in 0..<n {  // forward: L y = b
                var sum = x[i * k + c]
                for m in 0..<i { sum -= l[i * n + m] * x[m * k + c] }
                x[i * k + c] = sum / l[i * n + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {  // back: Lᵀ x = y
                var sum = x[i * k + c]
                for m in (i + 1)..<n { sum -= l[m * n + i] * x[m * k + c] }
                x[i * k + c] = sum / l[i * n + i]
            }
        }
        return x
    }
}
