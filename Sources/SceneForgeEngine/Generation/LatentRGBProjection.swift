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
    public func image(from latents: Tensor, maxSide: Int? = nil, scale: Int = 1) throws -> RGBAImage {
        guard latents.rank == 4, latents.size(0) == 1, latents.size(1) == channels else {
            throw EngineError("latent preview needs [1, \(channels), h, w] latents, got \(latents.shape)")
        }
        var x = try latents.to(.float32)
        var (h, w) = (x.size(2), x.size(3))
        if let maxSide, max(h, w) > maxSide, maxSide > 0 {
            let ratio = Double(maxSide) / Double(max(h, w))
            (h, w) = (max(1, Int((Double(h) * ratio).rounded())), max(1, Int((Double(w) * ratio).rounded())))
            x = try x.interpolate(height: h, width: w, mode: .area)
        }
        let weight = try Tensor(factors.flatMap { $0 }, shape: [channels, 3], device: x.device)
        let offset = try Tensor(bias, shape: [3], device: x.device)
        // [1, C, h, w] → [h, w, C] → [h, w, 3], mapped from [-1, 1] to [0, 255].
        var rgb = try x.squeeze(0).permute(1, 2, 0).matmul(weight) + offset
        rgb = try ((rgb + 1) * 127.5).clamp(min: 0, max: 255).round()
        if scale > 1 {
            rgb = try rgb.permute(2, 0, 1).unsqueeze(0).interpolate(height: h * scale, width: w * scale, mode: .nearest)
                .squeeze(0).permute(1, 2, 0)
            (h, w) = (h * scale, w * scale)
        }
        let opaque = try Tensor.full([h, w, 1], 255, device: rgb.device)
        let pixels = try Tensor.cat([rgb, opaque], dim: 2).contiguous().to(.uint8).to(.cpu).bytes()
        return try RGBAImage(width: w, height: h, pixels: pixels)
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
