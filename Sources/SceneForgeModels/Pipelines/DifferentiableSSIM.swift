import Foundation
import SceneForgeTorch

/// SSIM (Wang et al. 2004) as a differentiable map, with `ImageMetrics.ssim`'s definition (luma Y' = 0.299 R' +
/// 0.587 G' + 0.114 B', a 7×7 Gaussian window of σ 1.5, K1 0.01, K2 0.03, on the 8-bit scale) for images in
/// [-1, 1], so that the latent fit optimises the figure SceneForge reports. `ImageMetrics` measures 8-bit images
/// without libtorch; this one carries gradients (LatentFitSSIMTests holds the two equal).
enum SSIM {
    static let radius = 3

    /// [B, 1, H − 6, W − 6]: the SSIM of each window of `a` and `b` ([B, 3, H, W]).
    static func map(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let window = try gaussianWindow(device: a.device)
        let (x, y) = (try luma(a), try luma(b))
        let blur = { (t: Tensor) in try t.conv2d(window) }
        let (mx, my) = (try blur(x), try blur(y))
        let vx = try blur(x * x) - mx * mx, vy = try blur(y * y) - my * my, cxy = try blur(x * y) - mx * my
        let (c1, c2) = (0.01 * 0.01, 0.03 * 0.03)   // data range 1
        return try ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    }

    /// A [B, 1, H, W] pixel weight cut to the windows `map` returns (their centres).
    static func valid(_ weight: Tensor) throws -> Tensor {
        try weight.narrow(dim: 2, start: radius, length: weight.size(2) - 2 * radius)
            .narrow(dim: 3, start: radius, length: weight.size(3) - 2 * radius)
    }

    /// Luma in [0, 1] of an image in [-1, 1]: SSIM's luminance term is not shift-invariant, so it is computed on the
    /// 8-bit values' scale (divided by 255), as `ImageMetrics` does.
    static func luma(_ rgb: Tensor) throws -> Tensor {
        let weights = try Tensor([Float(0.299), 0.587, 0.114], shape: [1, 3, 1, 1], device: rgb.device)
        return try ((rgb + 1) / 2 * weights).sum(dim: 1, keepDim: true)
    }

    static func gaussianWindow(device: Device) throws -> Tensor {
        let side = 2 * radius + 1
        let g = (0..<side).map { exp(-pow(Double($0 - radius), 2) / (2 * 1.5 * 1.5)) }
        let total = g.reduce(0, +)
        let values = (0..<side * side).map { Float(g[$0 / side] * g[$0 % side] / (total * total)) }
        return try Tensor(values, shape: [1, 1, side, side], device: device)
    }
}
