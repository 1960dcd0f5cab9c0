import Foundation
import SceneForgeTorch

/// A token's 3-axis RoPE position: (frame-or-sequence, height, width).
struct ZImagePosition: Equatable {
    var f: Int
    var h: Int
    var w: Int
    static let zero = ZImagePosition(f: 0, h: 0, w: 0)
}

/// The 3-axis rotary embedding (`RopeEmbedder`): axis a rotates `axes_dims[a]/2` complex pairs of each head
/// with angles `p_a · θ^(-2k/d_a)`. Angles are formed in float64 and rounded to float32, as the reference's
/// table is, and cos/sin are taken in float32.
struct ZImageRope {
    let axesDims: [Int]
    let axesLens: [Int]
    /// Per axis, the inverse frequencies `1/θ^(2k/d_a)`, k = 0..<d_a/2, in float64.
    let inverseFrequencies: [[Double]]

    init(theta: Double, axesDims: [Int], axesLens: [Int]) {
        self.axesDims = axesDims
        self.axesLens = axesLens
        inverseFrequencies = axesDims.map { d in
            stride(from: 0, to: d, by: 2).map { 1.0 / Foundation.pow(theta, Double($0) / Double(d)) }
        }
    }

    var pairCount: Int { axesDims.reduce(0, +) / 2 }

    /// Throws when a position is past the table the reference would index (it would fail with an index error).
    func check(_ position: ZImagePosition, what: () -> String) throws {
        for (axis, value) in [position.f, position.h, position.w].enumerated() where value >= axesLens[axis] {
            throw ZImageError("\(what()) needs RoPE position \(value) on axis \(axis), but axes_lens[\(axis)] is "
                + "\(axesLens[axis]) (config.json 'axes_lens')")
        }
    }

    /// Rotary factors for a batch: sample b's positions fill rows 0..<count of its sequence; rows past that
    /// (batch padding) get cos = sin = 0, like the reference's zero-padded complex factors.
    func rotary(for samples: [[ZImagePosition]], length: Int, device: Device) throws -> ZImageRotary {
        let pairs = pairCount
        var angles = [Float](repeating: 0, count: samples.count * length * pairs)
        var valid = [Float](repeating: 0, count: samples.count * length)
        for (b, positions) in samples.enumerated() {
            for (s, position) in positions.enumerated() {
                let row = b * length + s
                valid[row] = 1
                var k = row * pairs
                for (axis, value) in [position.f, position.h, position.w].enumerated() {
                    for inverse in inverseFrequencies[axis] {
                        angles[k] = Float(Double(value) * inverse)
                        k += 1
                    }
                }
            }
        }
        let shape = [samples.count, length, 1, pairs]
        let angle = try Tensor(angles, shape: shape).to(device)
        let keep = try Tensor(valid, shape: [samples.count, length, 1, 1]).to(device)
        return ZImageRotary(cos: try angle.cos() * keep, sin: try angle.sin() * keep)
    }
}

/// Rotary factors for one batch of sequences: `cos`/`sin` (float32), shaped (B, S, 1, head_dim/2) so they
/// broadcast over heads.
struct ZImageRotary {
    let cos: Tensor
    let sin: Tensor

    /// Rotates interleaved pairs `(x[2m], x[2m+1])` as the complex number `x[2m] + i·x[2m+1]` times
    /// `cos_m + i·sin_m` (not Qwen3's rotate-half layout), in float32 as the reference does, then back to
    /// x's dtype. `x`: (B, S, H, head_dim).
    func apply(_ x: Tensor) throws -> Tensor {
        let shape = x.shape
        let pairs = try x.to(.float32).reshape(Array(shape.dropLast()) + [shape[shape.count - 1] / 2, 2])
        let real = try pairs.select(last: 0)
        let imag = try pairs.select(last: 1)
        let outReal = try real * cos - imag * sin
        let outImag = try real * sin + imag * cos
        return try Tensor.stack([outReal, outImag], dim: -1).reshape(shape).to(x.dtype)
    }
}

extension Tensor {
    /// Index `i` of the last dimension, dropping it.
    fileprivate func select(last i: Int) throws -> Tensor {
        try narrow(dim: rank - 1, start: i, length: 1).squeeze(rank - 1)
    }
}
