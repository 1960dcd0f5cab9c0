import Foundation

/// diffusers' `ZImageControlNetModel` config (controlnet_z_image.py). The published checkpoints:
/// - v1 ("Z-Image-Turbo-Fun-Controlnet-Union"): 16 input channels (control latents), control on main layers
///   [0, 5, …, 25], plain noise-refiner blocks over the control stream (`add_control_noise_refiner` null).
/// - v2.x ("…-Union-2.0/2.1"): 33 input channels (control latents, keep-mask, masked-image latents), control on
///   every other layer, and hints also added inside the ControlNet's own pass of the noise refiner: through the
///   control layers themselves (2.0, `"control_layers"`) or through dedicated control blocks (2.1,
///   `"control_noise_refiner"`).
public struct ZImageControlNetConfig: Equatable, Sendable {
    public enum NoiseRefinerControl: String, Sendable {
        /// 2.0: the control layers also produce the noise-refiner hints.
        case controlLayers = "control_layers"
        /// 2.1: `control_noise_refiner` blocks (with before/after projections) produce them.
        case controlNoiseRefiner = "control_noise_refiner"
    }

    /// Main-layer index that each control layer's hint is added after (must include 0).
    public var controlLayersPlaces: [Int]
    /// Noise-refiner block index that each refiner hint is added after (v2 only).
    public var controlRefinerLayersPlaces: [Int]?
    public var controlInDim: Int
    public var addControlNoiseRefiner: NoiseRefinerControl?
    public var allPatchSize = [2]
    public var allFPatchSize = [1]
    public var dim = 3840
    public var nRefinerLayers = 2
    public var nHeads = 30
    public var nKVHeads = 30
    public var normEps = 1e-5
    public var qkNorm = true

    public init(controlLayersPlaces: [Int], controlRefinerLayersPlaces: [Int]? = nil, controlInDim: Int,
                addControlNoiseRefiner: NoiseRefinerControl? = nil) {
        self.controlLayersPlaces = controlLayersPlaces
        self.controlRefinerLayersPlaces = controlRefinerLayersPlaces
        self.controlInDim = controlInDim
        self.addControlNoiseRefiner = addControlNoiseRefiner
    }

    /// "v1", "v2.0" or "v2.1", for records and messages.
    public var versionName: String {
        switch addControlNoiseRefiner {
        case nil: return "v1"
        case .controlLayers: return "v2.0"
        case .controlNoiseRefiner: return "v2.1"
        }
    }

    public static func load(contentsOf url: URL) throws -> ZImageControlNetConfig {
        try ModelConfigFile.load(ZImageControlNetConfig.self, contentsOf: url)
    }

