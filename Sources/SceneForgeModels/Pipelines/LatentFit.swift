import SceneForgeTorch

/// An inpaint's kept latents fitted to its source. After denoising, the latents outside the mask are the
/// source's VAE encoding, and the decoder draws them back only as well as the VAE round trip goes (SSIM 0.87
/// on the embedded model's 128×256 screens). The fit moves those latents (Adam) until the decoded image
/// matches the source outside the mask, judged by L1 and 1 − SSIM on luma; the latents inside the mask stay
/// as generated. No pixel is copied: the decoder still draws the whole image, so the edit's edge is its own.
public enum LatentFit {
    /// Adam's step on latents of unit variance; at 0.2 the embedded model's edits pass SSIM 0.98 outside the mask
    /// in 100-200 steps (docs/embedded-model.md, seventh round).
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
