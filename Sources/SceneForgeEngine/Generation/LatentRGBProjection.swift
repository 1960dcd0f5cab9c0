import Foundation
import SceneForgeImaging
import SceneForgeTorch

/// A linear map from 16-channel latents to approximate RGB: cheap previews without the VAE.
public struct LatentRGBProjection: Sendable {
    /// [16][3]: the contribution of each latent channel to R, G, B.
    public let factors: [[Float]]
    public let bias: [Float]

    /// The published least-squares fit for the Flux VAE family (16 channels, which Z-Image's VAE shares),
    /// as ComfyUI's `comfy/latent_formats.py` class `Flux` lists it (`latent_rgb_factors` and
    /// `latent_rgb_factors_bias`). Applied to the latents the transformer sees (scaled and shifted);
    /// the result lies roughly in [-1, 1].
    public static let fluxFamily = LatentRGBProjection(
        factors: [
            [-0.0346, 0.0244, 0.0681],
            [0.0034, 0.0210, 0.0687],
            [0.0275, -0.0668, -0.0433],
            [-0.0174, 0.0160, 0.0617],
            [0.0859, 0.0721, 0.0329],
            [0.0004, 0.0383, 0.0115],
            [0.0405, 0.0861, 0.0915],
            [-0.0236, -0.0185, -0.0259],
            [-0.0245, 0.0250, 0.1180],
            [0.1008, 0.0755, -0.0421],
            [-0.0515, 0.0201, 0.0011],
            [0.0428, -0.0012, -0.0036],
            [0.0817, 0.0765, 0.0749],
            [-0.1264, -0.0522, -0.1103],
            [-0.0280, -0.0881, -0.0499],
            [-0.1262, -0.0982, -0.0778],
        ],
        bias: [-0.0329, -0.0718, -0.0851])

    public var channels: Int { factors.count }

    /// [1, C, h, w] latents → RGB at `scale` times the latent size (nearest upsampling), or shrunk so that
    /// the long side is at most `maxSide` (area averaging, done on the latents before projecting).
    ///
    /// One read-back, then plain Swift: a preview is a few thousand multiply-adds, far less than the dozen libtorch
    /// dispatches (and their share of its thread pool, busy with the next step) the same sums cost as tensor ops.
    public func image(from latents: Tensor, maxSide: Int? = nil, scale: Int = 1) throws -> RGBAImage {
        guard latents.rank == 4, latents.size(0) == 1, latents.size(1) == channels else {
            throw EngineError("latent preview needs [1, \(channels), h, w] latents, got \(latents.shape)")
        }
        let (h, w) = (latents.size(2), latents.size(3))
        let values = try latents.floats()
        var (outH, outW) = (h, w)
        if let maxSide, max(h, w) > maxSide, maxSide > 0 {
            let ratio = Double(maxSide) / Double(max(h, w))
            (outH, outW) = (max(1, Int((Double(h) * ratio).rounded())), max(1, Int((Double(w) * ratio).rounded())))
        }
        let factor = max(scale, 1)
        var pixels = [UInt8](repeating: 255, count: outH * factor * outW * factor * 4)
        var mean = [Float](repeating: 0, count: channels)
        for y in 0..<outH {
            let rows = Self.cell(y, of: outH, over: h)
            for x in 0..<outW {
                let columns = Self.cell(x, of: outW, over: w)
                average(values, rows: rows, columns: columns, width: w, plane: h * w, into: &mean)
                let rgb = project(mean)
                for dy in 0..<factor {
                    for dx in 0..<factor {
                        let p = 4 * ((y * factor + dy) * outW * factor + x * factor + dx)
                        (pixels[p], pixels[p + 1], pixels[p + 2]) = rgb
                    }
                }
            }
        }
        return try RGBAImage(width: outW * factor, height: outH * factor, pixels: pixels)
    }

    /// The input cells output cell `index` averages, as adaptive average pooling (torch's `area` mode) chooses them.
    private static func cell(_ index: Int, of outputs: Int, over inputs: Int) -> Range<Int> {
        (index * inputs / outputs)..<(((index + 1) * inputs + outputs - 1) / outputs)
    }

    private func average(_ values: [Float], rows: Range<Int>, columns: Range<Int>, width: Int, plane: Int,
                         into mean: inout [Float]) {
        let count = Float(rows.count * columns.count)
        for c in 0..<channels {
            var sum: Float = 0
            for y in rows {
                for x in columns { sum += values[c * plane + y * width + x] }
            }
            mean[c] = sum / count
        }
    }

    /// One latent pixel through the factors, from [-1, 1] to 0...255.
    private func project(_ latent: [Float]) -> (UInt8, UInt8, UInt8) {
        func channel(_ k: Int) -> UInt8 {
            var v = bias[k]
            for c in 0..<channels { v += latent[c] * factors[c][k] }
            return UInt8(max(0, min(255, ((v + 1) * 127.5).rounded(.toNearestOrEven))))
        }
        return (channel(0), channel(1), channel(2))
    }
}

extension RGBAImage {
    /// The `rgb8` preview payload: 3 bytes per pixel, row-major, alpha dropped.
    public var rgbBytes: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(width * height * 3)
        for p in 0..<width * height {
            bytes.append(pixels[4 * p]); bytes.append(pixels[4 * p + 1]); bytes.append(pixels[4 * p + 2])
        }
        return bytes
    }
}
