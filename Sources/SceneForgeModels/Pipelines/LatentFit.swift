import Foundation
import SceneForgeTorch

/// An inpaint's kept latents fitted to its source. After denoising, the latents outside the mask are the
/// source's VAE encoding, and the decoder draws them back only as well as the VAE round trip goes (SSIM 0.87
/// on the embedded model's 128×256 screens). The fit moves those latents (Adam) until the decoded image
/// matches the source outside the mask, judged by L1 and 1 − SSIM (`ImageMetrics.ssim`'s) on luma; the latents inside the mask stay as
/// generated. No pixel is copied: the decoder still draws the whole image, so the edge of the edit stays its own.
public enum LatentFit {
    /// Adam's step on latents of unit variance; at 0.2 the embedded model's edits pass SSIM 0.98 outside the mask
    /// within a few hundred steps (docs/zimage-control-notes.md, "Latent fit").
    public static let learningRate = 0.2

    /// `latents` [B, C, h, w] (the pipeline's normalised latents, float32), `source` [1, 3, H, W] in [-1, 1],
    /// `mask` [1, 1, H, W] and `latentMask` [1, 1, h, w] with 1 where the image is regenerated.
    public static func fit(_ latents: Tensor, source: Tensor, mask: Tensor, latentMask: Tensor, vae: AutoencoderKL,
                    steps: Int, dtype: DType) throws -> Tensor {
        let device = latents.device
        let generated = try latents.detach()
        let keptLatents = try 1 - latentMask.to(device)
        let target = try source.to(device, .float32).expand([latents.size(0), 3, source.size(2), source.size(3)])
        let keep = try (1 - mask.to(device, .float32))
        let keepInWindow = try SSIM.valid(keep)
        let (keptPixels, keptWindows) = try (keep.sum().item() * 3, keepInWindow.sum().item())
        guard keptPixels > 0, keptWindows > 0 else { return latents }   // the mask covers the image: nothing to fit

        let fitted = try generated.clone()
        try fitted.setRequiresGrad(true)
        let optimiser = AdamW(parameters: [fitted], options: .init(learningRate: learningRate, weightDecay: 0))
        let combine = { try fitted * keptLatents + generated * (1 - keptLatents) }
        try withGrad {
            for _ in 0..<steps {
                let image = try vae.latentsToImage(combine().to(dtype)).to(.float32)
                let batch = Double(image.size(0))
                let l1 = try ((image - target).abs() * keep).sum() / (keptPixels * batch)
                let structure = try ((1 - SSIM.map(image, target)) * keepInWindow).sum() / (keptWindows * batch)
                try optimiser.zeroGrad()
                try (l1 + structure).backward()
                try optimiser.step()
            }
        }
        return try withNoGrad { try combine().detach() }
    }
}

/// SSIM (Wang et al. 2004) as a differentiable map, with `ImageMetrics.ssim`'s definition (luma Y' = 0.299 R' +
/// 0.587 G' + 0.114 B', a 7×7 Gaussian window of σ 1.5, K1 0.01, K2 0.03) for images in [-1, 1] (measured on their [0, 1] scale): the fit optimises
/// the figure SceneForge reports. `ImageMetrics` measures 8-bit images without libtorch; this one carries gradients.
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
