import Foundation
import SafeTensors
import SceneForgeModels
import SceneForgeSynth
import SceneForgeTorch

/// The layout ControlNet of the small model: a v1 `ZImageControlNet` (16 input channels: the VAE latents of the
/// layout's segmentation control image; no inpaint channels, which a layout control does not need), with the
/// transformer's own block shapes.
extension SmallModel {
    /// Where `controlnet/` lives in an exported folder (diffusers layout: config.json + safetensors).
    static let controlNetFolderName = "controlnet"

    /// The ControlNet config the training config asks for, for `transformer`: control layers at
    /// `controlnet.control_layers_places` (default: every main layer), plain refiner blocks like the transformer's.
    static func controlNetConfig(_ config: TrainingConfig, transformer: ZImageTransformerConfig) throws -> ZImageControlNetConfig {
        let places = config.controlnet.controlLayersPlaces.isEmpty
            ? Array(0..<transformer.nLayers) : config.controlnet.controlLayersPlaces
        var c = ZImageControlNetConfig(controlLayersPlaces: places, controlInDim: transformer.inChannels)
        c.allPatchSize = transformer.allPatchSize
        c.allFPatchSize = transformer.allFPatchSize
        c.dim = transformer.dim
        c.nRefinerLayers = transformer.nRefinerLayers
        c.nHeads = transformer.nHeads
        c.nKVHeads = transformer.nKVHeads
        c.normEps = transformer.normEps
        c.qkNorm = transformer.qkNorm
        do {
            try c.validate(against: transformer, source: "training config [controlnet]")
        } catch {
            throw TrainingError("controlnet.control_layers_places \(places) does not fit the transformer "
                + "(\(transformer.nLayers) layers): \(error)")
        }
        return c
    }

    /// A new ControlNet as ControlNet training starts one: every control block a copy of the transformer block it
    /// sits beside (control layer i ← main layer place_i, control refiner j ← noise refiner j, the control embedder
    /// ← the image embedder), and the before/after projections zero, so the untrained ControlNet adds nothing and
    /// generation starts exactly from the base model's behaviour.
    func attachFreshControlNet(_ config: TrainingConfig) throws {
        let netConfig = try Self.controlNetConfig(config, transformer: transformer.config)
        let weights = try Weights(source: .initialize(seed: SeededRandom.derive(config.seed, 4)),
                                  dtype: transformerWeights.dtype, device: transformerWeights.device)
        let net = try ZImageControlNet(weights, config: netConfig, transformer: transformer.config)
        let base = Dictionary(uniqueKeysWithValues: transformerWeights.localParameters.map { ($0.name, $0.tensor) })
        try withNoGrad {
            for (name, tensor) in weights.localParameters {
                if name.contains(".before_proj.") || name.contains(".after_proj.") {
                    try tensor.mul(inPlace: 0)
                } else if let source = Self.baseParameter(for: name, places: netConfig.controlLayersPlaces),
                          let original = base[source], original.shape == tensor.shape {
                    try tensor.copy(from: original)
                }
            }
        }
        controlNet = net
        controlNetWeights = weights
    }

    /// The transformer parameter a ControlNet parameter starts as a copy of, by checkpoint name.
    static func baseParameter(for name: String, places: [Int]) -> String? {
        let parts = name.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3 else { return nil }
        switch parts[0] {
        case "control_layers":
            guard let i = Int(parts[1]), places.indices.contains(i) else { return nil }
            return "layers.\(places[i]).\(parts[2])"
        case "control_noise_refiner": return "noise_refiner.\(parts[1]).\(parts[2])"
        case "control_all_x_embedder": return "all_x_embedder.\(parts[1]).\(parts[2])"
        default: return nil
        }
    }

    /// A ControlNet read from a checkpoint view (a training checkpoint's "controlnet." scope, or a folder).
    func attachControlNet(_ weights: Weights, config netConfig: ZImageControlNetConfig) throws {
        controlNet = try ZImageControlNet(weights, config: netConfig, transformer: transformer.config)
        controlNetWeights = weights
    }

    /// The config of `folder`'s own ControlNet, or nil when it has none.
    static func controlNetConfig(folder: URL) throws -> ZImageControlNetConfig? {
        let url = folder.appendingPathComponent(controlNetFolderName).appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try ZImageControlNetConfig.load(contentsOf: url)
    }

    /// An exported folder's ControlNet, when it has one (fine-tuning continues it rather than starting anew).
    func attachControlNet(folder: URL, dtype: DType, device: Device) throws {
        guard let netConfig = try Self.controlNetConfig(folder: folder) else { return }
        let url = folder.appendingPathComponent(Self.controlNetFolderName)
        let checkpoint = try SafeTensorsCheckpoint(url: url)
        try attachControlNet(try Weights(source: .checkpoint(checkpoint, description: checkpoint.url.path), dtype: dtype, device: device),
                             config: netConfig)
        if let unexpected = controlNetWeights?.unexpectedKeys(among: checkpoint.names), !unexpected.isEmpty {
            throw TrainingError("\(url.path): unexpected ControlNet keys \(unexpected.prefix(5).joined(separator: ", "))")
        }
    }
}
