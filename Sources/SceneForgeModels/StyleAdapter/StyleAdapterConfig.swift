import Foundation

/// `style_adapter/config.json`: the sizes of SceneForge's style adapter (docs/style-adapter.md).
/// `dim`, `num_layers` and `n_heads` must equal the transformer's; `image_width`/`image_height` is the
/// size the reference screenshot is resized to before the frozen VAE encodes it.
public struct StyleAdapterConfig: Equatable, Sendable {
    /// How many image tokens the reference becomes (IP-Adapter's `num_tokens`).
    public var numTokens = 4
    public var dim = 128
    public var numLayers = 4
    public var nHeads = 4
    public var qkNorm = true
    public var normEps = 1e-5
    public var latentChannels = 16
    public var imageWidth = 64
    public var imageHeight = 128
    /// Channels of the two convolutions of the trainable encoder head over the VAE latents.
    public var encoderChannels = [64, 128]
    /// The head's output is average-pooled to this grid (rows × columns), so the tokens still know
    /// what sits at the top of the screen (header colour) and what fills the page.
    public var gridHeight = 4
    public var gridWidth = 2
    /// Also give the encoder the reference's own RGB, area-pooled to the latent grid: the VAE's latents blur
    /// close hues together (its yellow comes back amber), the pooled pixels keep them exact.
    public var colourInput = false
    /// The scale used when a request names none.
    public var scale = 1.0
    /// The style guidance used when a request names none (`StyleReference.guidance`; 0: one pass, no style guidance).
    public var guidance = 0.0

    public init() {}

    public static func load(contentsOf url: URL) throws -> StyleAdapterConfig {
        try ModelConfigFile.load(StyleAdapterConfig.self, contentsOf: url)
    }

    /// Channels entering `image_encoder.conv_in`: the latents, and the pooled RGB with `colour_input`.
    var encoderInputChannels: Int { latentChannels + (colourInput ? 3 : 0) }

    /// Features entering `image_proj.proj`: the last head channel count times the pooled grid.
    var pooledFeatures: Int { (encoderChannels.last ?? 0) * gridHeight * gridWidth }

    /// Checks the config on its own, against the transformer it plugs into and the VAE that encodes its input.
    public func validate(transformer: ZImageTransformerConfig, vaeScaleFactor: Int, vaeLatentChannels: Int,
                         source: String) throws {
        func fail(_ field: String, _ problem: String) -> ModelConfigError {
            ModelConfigError(file: source, field: field, problem: problem)
        }
        guard numTokens > 0 else { throw fail("num_tokens", "must be positive (got \(numTokens))") }
        for (field, ours, theirs) in [("dim", dim, transformer.dim), ("num_layers", numLayers, transformer.nLayers),
                                      ("n_heads", nHeads, transformer.nHeads)] where ours != theirs {
            throw fail(field, "is \(ours) but the transformer's is \(theirs)")
        }
        guard qkNorm == transformer.qkNorm else { throw fail("qk_norm", "is \(qkNorm) but the transformer's is \(transformer.qkNorm)") }
        guard latentChannels == vaeLatentChannels else {
            throw fail("latent_channels", "is \(latentChannels) but the VAE's is \(vaeLatentChannels)")
        }
        guard encoderChannels.count == 2, encoderChannels.allSatisfy({ $0 > 0 }) else {
            throw fail("encoder_channels", "must be 2 positive channel counts (got \(encoderChannels))")
        }
        guard gridHeight > 0, gridWidth > 0 else { throw fail("grid_height", "grid_height and grid_width must be positive") }
        // VAE (÷scale factor), then the head's stride-2 convolution, then a whole number of cells per grid cell.
        let cell = vaeScaleFactor * 2
        guard imageHeight > 0, imageWidth > 0, imageHeight % (cell * gridHeight) == 0, imageWidth % (cell * gridWidth) == 0 else {
            throw fail("image_width", "image \(imageWidth)x\(imageHeight) must be a positive multiple of "
                + "\(cell * gridWidth)x\(cell * gridHeight) (2 × VAE scale factor × grid)")
        }
        guard scale.isFinite else { throw fail("scale", "must be a finite number (got \(scale))") }
        guard guidance.isFinite, guidance >= 0 else { throw fail("guidance", "must be a number ≥ 0 (got \(guidance))") }
    }
}

extension StyleAdapterConfig: Codable {
    private enum Key: String, CodingKey {
        case className = "_class_name"
        case numTokens = "num_tokens"
        case dim
        case numLayers = "num_layers"
        case nHeads = "n_heads"
        case qkNorm = "qk_norm"
        case normEps = "norm_eps"
        case latentChannels = "latent_channels"
        case imageWidth = "image_width"
        case imageHeight = "image_height"
        case encoderChannels = "encoder_channels"
        case gridHeight = "grid_height"
        case gridWidth = "grid_width"
        case scale
        case guidance
        case colourInput = "colour_input"
    }

    public static let className = "SceneForgeStyleAdapter"

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        if let name = try c.decodeIfPresent(String.self, forKey: .className), name != Self.className {
            throw ConfigFieldError(field: "_class_name", problem: "is '\(name)', expected '\(Self.className)'")
        }
        self.init()
        numTokens = try c.decode(Int.self, forKey: .numTokens)
        dim = try c.decode(Int.self, forKey: .dim)
        numLayers = try c.decode(Int.self, forKey: .numLayers)
        nHeads = try c.decode(Int.self, forKey: .nHeads)
        qkNorm = try c.decodeIfPresent(Bool.self, forKey: .qkNorm) ?? qkNorm
        normEps = try c.decodeIfPresent(Double.self, forKey: .normEps) ?? normEps
        latentChannels = try c.decode(Int.self, forKey: .latentChannels)
        imageWidth = try c.decode(Int.self, forKey: .imageWidth)
        imageHeight = try c.decode(Int.self, forKey: .imageHeight)
        encoderChannels = try c.decode([Int].self, forKey: .encoderChannels)
        gridHeight = try c.decode(Int.self, forKey: .gridHeight)
        gridWidth = try c.decode(Int.self, forKey: .gridWidth)
        scale = try c.decodeIfPresent(Double.self, forKey: .scale) ?? scale
        guidance = try c.decodeIfPresent(Double.self, forKey: .guidance) ?? guidance
        colourInput = try c.decodeIfPresent(Bool.self, forKey: .colourInput) ?? colourInput
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(Self.className, forKey: .className)
        try c.encode(numTokens, forKey: .numTokens)
        try c.encode(dim, forKey: .dim)
        try c.encode(numLayers, forKey: .numLayers)
        try c.encode(nHeads, forKey: .nHeads)
        try c.encode(qkNorm, forKey: .qkNorm)
        try c.encode(normEps, forKey: .normEps)
        try c.encode(latentChannels, forKey: .latentChannels)
        try c.encode(imageWidth, forKey: .imageWidth)
        try c.encode(imageHeight, forKey: .imageHeight)
        try c.encode(encoderChannels, forKey: .encoderChannels)
        try c.encode(gridHeight, forKey: .gridHeight)
        try c.encode(gridWidth, forKey: .gridWidth)
        try c.encode(scale, forKey: .scale)
        if guidance != 0 { try c.encode(guidance, forKey: .guidance) }   // older configs read the same
        if colourInput { try c.encode(colourInput, forKey: .colourInput) }
    }
}
