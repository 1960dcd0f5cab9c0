import Foundation
import SceneForgeImaging
import SceneForgeTorch

/// The image-conditioned parts of the loop: edit start and mask blending (img2img / inpaint) and the
/// ControlNet's per-sample control latents.
extension ZImagePipeline {
    /// An 8-bit image as diffusers' VaeImageProcessor feeds the VAE: [1, 3, H, W] = 2·(v/255) − 1 (alpha dropped).
    public static func imageTensor(_ image: RGBAImage) throws -> Tensor {
        var values = [Float](repeating: 0, count: 3 * image.width * image.height)
        let plane = image.width * image.height
        for p in 0..<plane {
            for c in 0..<3 { values[c * plane + p] = 2 * (Float(image.pixels[4 * p + c]) / 255) - 1 }
        }
        return try Tensor(values, shape: [1, 3, image.height, image.width])
    }

    /// A mask image as diffusers' mask processor reads it: grayscale (PIL "L": (19595 R + 38470 G + 7471 B
    /// + 32768) >> 16), then binarized at 0.5; [1, 1, H, W], 1 = regenerate (white).
    public static func maskTensor(_ image: RGBAImage) throws -> Tensor {
        let values: [Float] = PasteBack.region(of: image).map { $0 ? 1 : 0 }
        return try Tensor(values, shape: [1, 1, image.height, image.width])
    }

    /// VAE latents of an image [1, 3, H, W]: the posterior mode, shifted and scaled (diffusers'
    /// `retrieve_latents(..., sample_mode="argmax")`; the ControlNet pipelines use it, and SceneForge uses it
    /// for img2img/inpaint too so that edits are deterministic).
    func imageLatents(_ image: Tensor, what: String, height: Int, width: Int) throws -> Tensor {
        guard image.shape == [1, 3, height, width] else {
            throw PipelineError.invalidRequest("\(what) has shape \(image.shape), this request needs [1, 3, \(height), \(width)]")
        }
        return try vae.imageToLatents(image.to(device, dtype)).to(.float32)
    }

    /// `scheduler.scale_noise`: the flow-matching interpolation `σ·noise + (1 − σ)·sample`.
    static func scaleNoise(_ sample: Tensor, sigma: Float, noise: Tensor) throws -> Tensor {
        try noise * Double(sigma) + sample * Double(1 - sigma)
    }

    /// diffusers' `get_timesteps`: how many leading steps of the schedule an edit of `strength` skips.
    static func skippedSteps(total: Int, strength: Double) throws -> Int {
        guard (0...1).contains(strength) else {
            throw PipelineError.invalidRequest("strength must be in [0, 1] (got \(strength))")
        }
        let kept = min(Double(total) * strength, Double(total))
        let skipped = Int(max(Double(total) - kept, 0))
        guard skipped < total else {
            throw PipelineError.invalidRequest("strength \(strength) with \(total) steps leaves no step to run")
        }
        return skipped
    }

    /// A [1, 1, H, W] mask at latent size (nearest, as the reference's `F.interpolate`).
    static func latentMask(_ mask: Tensor, height: Int, width: Int, latentHeight: Int, latentWidth: Int) throws -> Tensor {
        guard mask.shape == [1, 1, height, width] else {
            throw PipelineError.invalidRequest("the mask has shape \(mask.shape), this request needs [1, 1, \(height), \(width)]")
        }
        return try mask.to(.float32).interpolate(height: latentHeight, width: latentWidth, mode: .nearest)
    }

    /// The ControlNet's input per sample, (control_in_dim, 1, h, w): the control image's latents, and for a
    /// v2 ControlNet 17 more channels — the keep-mask (1 − mask at latent size) and the latents of the source with
    /// the masked region blacked out (`image · (mask < 0.5)`), or zeros without an inpaint source.
    func controlLatents(_ control: ControlGuidance, batch: Int, height: Int, width: Int) throws -> [Tensor] {
        let net = control.controlNet.config
        var latents = try imageLatents(control.image, what: "the control image", height: height, width: width)
        let (h, w) = (latents.size(2), latents.size(3))
        let extra = net.controlInDim - latents.size(1)
        if let inpaint = control.inpaint {
            guard extra == 1 + latents.size(1) else {
                throw PipelineError.invalidRequest("the \(net.versionName) ControlNet (control_in_dim \(net.controlInDim)) "
                    + "has no inpaint channels; inpainting with a ControlNet needs a v2.x ControlNet (33 channels)")
            }
            let mask = try Self.latentMask(inpaint.mask, height: height, width: width, latentHeight: height, latentWidth: width)
            let kept = try inpaint.image.to(.float32) * (mask.lt(0.5).to(.float32))
            let masked = try imageLatents(kept, what: "the inpaint source image", height: height, width: width)
            let keep = try (1 - mask).interpolate(height: h, width: w, mode: .nearest)
            latents = try Tensor.cat([latents, keep.to(device), masked], dim: 1)
        } else if extra > 0 {
            latents = try Tensor.cat([latents, Tensor.zeros([1, extra, h, w], device: device)], dim: 1)
        } else if extra < 0 {
            throw PipelineError.invalidRequest("the ControlNet takes \(net.controlInDim) channels, fewer than the VAE's \(latents.size(1))")
        }
        let sample = try latents.squeeze(0).unsqueeze(1)
        return Array(repeating: sample, count: batch)
    }
}
