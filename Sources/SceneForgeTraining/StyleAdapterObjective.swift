import Foundation
import SceneForgeModels
import SceneForgeTorch

/// The base model's rectified-flow objective (`FlowMatchObjective`, same σ sampling, sign and target),
/// with the style adapter's decoupled cross-attention in the (frozen) transformer: only the adapter learns.
struct StyleAdapterObjective {
    let transformer: ZImageTransformer
    let adapter: StyleAdapter
    let shift: Double
    let scale: Double
    let dtype: DType

    /// `latents` [B, C, h, w] float32 targets; `references` [B, C, h, w] the references' latents.
    func loss(latents x0: Tensor, references: Tensor, captions: [Tensor], uniforms: [Double], noise: Tensor) throws -> Tensor {
        let batch = x0.size(0)
        let sigmas = uniforms.map { FlowMatchObjective.shiftedSigma($0, shift: shift) }
        let sigma = try Tensor(sigmas.map(Float.init), shape: [batch, 1, 1, 1], device: x0.device)
        let input = try ((1 - sigma) * x0 + sigma * noise).to(dtype)
        let samples = try (0..<batch).map { try input.narrow(dim: 0, start: $0, length: 1).squeeze(0).unsqueeze(1) }
        let time = try Tensor(sigmas.map { Float(1 - $0) }, device: x0.device)
        let tokens = try adapter.tokens(latents: references, dtype: dtype)
        let style = try adapter.conditioning(tokens: tokens, scale: scale)
        let outputs = try transformer.forward(latents: samples, timesteps: time, captions: captions, style: style)
        let prediction = try Tensor.stack(outputs, dim: 0).squeeze(2).to(.float32)
        return try (prediction - (x0 - noise)).square().mean()
    }
}
