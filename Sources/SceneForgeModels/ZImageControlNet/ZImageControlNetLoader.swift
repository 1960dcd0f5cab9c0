import Foundation
import SafeTensors
import SceneForgeTorch

extension ZImageControlNet {
    /// Loads a ControlNet for `transformer`: a diffusers-layout folder (config.json + safetensors), or a single
    /// .safetensors file as alibaba-pai publishes ("Z-Image-Turbo-Fun-Controlnet-Union[-2.0|-2.1]"), whose config
    /// is read from its tensors (see `inferredConfig`). Unexpected keys are errors that name them.
    public static func load(_ url: URL, transformer: ZImageTransformerConfig, dtype: DType = .float32,
                            device: Device = .cpu) throws -> ZImageControlNet {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw ZImageError("ControlNet \(url.path): no such file or folder")
        }
        let checkpoint = try SafeTensorsCheckpoint(url: url)
        var config: ZImageControlNetConfig
        if isFolder.boolValue {
            config = try ZImageControlNetConfig.load(contentsOf: url.appendingPathComponent("config.json"))
        } else {
            config = try inferredConfig(checkpoint, transformer: transformer)
        }
        // diffusers' convert_z_image_controlnet_checkpoint_to_diffusers: 2.0 files carry unused refiner blocks.
        let unusedRefiner = config.addControlNoiseRefiner == .controlLayers
        return try Weights.checkedBuild(from: checkpoint, dtype: dtype, device: device,
                                        ignoring: { unusedRefiner && $0.hasPrefix("control_noise_refiner.") }) {
            try ZImageControlNet($0, config: config, transformer: transformer)
        }
    }

    /// The config of a single-file checkpoint, from its tensors, as diffusers' `infer_diffusers_model_type`
    /// tells the versions apart:
    /// - input channels from `control_all_x_embedder.<p>-<f>.weight` (16: v1; 33: v2);
    /// - v2.1 when `control_noise_refiner.0.before_proj.weight` exists and is not all zero, else v2.0
    ///   (whose refiner hints come from the control layers);
    /// - the control layers (`control_layers.N`) spread evenly over the transformer's layers (every
    ///   n_layers / count: v1's [0, 5, …, 25] and v2's [0, 2, …, 28] for Z-Image's 30 layers); v2's refiner
    ///   hints go to refiner blocks [0, 1, …];
    /// - heads from the q-norm width (head_dim) when present.
    public static func inferredConfig(_ checkpoint: SafeTensorsCheckpoint,
                                      transformer: ZImageTransformerConfig) throws -> ZImageControlNetConfig {
        let file = checkpoint.url.path
        guard let embedderName = checkpoint.names.first(where: {
            $0.hasPrefix("control_all_x_embedder.") && $0.hasSuffix(".weight")
        }), let embedder = checkpoint.info(embedderName), embedder.shape.count == 2 else {
            throw ZImageError("\(file): not a Z-Image ControlNet (no control_all_x_embedder.<patch>.weight tensor)")
        }
        let key = embedderName.dropFirst("control_all_x_embedder.".count).dropLast(".weight".count)
        let sizes = key.split(separator: "-").compactMap { Int($0) }
        guard sizes.count == 2, sizes[0] > 0, sizes[1] > 0, embedder.shape[1] % (sizes[0] * sizes[0] * sizes[1]) == 0 else {
            throw ZImageError("\(file): cannot read the patch size from '\(embedderName)' \(embedder.shape)")
        }
        let controlLayerCount = Set(checkpoint.names.compactMap { layerIndex($0, under: "control_layers.") }).count
        guard controlLayerCount > 0, transformer.nLayers % controlLayerCount == 0 else {
            throw ZImageError("\(file): \(controlLayerCount) control layers cannot be spread evenly over the "
                + "transformer's \(transformer.nLayers) layers")
        }
        let stride = transformer.nLayers / controlLayerCount
        let inDim = embedder.shape[1] / (sizes[0] * sizes[0] * sizes[1])
        var config = ZImageControlNetConfig(controlLayersPlaces: (0..<controlLayerCount).map { $0 * stride },
                                            controlInDim: inDim)
        if inDim != transformer.inChannels {
            let beforeProj = "control_noise_refiner.0.before_proj.weight"
            let isV21 = try checkpoint.names.contains(beforeProj)
                && Tensor.load(beforeProj, from: checkpoint, dtype: .float32).abs().max().item() != 0
            config.addControlNoiseRefiner = isV21 ? .controlNoiseRefiner : .controlLayers
            config.controlRefinerLayersPlaces = Array(0..<transformer.nRefinerLayers)
        }
        config.allPatchSize = [sizes[0]]
        config.allFPatchSize = [sizes[1]]
        config.dim = embedder.shape[0]
        config.nRefinerLayers = transformer.nRefinerLayers
        let qNorm = checkpoint.info("control_layers.0.attention.norm_q.weight")
        config.qkNorm = qNorm != nil
        if let headDim = qNorm?.shape.first, headDim > 0, config.dim % headDim == 0 {
            config.nHeads = config.dim / headDim
        } else {
            config.nHeads = transformer.nHeads
        }
        config.nKVHeads = config.nHeads
        config.normEps = transformer.normEps
        return config
    }

    private static func layerIndex(_ name: String, under prefix: String) -> Int? {
        guard name.hasPrefix(prefix) else { return nil }
        return Int(name.dropFirst(prefix.count).prefix { $0 != "." })
    }
}
