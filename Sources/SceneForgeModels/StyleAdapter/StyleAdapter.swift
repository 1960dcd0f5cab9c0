import Foundation
import SafeTensors
import SceneForgeImaging
import SceneForgeTorch

/// SceneForge's style adapter for Z-Image, built as IP-Adapter is (Ye et al. 2023), with the model's own
/// frozen VAE encoder in place of CLIP (docs/style-adapter.md):
///
///     reference screenshot ─ resize ─ VAE encoder (frozen) ─ image_encoder ─ image_proj ─ N style tokens
///                                                                                          │
///     main layer i:  image-token queries ─ attention(to_k_ip(tokens), to_v_ip(tokens)) × scale ─ + block attention
///
/// Stored names are the keys of `style_adapter/diffusion_pytorch_model.safetensors`.
public struct StyleAdapter {
    public let config: StyleAdapterConfig
    let imageEncoder: StyleImageEncoder
    let imageProj: StyleImageProjection
    let layers: [StyleLayerProjections]

    public init(_ w: Weights, config: StyleAdapterConfig) throws {
        self.config = config
        imageEncoder = try StyleImageEncoder(w.scoped("image_encoder"), config: config)
        imageProj = try StyleImageProjection(w.scoped("image_proj"), config: config)
        layers = try (0..<config.numLayers).map { try StyleLayerProjections(w.scoped("layers").scoped($0), config: config) }
    }

    /// The adapter folder inside a model folder.
    public static func folder(in modelFolder: URL) -> URL { modelFolder.appendingPathComponent("style_adapter") }

    /// Whether `modelFolder` carries a style adapter (`style_adapter/config.json`).
    public static func exists(in modelFolder: URL) -> Bool {
        FileManager.default.fileExists(atPath: folder(in: modelFolder).appendingPathComponent("config.json").path)
    }

    /// Reads `folder/config.json` and `folder/*.safetensors` for `transformer` and `vae`. Missing, wrongly shaped
    /// and unexpected keys are errors that name the key; nothing is read before the whole file is checked.
    public static func load(folder: URL, transformer: ZImageTransformerConfig, vae: AutoencoderKLConfig,
                            dtype: DType = .float32, device: Device = .cpu) throws -> StyleAdapter {
        let configURL = folder.appendingPathComponent("config.json")
        let config = try StyleAdapterConfig.load(contentsOf: configURL)
        try config.validate(transformer: transformer, vaeScaleFactor: vae.scaleFactor, vaeLatentChannels: vae.latentChannels,
                            source: configURL.path)
        let checkpoint = try SafeTensorsCheckpoint(url: folder)
        return try Weights.checkedBuild(from: checkpoint, dtype: dtype, device: device) { try StyleAdapter($0, config: config) }
    }

    // MARK: - Image prompt

    /// The reference screenshot as the VAE's input: RGB in [-1, 1], (1, 3, image_height, image_width), area-resized.
    public func referenceTensor(_ image: RGBAImage) throws -> Tensor {
        let full = try ZImagePipeline.imageTensor(image)
        guard full.size(2) != config.imageHeight || full.size(3) != config.imageWidth else { return full }
        return try full.interpolate(height: config.imageHeight, width: config.imageWidth, mode: .area)
    }

    /// The frozen part, float32: the VAE's normalised latents of references (B, 3, image_height, image_width) in
    /// [-1, 1], and with `colour_input` the references' RGB area-pooled to the latent grid after them.
    public func encoderInput(_ images: Tensor, vae: AutoencoderKL) throws -> Tensor {
        try withNoGrad {
            let latents = try vae.imageToLatents(images).to(.float32)
            guard config.colourInput else { return latents }
            let colour = try images.to(.float32).interpolate(height: latents.size(2), width: latents.size(3), mode: .area)
            return try Tensor.cat([latents, colour], dim: 1)
        }
    }

    /// The trainable part: style tokens (B, num_tokens, dim) of `encoderInput`'s output.
    public func tokens(input: Tensor, dtype: DType) throws -> Tensor {
        try imageProj(imageEncoder(input.to(dtype)))
    }

    /// Style tokens of one reference screenshot, (1, num_tokens, dim).
    public func tokens(reference image: RGBAImage, vae: AutoencoderKL) throws -> Tensor {
        let input = try encoderInput(referenceTensor(image), vae: vae)
        return try withNoGrad { try tokens(input: input, dtype: imageProj.proj.weight.dtype) }
    }

    /// What the transformer needs for every evaluation of a generation: each layer's keys and values of `tokens`.
    public func conditioning(tokens: Tensor, scale: Double) throws -> ZImageStyleConditioning {
        var keys: [Tensor] = []
        var values: [Tensor] = []
        for layer in layers {
            let (k, v) = try layer.keysAndValues(tokens, heads: config.nHeads)
            keys.append(k)
            values.append(v)
        }
        return ZImageStyleConditioning(keys: keys, values: values, scale: scale)
    }

    /// IP-Adapter's initialisation: each layer's `to_k_ip`/`to_v_ip` (and key norm) start as copies of the
    /// block's own `to_k`/`to_v`, so the new attention starts out reading the tokens the way the block reads
    /// its own. Used by training, on freshly initialised adapter weights.
    public func copyBaseProjections(from transformer: ZImageTransformer) throws {
        guard transformer.layers.count == layers.count else {
            throw ZImageError("the style adapter has \(layers.count) layers; the transformer has \(transformer.layers.count)")
        }
        try withNoGrad {
            for (ours, block) in zip(layers, transformer.layers) {
                let pairs: [(Tensor?, Tensor?)] = [(ours.toKIP.weight, block.attention.toK.weight),
                                                   (ours.toVIP.weight, block.attention.toV.weight),
                                                   (ours.normKIP?.weight, block.attention.normK?.weight)]
                for case let (target?, source?) in pairs {
                    try target.mul(inPlace: 0)
                    try target.add(inPlace: source.to(target.dtype))
                }
            }
        }
    }
}
