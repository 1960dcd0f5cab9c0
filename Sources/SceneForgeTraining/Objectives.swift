import Foundation
import SceneForgeModels
import SceneForgeTorch

/// The autoencoder objective: reconstruction (L2 + weighted L1) of a sample from the posterior, plus a
/// small KL term towards N(0, 1) that keeps the latent space smooth enough to diffuse in.
struct AutoencoderObjective {
    let vae: AutoencoderKL
    let klWeight: Double
    let l1Weight: Double

    func loss(images: Tensor, noise: Tensor) throws -> Tensor {
        let (mean, logvar) = try vae.encode(images)
        let z = try mean + (logvar * 0.5).exp() * noise.to(mean.device, mean.dtype)
        let reconstruction = try vae.decode(z).to(.float32)
        let target = try images.to(reconstruction.device)
        let error = try reconstruction - target
        var loss = try error.square().mean() + error.abs().mean() * l1Weight
        if klWeight > 0 {
            let m = try mean.to(.float32), lv = try logvar.to(.float32)
            let kl = try ((m.square() + lv.exp() - 1 - lv) * 0.5).mean()
            loss = try loss + kl * klWeight
        }
        return loss
    }
}

/// Rectified flow in the pipeline's conventions (docs/training.md, "The objective"):
/// x_σ = (1 − σ)·x0 + σ·ε, the model sees time 1 − σ and is trained to output x0 − ε, the negated
/// velocity dx/dσ = ε − x0, which the pipeline negates back before its Euler step.
struct FlowMatchObjective {
    let transformer: ZImageTransformer
    /// The scheduler's static shift: σ = shift·u / (1 + (shift − 1)·u) for u ~ U(0, 1), the same
    /// warping the inference schedule applies, so training spends its effort where sampling does.
    let shift: Double
    let dtype: DType
    /// The ControlNet stage: the ControlNet, each sample's control latents (C, 1, h, w) and the hints' scale.
    var control: (net: ZImageControlNet, latents: [Tensor], scale: Double)?
    /// Per-latent weights [B, 1, h, w] (1 + the stage's anomaly and colour emphasis, `LatentCache.emphasis`): the squared error
    /// is weighted by them and normalised by their mean, so the loss stays on the plain objective's scale.
    var emphasis: Tensor?
    /// When these samples are a shard of a larger batch (`BatchShards`): the whole batch's mean emphasis, so that
    /// the shards' losses, each weighted by its share of the batch, add up to the whole batch's.
    var batchEmphasisMean: Tensor?

    static func shiftedSigma(_ u: Double, shift: Double) -> Double { shift * u / (1 + (shift - 1) * u) }

    /// `latents` [B, C, h, w] float32 (scaled and shifted as the pipeline's), `captions` per sample,
    /// `uniforms` [B] in [0, 1), `noise` like `latents`.
    func loss(latents x0: Tensor, captions: [Tensor], uniforms: [Double], noise: Tensor) throws -> Tensor {
        let batch = x0.size(0)
        let sigmas = uniforms.map { Self.shiftedSigma($0, shift: shift) }
        let sigma = try Tensor(sigmas.map(Float.init), shape: [batch, 1, 1, 1], device: x0.device)
        let noisy = try (1 - sigma) * x0 + sigma * noise
        let input = try noisy.to(dtype)
        let samples = try (0..<batch).map { try input.narrow(dim: 0, start: $0, length: 1).squeeze(0).unsqueeze(1) }
        let time = try Tensor(sigmas.map { Float(1 - $0) }, device: x0.device)
        // The ControlNet stage: the ControlNet's hints join the (frozen) transformer's main layers through the
        // same hook generation uses; the loss and its target are unchanged.
        let hook: ZImageControlHook? = control.map { control in
            { try control.net.hints($0, control: control.latents, scale: control.scale) }
        }
        let outputs = try transformer.forward(latents: samples, timesteps: time, captions: captions, control: hook)
        let prediction = try Tensor.stack(outputs, dim: 0).squeeze(2).to(.float32)
        let target = try x0 - noise
        let squaredError = try (prediction - target).square()
        guard let weights = emphasis else { return try squaredError.mean() }
        return try (squaredError * weights).mean() / (batchEmphasisMean ?? weights.mean())
    }
}
