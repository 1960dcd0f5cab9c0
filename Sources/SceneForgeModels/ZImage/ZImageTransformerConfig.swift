import Foundation

/// The keys diffusers writes to the transformer's `config.json` for `ZImageTransformer2DModel`
/// (diffusers 0.42.1, transformer_z_image.py `__init__`), with its defaults for missing keys.
/// `_class_name` and `_diffusers_version` are ignored.
public struct ZImageTransformerConfig: Equatable, Sendable {
    public var allPatchSize: [Int] = [2]
    public var allFPatchSize: [Int] = [1]
    public var inChannels = 16
    public var dim = 3840
    public var nLayers = 30
    public var nRefinerLayers = 2
    public var nHeads = 30
    /// Stored for completeness; the model is plain multi-head attention and never reads it.
    public var nKVHeads = 30
    public var normEps = 1e-5
    public var qkNorm = true
    public var capFeatDim = 2560
    /// Set only by the omni variant (Z-Image-Edit / Omni): the width of the SigLIP image features it embeds.
    public var siglipFeatDim: Int? = nil
    public var ropeTheta = 256.0
    public var tScale = 1000.0
    public var axesDims = [32, 48, 48]
    /// diffusers' default; the published Turbo config says [1536, 512, 512].
    public var axesLens = [1024, 512, 512]
    /// The latent size (height, width) the model was trained to draw, where its config says (`sample_size`, as
    /// diffusers' DiT configs give it: pipelines draw `sample_size × vae_scale_factor` pixels when a request names no
    /// size). The published Z-Image configs have none (their pipeline draws 1024×1024); `sceneforge train` writes it.
    public var sampleSize: (height: Int, width: Int)? {
        get { sampleSizeLatents.map { ($0[0], $0[1]) } }
        set { sampleSizeLatents = newValue.map { [$0.height, $0.width] } }
    }
    /// `sampleSize` as stored: [height, width] (a square one written as one integer is read as [n, n]).
    var sampleSizeLatents: [Int]? = nil

    public init() {}

    /// The published Tongyi-MAI/Z-Image-Turbo `transformer/config.json` (docs/zimage-notes.md §0).
    public static var zImageTurbo: ZImageTransformerConfig {
        var config = ZImageTransformerConfig()
        config.axesLens = [1536, 512, 512]
        return config
    }

    public var headDim: Int { dim / nHeads }
    /// Width of the timestep conditioning vector that feeds every modulation (`ADALN_EMBED_DIM` capped at dim).
    public var adalnDim: Int { min(dim, 256) }
    /// SwiGLU hidden width, `int(dim / 3 * 8)` as Python computes it.
    public var feedForwardDim: Int { Int(Double(dim) / 3 * 8) }

    /// Reads `config.json`; errors name the file and the field.
    public static func load(contentsOf url: URL) throws -> ZImageTransformerConfig {
        try validated(ModelConfigFile.load(ZImageTransformerConfig.self, contentsOf: url), source: url.path)
    }

    public static func decode(_ data: Data, source: String = "config.json") throws -> ZImageTransformerConfig {
        try validated(ModelConfigFile.decode(ZImageTransformerConfig.self, from: data, file: source), source: source)
    }

    private static func validated(_ config: ZImageTransformerConfig, source: String) throws -> ZImageTransformerConfig {
        do {
            try config.validate()
        } catch let error as ZImageError {
            throw ZImageError("\(source): \(error.message)")
        }
        return config
    }

