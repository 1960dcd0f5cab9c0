import Foundation

/// transformers' `Qwen3Config` (`text_encoder/config.json`), the fields the encoder uses. Absent fields
/// take transformers 5's defaults. RoPE θ is read from `rope_parameters.rope_theta` (transformers 5)
/// or the top-level `rope_theta` (the published checkpoints). Features the encoder does not implement
/// (sliding-window layers, scaled RoPE variants, other activations) are refused by name.
public struct Qwen3Config: Decodable, Equatable, Sendable {
    public var vocabSize = 151_936
    public var hiddenSize = 4096
    public var intermediateSize = 22_016
    public var numHiddenLayers = 32
    public var numAttentionHeads = 32
    public var numKeyValueHeads = 32
    public var headDim = 128
    public var rmsNormEps = 1e-6
    public var ropeTheta = 10_000.0
    public var attentionBias = false

    /// Qwen3-4B, the Z-Image text encoder.
    public static var qwen3_4B: Qwen3Config {
        var config = Qwen3Config()
        config.hiddenSize = 2560
        config.intermediateSize = 9728
        config.numHiddenLayers = 36
        config.numAttentionHeads = 32
        config.numKeyValueHeads = 8
        config.headDim = 128
        config.ropeTheta = 1_000_000
        return config
    }

    public init() {}

    public static func load(contentsOf url: URL) throws -> Qwen3Config {
        try ModelConfigFile.load(Qwen3Config.self, contentsOf: url)
    }

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads", headDim = "head_dim", rmsNormEps = "rms_norm_eps"
        case ropeTheta = "rope_theta", ropeParameters = "rope_parameters", ropeScaling = "rope_scaling"
        case attentionBias = "attention_bias", hiddenAct = "hidden_act"
        case useSlidingWindow = "use_sliding_window", layerTypes = "layer_types"
    }

    struct RopeParameters: Decodable {
        let rope_theta: Double?
        let rope_type: String?
        let type: String?
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? vocabSize
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? hiddenSize
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? intermediateSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? numAttentionHeads
        numKeyValueHeads = try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads) ?? numAttentionHeads
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim) ?? headDim
        rmsNormEps = try c.decodeIfPresent(Double.self, forKey: .rmsNormEps) ?? rmsNormEps
        attentionBias = try c.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? attentionBias

        // transformers 5 moved θ into rope_parameters; older files and the published ones keep it at the top.
        let parameters = try c.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)
            ?? c.decodeIfPresent(RopeParameters.self, forKey: .ropeScaling)
        if let theta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? parameters?.rope_theta { ropeTheta = theta }
        if let kind = parameters?.rope_type ?? parameters?.type, kind != "default" {
            let field = c.contains(.ropeParameters) ? "rope_parameters.rope_type" : "rope_scaling.rope_type"
            throw ConfigFieldError(field: field, problem: "'\(kind)' RoPE is not supported (only default)")
        }
        let act = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "silu"
        guard act == "silu" else { throw ConfigFieldError(field: "hidden_act", problem: "'\(act)' is not supported (only silu)") }
        if try c.decodeIfPresent(Bool.self, forKey: .useSlidingWindow) == true {
            throw ConfigFieldError(field: "use_sliding_window", problem: "sliding-window attention is not supported")
        }
        if let types = try c.decodeIfPresent([String].self, forKey: .layerTypes) {
            if let other = types.first(where: { $0 != "full_attention" }) {
                throw ConfigFieldError(field: "layer_types", problem: "'\(other)' layers are not supported (only full_attention)")
            }
            guard types.count == numHiddenLayers else {
                throw ConfigFieldError(field: "layer_types", problem: "has \(types.count) entries for \(numHiddenLayers) layers")
            }
        }
        try validate()
    }

    /// The checks that keep the model from failing later with a shape error inside libtorch.
    func validate() throws {
        func fail(_ field: String, _ problem: String) -> ConfigFieldError { ConfigFieldError(field: field, problem: problem) }
        for (field, value) in [("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("intermediate_size", intermediateSize),
                               ("num_hidden_layers", numHiddenLayers), ("num_attention_heads", numAttentionHeads),
                               ("num_key_value_heads", numKeyValueHeads)] where value <= 0 {
            throw fail(field, "must be positive, is \(value)")
        }
        guard headDim > 0, headDim % 2 == 0 else { throw fail("head_dim", "must be positive and even (RoPE rotates pairs), is \(headDim)") }
        guard numAttentionHeads % numKeyValueHeads == 0 else {
            throw fail("num_key_value_heads", "\(numKeyValueHeads) does not divide num_attention_heads (\(numAttentionHeads))")
        }
        guard rmsNormEps.isFinite, rmsNormEps >= 0 else { throw fail("rms_norm_eps", "must be finite and ≥ 0, is \(rmsNormEps)") }
        guard ropeTheta.isFinite, ropeTheta > 0 else { throw fail("rope_theta", "must be finite and positive, is \(ropeTheta)") }
    }
}
