import Foundation
import SceneForgeModels
import SceneForgeTorch

/// How the pipeline normalises VAE latents: `(mean − shift)·scale` (diffusers' shift_factor and
/// scaling_factor). Measured on the training data as FLUX did: shift = mean, scale = 1/std, so the
/// transformer sees unit-variance latents like the noise it starts from.
public struct LatentNormalization: Equatable, Sendable {
    public let shift: Double
    public let scale: Double

    static func measure(vae: AutoencoderKL, data: TrainingData) throws -> LatentNormalization {
        try withNoGrad {
            let means = try data.samples.map { try vae.encode($0.image.unsqueeze(0)).mean.to(.float32) }
            let all = try Tensor.cat(means, dim: 0)
            let shift = try all.mean().item()
            let std = try all.std().item()
            guard std.isFinite, std > 1e-8 else {
                throw TrainingError("the trained VAE's latents have standard deviation \(std); cannot normalise them")
            }
            return LatentNormalization(shift: shift, scale: 1 / std)
        }
    }
}

/// The frozen parts' outputs, computed once when the transformer stage starts: every sample's
/// normalised latents (posterior mean, as the pipeline's image-to-latent path) and its caption
/// features, encoded by the pipeline's own prompt path so training sees exactly what generation sees.
struct LatentCache {
    let latents: [Tensor]
    let captions: [Tensor]

    init(model: SmallModel, data: TrainingData, normalization: LatentNormalization, output: URL) throws {
        latents = try withNoGrad {
            try data.samples.map { sample in
                let mean = try model.vae.encode(sample.image.unsqueeze(0)).mean.to(.float32)
                return try ((mean - normalization.shift) * normalization.scale).squeeze(0)
            }
        }
        let pipeline = ZImagePipeline(
            folder: output, tokenizer: model.tokenizer, textEncoder: model.textEncoder, transformer: model.transformer,
            vae: model.vae, schedulerConfig: FlowMatchEulerConfig(), device: model.transformerWeights.device,
            dtype: model.transformerWeights.dtype)
        let features = try pipeline.encode(prompts: data.samples.map(\.prompt))
        captions = try features.map { try $0.to(model.transformerWeights.dtype) }
    }
}