    /// The assertions diffusers makes in `__init__`, plus the ones that would otherwise fail deep inside a forward.
    public func validate() throws {
        func positive(_ value: Int, _ field: String) throws {
            guard value > 0 else { throw ZImageError("field '\(field)' must be positive (got \(value))") }
        }
        try positive(inChannels, "in_channels")
        try positive(dim, "dim")
        try positive(nHeads, "n_heads")
        try positive(nKVHeads, "n_kv_heads")
        try positive(capFeatDim, "cap_feat_dim")
        guard nLayers >= 0 else { throw ZImageError("field 'n_layers' must not be negative (got \(nLayers))") }
        guard nRefinerLayers >= 0 else {
            throw ZImageError("field 'n_refiner_layers' must not be negative (got \(nRefinerLayers))")
        }
        guard !allPatchSize.isEmpty, allPatchSize.count == allFPatchSize.count else {
            throw ZImageError("fields 'all_patch_size' \(allPatchSize) and 'all_f_patch_size' \(allFPatchSize) "
                + "must be non-empty lists of the same length")
        }
        for p in allPatchSize { try positive(p, "all_patch_size") }
        for p in allFPatchSize { try positive(p, "all_f_patch_size") }
        guard normEps > 0, normEps.isFinite else { throw ZImageError("field 'norm_eps' must be positive (got \(normEps))") }
        guard ropeTheta > 0, ropeTheta.isFinite else {
            throw ZImageError("field 'rope_theta' must be positive (got \(ropeTheta))")
        }
        guard tScale.isFinite else { throw ZImageError("field 't_scale' must be finite (got \(tScale))") }
        guard dim % nHeads == 0 else {
            throw ZImageError("field 'dim' (\(dim)) must be a multiple of 'n_heads' (\(nHeads))")
        }
        guard axesDims.count == axesLens.count, !axesDims.isEmpty else {
            throw ZImageError("fields 'axes_dims' \(axesDims) and 'axes_lens' \(axesLens) must have the same length")
        }
        guard axesDims.count == 3 else {
            throw ZImageError("field 'axes_dims' must have 3 entries (frame, height, width), got \(axesDims.count)")
        }
        for d in axesDims where d <= 0 || d % 2 != 0 {
            throw ZImageError("field 'axes_dims' entries must be positive and even (got \(axesDims))")
        }
        for l in axesLens { try positive(l, "axes_lens") }
        guard axesDims.reduce(0, +) == headDim else {
            throw ZImageError("field 'axes_dims' \(axesDims) must sum to the head dimension dim/n_heads = \(headDim)")
        }
        if let siglip = siglipFeatDim { try positive(siglip, "siglip_feat_dim") }
        if let size = sampleSizeLatents {
            guard size.count == 2, size.allSatisfy({ $0 > 0 && $0 <= 4096 }) else {
                throw ZImageError("field 'sample_size' must be a positive latent size, one integer or [height, width] (got \(size))")
            }
        }
    }
}

extension ZImageTransformerConfig: Decodable {
    private enum Key: String, CodingKey {
        case allPatchSize = "all_patch_size"
        case allFPatchSize = "all_f_patch_size"
        case inChannels = "in_channels"
        case dim
        case nLayers = "n_layers"
        case nRefinerLayers = "n_refiner_layers"
        case nHeads = "n_heads"
        case nKVHeads = "n_kv_heads"
        case normEps = "norm_eps"
        case qkNorm = "qk_norm"
        case capFeatDim = "cap_feat_dim"
        case siglipFeatDim = "siglip_feat_dim"
        case ropeTheta = "rope_theta"
        case tScale = "t_scale"
        case axesDims = "axes_dims"
        case axesLens = "axes_lens"
        case sampleSize = "sample_size"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        var config = ZImageTransformerConfig()
        config.allPatchSize = try c.decodeIfPresent([Int].self, forKey: .allPatchSize) ?? config.allPatchSize
        config.allFPatchSize = try c.decodeIfPresent([Int].self, forKey: .allFPatchSize) ?? config.allFPatchSize
        config.inChannels = try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? config.inChannels
        config.dim = try c.decodeIfPresent(Int.self, forKey: .dim) ?? config.dim
        config.nLayers = try c.decodeIfPresent(Int.self, forKey: .nLayers) ?? config.nLayers
        config.nRefinerLayers = try c.decodeIfPresent(Int.self, forKey: .nRefinerLayers) ?? config.nRefinerLayers
        config.nHeads = try c.decodeIfPresent(Int.self, forKey: .nHeads) ?? config.nHeads
        config.nKVHeads = try c.decodeIfPresent(Int.self, forKey: .nKVHeads) ?? config.nKVHeads
        config.normEps = try c.decodeIfPresent(Double.self, forKey: .normEps) ?? config.normEps
        config.qkNorm = try c.decodeIfPresent(Bool.self, forKey: .qkNorm) ?? config.qkNorm
        config.capFeatDim = try c.decodeIfPresent(Int.self, forKey: .capFeatDim) ?? config.capFeatDim
        config.siglipFeatDim = try c.decodeIfPresent(Int.self, forKey: .siglipFeatDim)
        config.ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? config.ropeTheta
        config.tScale = try c.decodeIfPresent(Double.self, forKey: .tScale) ?? config.tScale
        config.axesDims = try c.decodeIfPresent([Int].self, forKey: .axesDims) ?? config.axesDims
        config.axesLens = try c.decodeIfPresent([Int].self, forKey: .axesLens) ?? config.axesLens
        if let side = try? c.decodeIfPresent(Int.self, forKey: .sampleSize) {
            config.sampleSizeLatents = [side, side]
        } else {
            config.sampleSizeLatents = try c.decodeIfPresent([Int].self, forKey: .sampleSize)
        }
        self = config
    }
}
