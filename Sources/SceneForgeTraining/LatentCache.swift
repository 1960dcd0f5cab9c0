import Foundation
import SceneForgeModels
import SceneForgeTorch

/// How the pipeline normalises VAE latents: `(mean − shift)·scale` (diffusers' shift_factor and
/// scaling_factor). Measured on the training data as FLUX did: shift = mean, scale = 1/std, so the
/// transformer sees unit-variance latents like the noise it starts from.
public struct LatentNormalization: Equatable, Sendable {
    public let shift: Double
    public let scale: Double

    static func measure(vae: AutoencoderKL, data: TrainingData, workers: Int = 1) throws -> LatentNormalization {
        try withNoGrad {
            let means = try BatchShards.map(data.samples.count, workers: workers) {
                try vae.encode(data.samples[$0].image.unsqueeze(0)).mean.to(.float32)
            }
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
    /// The layout control images' latents, encoded exactly like the images (as the pipeline encodes a control
    /// image); only when a ControlNet stage will use them.
    let controls: [Tensor]?
    /// Each sample's anomaly mask area-averaged to the latent grid ([1, h, w]: the share of each latent's pixels
    /// inside an anomaly box); only when the ControlNet stage weights its loss by them.
    let anomalyShares: [Tensor]?
    /// Each sample's colourfulness area-averaged to the latent grid ([1, h, w], `colourfulness`); only when a
    /// stage weights its loss by it.
    let colourShares: [Tensor]?
    /// The empty prompt's caption features, for `transformer.caption_dropout`; only when the run drops captions.
    let emptyCaption: Tensor?

    /// `workers`: threads that share the encoding, as they share a batch (`BatchShards`); the cache is the same for
    /// any count.
    init(model: SmallModel, data: TrainingData, normalization: LatentNormalization, output: URL, withControls: Bool,
         withAnomalyShares: Bool = false, withColourShares: Bool = false, withEmptyCaption: Bool = false, workers: Int = 1) throws {
        func encode(_ image: Tensor) throws -> Tensor {
            let mean = try model.vae.encode(image.unsqueeze(0)).mean.to(.float32)
            return try ((mean - normalization.shift) * normalization.scale).squeeze(0)
        }
        let samples = data.samples
        latents = try withNoGrad { try BatchShards.map(samples.count, workers: workers) { try encode(samples[$0].image) } }
        controls = withControls ? try withNoGrad {
            try BatchShards.map(samples.count, workers: workers) { i in
                guard let control = samples[i].control else {
                    throw TrainingError("training sample \(i) (layout \(samples[i].layoutID)) has no control image for the ControlNet stage")
                }
                return try encode(control)
            }
        } : nil
        let factor = model.vae.config.scaleFactor
        // A [1, H, W] pixel plane as the share per latent ([1, h, w]), by area averaging.
        func toLatentGrid(_ plane: Tensor) throws -> Tensor { try plane.unsqueeze(0).avgPool2d(kernel: (factor, factor)).squeeze(0) }
        anomalyShares = withAnomalyShares ? try data.samples.enumerated().map { i, sample in
            guard let mask = sample.anomalyMask else {
                throw TrainingError("training sample \(i) (layout \(sample.layoutID)) has no anomaly mask for controlnet.anomaly_weight")
            }
            return try toLatentGrid(mask)
        } : nil
        colourShares = withColourShares ? try data.samples.map { try toLatentGrid(Self.colourfulness($0.image)) } : nil
        let pipeline = ZImagePipeline(
            folder: output, tokenizer: model.tokenizer, textEncoder: model.textEncoder, transformer: model.transformer,
            vae: model.vae, schedulerConfig: FlowMatchEulerConfig(), device: model.transformerWeights.device,
            dtype: model.transformerWeights.dtype)
        let features = try pipeline.encode(prompts: data.samples.map(\.prompt))
        captions = try features.map { try $0.to(model.transformerWeights.dtype) }
        emptyCaption = withEmptyCaption ? try pipeline.encode(prompts: [""])[0].to(model.transformerWeights.dtype) : nil
    }

    /// An image's ([3, H, W] in [-1, 1]) colourfulness [1, H, W] in [0, 1]: the HSV saturation of clearly coloured
    /// pixels (chroma above 0.15 of full scale), 0 for greys, white and black.
    static func colourfulness(_ image: Tensor) throws -> Tensor {
        let rgb = try (image + 1) / 2
        let value = try rgb.max(dims: [0], keepDim: true), chroma = try value - rgb.min(dims: [0], keepDim: true)
        return try chroma / value.clamp(min: 1e-3) * chroma.gt(0.15).to(.float32)
    }

    /// The samples' per-latent loss weights [B, 1, h, w]: 1 + anomalyWeight × anomaly share + colourWeight ×
    /// colourfulness (a weight of 0 leaves its term out); nil when neither applies. `screenShare` s: each screen's
    /// weights divided by s × their own mean + (1 − s) × the batch's. At 1 every screen's weights average 1, so a
    /// screen with a small anomaly counts as much as one with a large dialog; at 0 they are left as they are (the
    /// objective divides by the batch's mean). `liftsOnly`: a screen's own mean counts at most the batch's, so the
    /// normalisation raises screens with small anomalies and leaves those with large ones as at 0.
    func emphasis(of indices: [Int], anomalyWeight: Double, colourWeight: Double, screenShare: Double = 0,
                  liftsOnly: Bool = false) throws -> Tensor? {
        let anomalyShares = anomalyWeight > 0 ? anomalyShares : nil, colourShares = colourWeight > 0 ? colourShares : nil
        guard anomalyShares != nil || colourShares != nil else { return nil }
        guard let first = indices.first else { return nil }
        let grid = latents[first].shape
        var weights = try Tensor.ones([indices.count, 1, grid[1], grid[2]])
        if let anomalyShares { weights = try weights + Tensor.stack(indices.map { anomalyShares[$0] }, dim: 0) * anomalyWeight }
        if let colourShares { weights = try weights + Tensor.stack(indices.map { colourShares[$0] }, dim: 0) * colourWeight }
        guard screenShare > 0 else { return weights }
        let batchMean = try weights.mean().item()
        var screenMeans = try weights.mean(dims: [1, 2, 3], keepDim: true)
        if liftsOnly { screenMeans = try screenMeans.clamp(max: batchMean) }
        return try weights / (screenMeans * screenShare + batchMean * (1 - screenShare))
    }

    /// Sample `index`'s control latents as the ControlNet takes them: (channels, frames = 1, h, w).
    func control(of index: Int) throws -> Tensor {
        guard let controls, controls.indices.contains(index) else {
            throw TrainingError("no control latents for training sample \(index) (the cache was made without controls)")
        }
        return try controls[index].unsqueeze(1)
    }
}