    /// Checks the config on its own and against the transformer it will control (the ControlNet shares
    /// the transformer's embedders and refiners, so their widths must agree).
    public func validate(against transformer: ZImageTransformerConfig, source: String) throws {
        func fail(_ field: String, _ problem: String) -> ModelConfigError {
            ModelConfigError(file: source, field: field, problem: problem)
        }
        guard controlInDim > 0 else { throw fail("control_in_dim", "must be positive (got \(controlInDim))") }
        guard controlLayersPlaces.contains(0) else {
            throw fail("control_layers_places", "must contain 0 (the first control layer takes the image stream), got \(controlLayersPlaces)")
        }
        guard Set(controlLayersPlaces).count == controlLayersPlaces.count,
              controlLayersPlaces.allSatisfy({ (0..<transformer.nLayers).contains($0) }) else {
            throw fail("control_layers_places", "\(controlLayersPlaces) must be distinct main-layer indices below \(transformer.nLayers)")
        }
        if addControlNoiseRefiner != nil {
            guard let refiner = controlRefinerLayersPlaces, !refiner.isEmpty,
                  refiner.allSatisfy({ (0..<transformer.nRefinerLayers).contains($0) }) else {
                throw fail("control_refiner_layers_places",
                           "must list noise-refiner indices below \(transformer.nRefinerLayers) when add_control_noise_refiner is set")
            }
            let producers = addControlNoiseRefiner == .controlLayers ? controlLayersPlaces.count : nRefinerLayers
            guard refiner.count <= producers else {
                throw fail("control_refiner_layers_places", "has \(refiner.count) entries but only \(producers) blocks produce refiner hints")
            }
        }
        for (field, ours, theirs) in [("dim", dim, transformer.dim), ("n_heads", nHeads, transformer.nHeads),
                                      ("n_refiner_layers", nRefinerLayers, transformer.nRefinerLayers)] where ours != theirs {
            throw fail(field, "is \(ours) but the transformer's is \(theirs)")
        }
        guard qkNorm == transformer.qkNorm, normEps == transformer.normEps else {
            throw fail("qk_norm", "qk_norm/norm_eps (\(qkNorm), \(normEps)) differ from the transformer's (\(transformer.qkNorm), \(transformer.normEps))")
        }
        guard allPatchSize == transformer.allPatchSize, allFPatchSize == transformer.allFPatchSize else {
            throw fail("all_patch_size", "\(allPatchSize)/\(allFPatchSize) differ from the transformer's \(transformer.allPatchSize)/\(transformer.allFPatchSize)")
        }
    }

    /// The transformer config with which the control blocks are built (same block shapes).
    func blockConfig(from transformer: ZImageTransformerConfig) -> ZImageTransformerConfig {
        var config = transformer
        config.nKVHeads = nKVHeads
        return config
    }
}

extension ZImageControlNetConfig: Decodable {
    private enum Key: String, CodingKey {
        case controlLayersPlaces = "control_layers_places"
        case controlRefinerLayersPlaces = "control_refiner_layers_places"
        case controlInDim = "control_in_dim"
        case addControlNoiseRefiner = "add_control_noise_refiner"
        case allPatchSize = "all_patch_size"
        case allFPatchSize = "all_f_patch_size"
        case dim
        case nRefinerLayers = "n_refiner_layers"
        case nHeads = "n_heads"
        case nKVHeads = "n_kv_heads"
        case normEps = "norm_eps"
        case qkNorm = "qk_norm"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        var refiner: NoiseRefinerControl?
        if let name = try c.decodeIfPresent(String.self, forKey: .addControlNoiseRefiner) {
            guard let value = NoiseRefinerControl(rawValue: name) else {
                throw ConfigFieldError(field: "add_control_noise_refiner",
                                       problem: "'\(name)' is not one of null, \"control_layers\", \"control_noise_refiner\"")
            }
            refiner = value
        }
        self.init(controlLayersPlaces: try c.decode([Int].self, forKey: .controlLayersPlaces),
                  controlRefinerLayersPlaces: try c.decodeIfPresent([Int].self, forKey: .controlRefinerLayersPlaces),
                  controlInDim: try c.decode(Int.self, forKey: .controlInDim), addControlNoiseRefiner: refiner)
        allPatchSize = try c.decodeIfPresent([Int].self, forKey: .allPatchSize) ?? allPatchSize
        allFPatchSize = try c.decodeIfPresent([Int].self, forKey: .allFPatchSize) ?? allFPatchSize
        dim = try c.decodeIfPresent(Int.self, forKey: .dim) ?? dim
        nRefinerLayers = try c.decodeIfPresent(Int.self, forKey: .nRefinerLayers) ?? nRefinerLayers
        nHeads = try c.decodeIfPresent(Int.self, forKey: .nHeads) ?? nHeads
        nKVHeads = try c.decodeIfPresent(Int.self, forKey: .nKVHeads) ?? nKVHeads
        normEps = try c.decodeIfPresent(Double.self, forKey: .normEps) ?? normEps
        qkNorm = try c.decodeIfPresent(Bool.self, forKey: .qkNorm) ?? qkNorm
    }
}
