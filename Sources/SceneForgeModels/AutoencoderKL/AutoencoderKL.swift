import Foundation
import SafeTensors
import SceneForgeTorch

/// diffusers' `AutoencoderKL` (the FLUX.1 VAE used by Z-Image): images in [-1, 1], NCHW, to latents
/// 8× smaller with 16 channels, and back. Parameter names are diffusers' checkpoint keys.
public struct AutoencoderKL {
    public let config: AutoencoderKLConfig
    let encoder: VAEEncoder
    let decoder: VAEDecoder
    /// 1x1 convolutions on the moments / latents; SD-style VAEs have them, FLUX.1's does not.
    let quant_conv: Conv2d?
    let post_quant_conv: Conv2d?
    /// Where the weights live; inputs are moved there.
    public let dtype: DType
    public let device: Device

    public init(config: AutoencoderKLConfig, weights w: Weights) throws {
        do {
            try config.validate()
        } catch let error as ConfigFieldError {
            throw ModelConfigError(file: "AutoencoderKL configuration", field: error.field, problem: error.problem)
        }
        self.config = config
        encoder = try VAEEncoder(w.scoped("encoder"), config: config)
        decoder = try VAEDecoder(w.scoped("decoder"), config: config)
        let moments = 2 * config.latentChannels
        quant_conv = config.useQuantConv
            ? try Conv2d(w.scoped("quant_conv"), inChannels: moments, outChannels: moments, kernel: 1) : nil
        post_quant_conv = config.usePostQuantConv
            ? try Conv2d(w.scoped("post_quant_conv"), inChannels: config.latentChannels, outChannels: config.latentChannels, kernel: 1)
            : nil
        dtype = w.dtype
        device = w.device
    }

    /// Reads `config.json` and the (possibly sharded) safetensors of a diffusers `vae/` folder.
    /// Missing, wrongly shaped and unexpected keys are errors that name them.
    public static func load(folder: URL, dtype: DType = .float32, device: Device = .cpu) throws -> AutoencoderKL {
        let config = try AutoencoderKLConfig.load(contentsOf: folder.appendingPathComponent("config.json"))
        let checkpoint = try SafeTensorsCheckpoint(url: folder)
        return try Weights.checkedBuild(from: checkpoint, dtype: dtype, device: device) {
            try AutoencoderKL(config: config, weights: $0)
        }
    }

    // MARK: - Encoding

    /// The posterior of `image` ([B, in_channels, H, W] in [-1, 1]): its mean and log-variance
    /// ([B, latent_channels, ⌈H/8⌉, ⌈W/8⌉]); the log-variance is clamped to [-30, 20] as diffusers does.
    public func encode(_ image: Tensor) throws -> (mean: Tensor, logvar: Tensor) {
        try checkInput(image, channels: config.inChannels, what: "image")
        var moments = try encoder(image.to(device, dtype))
        if let quant_conv { moments = try quant_conv(moments) }
        let halves = try moments.chunk(2, dim: 1)
        return (halves[0], try halves[1].clamp(min: -30, max: 20))
    }

    /// The latents a diffusion model works with: the posterior mean, shifted and scaled
    /// (`(mean - shift_factor) * scaling_factor`, the inverse of `latentsToImage`).
    public func imageToLatents(_ image: Tensor) throws -> Tensor {
        let mean = try encode(image).mean
        return try (mean - (config.shiftFactor ?? 0)) * config.scalingFactor
    }

    // MARK: - Decoding

    /// The image ([B, out_channels, 8h, 8w], about [-1, 1]) of raw latents [B, latent_channels, h, w].
    /// With `tiling`, latents larger than one tile are decoded tile by tile (see `tiledDecode`).
    public func decode(_ latents: Tensor, tiling: VAETiling? = nil) throws -> Tensor {
        try checkInput(latents, channels: config.latentChannels, what: "latents")
        if let tiling, latents.size(2) > tiling.tileLatentSize || latents.size(3) > tiling.tileLatentSize {
            return try tiledDecode(latents, tiling: tiling)
        }
        return try decodeWhole(latents.to(device, dtype))
    }

    /// What the pipeline does with the denoised latents: undo the scaling and shift, then decode.
    public func latentsToImage(_ latents: Tensor, tiling: VAETiling? = nil) throws -> Tensor {
        try decode(latents / config.scalingFactor + (config.shiftFactor ?? 0), tiling: tiling)
    }

    func decodeWhole(_ latents: Tensor) throws -> Tensor {
        let z = try post_quant_conv.map { try $0(latents) } ?? latents
        return try decoder(z)
    }

    func checkInput(_ x: Tensor, channels: Int, what: String) throws {
        let shape = x.shape
        guard shape.count == 4, shape[1] == channels, shape[0] > 0, shape[2] > 0, shape[3] > 0 else {
            throw AutoencoderKLError("the \(what) must be shaped [batch, \(channels), height, width] (NCHW), got \(shape)")
        }
    }
}

/// A VAE call refused before it reached libtorch.
public struct AutoencoderKLError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
