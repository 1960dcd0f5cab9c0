import Foundation
import SceneForgeModels
import SceneForgeTorch

/// The base model's rectified-flow objective (`FlowMatchObjective`, same σ sampling, sign and target),
/// with the style adapter's decoupled cross-attention in the (frozen) transformer: only the adapter learns.
///
/// With `distillWeight` w > 0 and teacher captions, the loss adds w · ‖v − v_teacher‖², v_teacher being the frozen
/// base's prediction on the same noisy input given the caption that *names* the style, without the adapter. The
/// flow-matching target carries the style only through one noisy sample; the teacher's prediction is the style
/// words' whole effect on the velocity, which is what the reference has to stand in for.
struct StyleAdapterObjective {
    let transformer: ZImageTransformer
    let adapter: StyleAdapter
    let shift: Double
    let scale: Double
    let dtype: DType
    var distillWeight = 0.0

    /// `latents` [B, C, h, w] float32 targets; `references` [B, C, h, w] the references' latents; `teacherCaptions`
    /// the styled captions (needed when `distillWeight` > 0).
    func loss(latents x0: Tensor, references: Tensor, captions: [Tensor], teacherCaptions: [Tensor]? = nil, uniforms: [Double],
              noise: Tensor) throws -> Tensor {
        let batch = x0.size(0)
        let sigmas = uniforms.map { FlowMatchObjective.shiftedSigma($0, shift: shift) }
        let sigma = try Tensor(sigmas.map(Float.init), shape: [batch, 1, 1, 1], device: x0.device)
        let input = try ((1 - sigma) * x0 + sigma * noise).to(dtype)
        let samples = try (0..<batch).map { try input.narrow(dim: 0, start: $0, length: 1).squeeze(0).unsqueeze(1) }
        let time = try Tensor(sigmas.map { Float(1 - $0) }, device: x0.device)
        let tokens = try adapter.tokens(input: references, dtype: dtype)
        let style = try adapter.conditioning(tokens: tokens, scale: scale)
        func predict(_ captions: [Tensor], style: ZImageStyleConditioning?) throws -> Tensor {
            try Tensor.stack(transformer.forward(latents: samples, timesteps: time, captions: captions, style: style), dim: 0)
                .squeeze(2).to(.float32)
        }
        let prediction = try predict(captions, style: style)
        let flowMatch = try (prediction - (x0 - noise)).square().mean()
        guard distillWeight > 0 else { return flowMatch }
        guard let teacherCaptions, teacherCaptions.count == batch else {
            throw TrainingError("style adapter distillation needs one styled caption per sample")
        }
        let teacher = try withNoGrad { try predict(teacherCaptions, style: nil) }
        return try flowMatch + distillWeight * (prediction - teacher).square().mean()
    }
}
