import Foundation

/// diffusers' `AutoencoderKL` configuration (`vae/config.json`). Absent fields take diffusers'
/// defaults (autoencoder_kl.py `__init__`); fields the model does not use (latents_mean, force_upcast...)
/// are ignored. Only the `DownEncoderBlock2D`/`UpDecoderBlock2D` family with SiLU exists in these VAEs.
public struct AutoencoderKLConfig: Decodable, Equatable, Sendable {
    public var inChannels = 3
    public var outChannels = 3
    public var blockOutChannels = [64]
    public var layersPerBlock = 1
    public var latentChannels = 4
    public var normNumGroups = 32
    /// The image side the checkpoint was trained at; it sets the default tile size of tiled decoding.
    public var sampleSize = 32
    public var scalingFactor = 0.18215
    public var shiftFactor: Double?
    public var useQuantConv = true
    public var usePostQuantConv = true
    public var midBlockAddAttention = true

    /// The published FLUX.1 / Z-Image VAE.
    public static var flux: AutoencoderKLConfig {
        var config = AutoencoderKLConfig()
        config.blockOutChannels = [128, 256, 512, 512]
        config.layersPerBlock = 2
        config.latentChannels = 16
        config.sampleSize = 1024
        config.scalingFactor = 0.3611
        config.shiftFactor = 0.1159
        config.useQuantConv = false
        config.usePostQuantConv = false
        return config
    }

    public init() {}

    /// Pixels per latent cell along each side: 2^(number of blocks - 1).
    public var scaleFactor: Int { 1 << (blockOutChannels.count - 1) }

    public static func load(contentsOf url: URL) throws -> AutoencoderKLConfig {
        try ModelConfigFile.load(AutoencoderKLConfig.self, contentsOf: url)
    }

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", outChannels = "out_channels"
        case downBlockTypes = "down_block_types", upBlockTypes = "up_block_types"
        case blockOutChannels = "block_out_channels", layersPerBlock = "layers_per_block"
        case actFn = "act_fn", latentChannels = "latent_channels", normNumGroups = "norm_num_groups"
        case sampleSize = "sample_size", scalingFactor = "scaling_factor", shiftFactor = "shift_factor"
        case useQuantConv = "use_quant_conv", usePostQuantConv = "use_post_quant_conv"
        case midBlockAddAttention = "mid_block_add_attention"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inChannels = try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? inChannels
        outChannels = try c.decodeIfPresent(Int.self, forKey: .outChannels) ?? outChannels
        blockOutChannels = try c.decodeIfPresent([Int].self, forKey: .blockOutChannels) ?? blockOutChannels
        layersPerBlock = try c.decodeIfPresent(Int.self, forKey: .layersPerBlock) ?? layersPerBlock
        latentChannels = try c.decodeIfPresent(Int.self, forKey: .latentChannels) ?? latentChannels
        normNumGroups = try c.decodeIfPresent(Int.self, forKey: .normNumGroups) ?? normNumGroups
        scalingFactor = try c.decodeIfPresent(Double.self, forKey: .scalingFactor) ?? scalingFactor
        shiftFactor = try c.decodeIfPresent(Double.self, forKey: .shiftFactor)
        useQuantConv = try c.decodeIfPresent(Bool.self, forKey: .useQuantConv) ?? useQuantConv
        usePostQuantConv = try c.decodeIfPresent(Bool.self, forKey: .usePostQuantConv) ?? usePostQuantConv
        midBlockAddAttention = try c.decodeIfPresent(Bool.self, forKey: .midBlockAddAttention) ?? midBlockAddAttention
        // diffusers accepts an int or an [height, width] pair and tiles with the first entry.
        if let size = try? c.decodeIfPresent(Int.self, forKey: .sampleSize) {
            sampleSize = size
        } else if let sizes = try c.decodeIfPresent([Int].self, forKey: .sampleSize) {
            guard let first = sizes.first else { throw ConfigFieldError(field: "sample_size", problem: "is an empty list") }
            sampleSize = first
        }

        let act = try c.decodeIfPresent(String.self, forKey: .actFn) ?? "silu"
        guard act == "silu" else { throw ConfigFieldError(field: "act_fn", problem: "'\(act)' is not supported (only silu)") }
        let blocks = blockOutChannels.count
        try Self.check(blockTypes: c.decodeIfPresent([String].self, forKey: .downBlockTypes), expected: "DownEncoderBlock2D",
                       field: "down_block_types", blocks: blocks)
        try Self.check(blockTypes: c.decodeIfPresent([String].self, forKey: .upBlockTypes), expected: "UpDecoderBlock2D",
                       field: "up_block_types", blocks: blocks)
        try validate()
    }

    private static func check(blockTypes: [String]?, expected: String, field: String, blocks: Int) throws {
        guard let types = blockTypes else { return }
        guard types.count == blocks else {
            throw ConfigFieldError(field: field, problem: "has \(types.count) entries but block_out_channels has \(blocks)")
        }
        if let other = types.first(where: { $0 != expected }) {
            throw ConfigFieldError(field: field, problem: "'\(other)' is not supported (only \(expected))")
        }
    }

    /// The checks that keep the model from failing later with a shape error deep inside libtorch.
    func validate() throws {
        func fail(_ field: String, _ problem: String) -> ConfigFieldError { ConfigFieldError(field: field, problem: problem) }
        guard !blockOutChannels.isEmpty, blockOutChannels.count <= 8 else {
            throw fail("block_out_channels", "needs 1 to 8 entries, has \(blockOutChannels.count)")
        }
        guard normNumGroups > 0 else { throw fail("norm_num_groups", "must be positive, is \(normNumGroups)") }
        if let bad = blockOutChannels.first(where: { $0 <= 0 || $0 % normNumGroups != 0 }) {
            throw fail("block_out_channels", "\(bad) is not a positive multiple of norm_num_groups (\(normNumGroups))")
        }
        for (field, value) in [("in_channels", inChannels), ("out_channels", outChannels),
                               ("latent_channels", latentChannels), ("layers_per_block", layersPerBlock),
                               ("sample_size", sampleSize)] where value <= 0 {
            throw fail(field, "must be positive, is \(value)")
        }
        guard scalingFactor.isFinite, scalingFactor != 0 else {
            throw fail("scaling_factor", "must be finite and non-zero, is \(scalingFactor)")
        }
        if let shift = shiftFactor, !shift.isFinite { throw fail("shift_factor", "must be finite, is \(shift)") }
    }
}
