import Foundation

/// The keys transformers writes to `siglip/config.json` for `Siglip2VisionModel` (transformers 5.24,
/// configuration_siglip2.py), with its defaults for missing keys.
public struct Siglip2VisionConfig: Equatable, Sendable {
    public var hiddenSize = 768
    public var intermediateSize = 3072
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var numChannels = 3
    /// Rows of the learned position table; a square grid of √numPatches per side.
    public var numPatches = 256
    public var patchSize = 16
    public var hiddenAct = "gelu_pytorch_tanh"
    public var layerNormEps = 1e-6
    /// The pooling head (`head.*`); its output is not what Z-Image uses, so its weights are only checked for presence.
    public var visionUseHead = true

    public init() {}

    public var headDim: Int { hiddenSize / numAttentionHeads }
    public var positionGridSize: Int { Int(Double(numPatches).squareRoot()) }

    public static func load(contentsOf url: URL) throws -> Siglip2VisionConfig {
        let config = try ModelConfigFile.load(Siglip2VisionConfig.self, contentsOf: url)
        try config.validate(source: url.path)
        return config
    }

    func validate(source: String) throws {
        func fail(_ why: String) -> Siglip2Error { Siglip2Error("\(source): \(why)") }
        for (value, field) in [(hiddenSize, "hidden_size"), (intermediateSize, "intermediate_size"),
                               (numAttentionHeads, "num_attention_heads"), (numChannels, "num_channels"),
                               (numPatches, "num_patches"), (patchSize, "patch_size")] where value <= 0 {
            throw fail("field '\(field)' must be positive (got \(value))")
        }
        guard numHiddenLayers >= 0 else { throw fail("field 'num_hidden_layers' must not be negative") }
        guard hiddenSize % numAttentionHeads == 0 else {
            throw fail("field 'hidden_size' (\(hiddenSize)) must be a multiple of 'num_attention_heads' (\(numAttentionHeads))")
        }
        guard positionGridSize * positionGridSize == numPatches else {
            throw fail("field 'num_patches' (\(numPatches)) must be a square (the position table is a square grid)")
        }
        guard ["gelu_pytorch_tanh", "gelu"].contains(hiddenAct) else {
            throw fail("field 'hidden_act' is '\(hiddenAct)'; supported: gelu_pytorch_tanh, gelu")
        }
        guard layerNormEps > 0 else { throw fail("field 'layer_norm_eps' must be positive") }
    }
}

extension Siglip2VisionConfig: Decodable {
    private enum Key: String, CodingKey {
        case hiddenSize = "hidden_size", intermediateSize = "intermediate_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", numChannels = "num_channels", numPatches = "num_patches"
        case patchSize = "patch_size", hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps"
        case visionUseHead = "vision_use_head", visionConfig = "vision_config"
    }

    public init(from decoder: Decoder) throws {
        var c = try decoder.container(keyedBy: Key.self)
        // A full Siglip2Model config nests the tower's keys under "vision_config".
        if c.contains(.visionConfig) { c = try c.nestedContainer(keyedBy: Key.self, forKey: .visionConfig) }
        var config = Siglip2VisionConfig()
        config.hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? config.hiddenSize
        config.intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? config.intermediateSize
        config.numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? config.numHiddenLayers
        config.numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? config.numAttentionHeads
        config.numChannels = try c.decodeIfPresent(Int.self, forKey: .numChannels) ?? config.numChannels
        config.numPatches = try c.decodeIfPresent(Int.self, forKey: .numPatches) ?? config.numPatches
        config.patchSize = try c.decodeIfPresent(Int.self, forKey: .patchSize) ?? config.patchSize
        config.hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? config.hiddenAct
        config.layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? config.layerNormEps
        config.visionUseHead = try c.decodeIfPresent(Bool.self, forKey: .visionUseHead) ?? config.visionUseHead
        self = config
    }
}

public struct Siglip2Error: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
