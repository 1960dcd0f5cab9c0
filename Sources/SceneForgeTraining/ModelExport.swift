import Foundation
import SafeTensors
import SceneForgeModels
import SceneForgeTorch

extension Trainer {
    /// Writes the model as a diffusers folder (model_index.json, transformer/, vae/, text_encoder/,
    /// tokenizer/, scheduler/, and controlnet/ when the model has a layout ControlNet) that `ZImagePipeline.load(folder:)` reads like the published checkpoint.
    /// The stage being trained contributes its EMA weights; finished stages already hold theirs.
    public func export(to folder: URL, dtype: DType = .float16) throws {
        let fm = FileManager.default
        try WeightFiles.replaceFolder(folder) { partial in
            for component in ["vae", "text_encoder", "transformer", "tokenizer", "scheduler"] {
                try fm.createDirectory(at: partial.appendingPathComponent(component), withIntermediateDirectories: true)
            }
            let averaged = Dictionary(uniqueKeysWithValues: zip(parameters?.names ?? [], parameters?.ema ?? []))
            func weights(_ w: Weights, usesEMA: Bool) -> [(String, Tensor)] {
                w.localParameters.map { ($0.name, usesEMA ? averaged[$0.name] ?? $0.tensor : $0.tensor) }
            }
            let normalization = latentNormalization ?? LatentNormalization(shift: 0, scale: 1)
            try WeightFiles.export(weights(model.vaeWeights, usesEMA: stage == .vae), dtype: dtype,
                                   to: partial.appendingPathComponent("vae/diffusion_pytorch_model.safetensors"))
            try DiffusersConfigs.write(DiffusersConfigs.vae(model.vae.config, scalingFactor: normalization.scale, shiftFactor: normalization.shift),
                                       to: partial.appendingPathComponent("vae/config.json"))
            try WeightFiles.export(weights(model.textEncoderWeights, usesEMA: false), dtype: dtype,
                                   to: partial.appendingPathComponent("text_encoder/model.safetensors"))
            try DiffusersConfigs.write(DiffusersConfigs.textEncoder(model.textEncoder.config, dtype: dtype.description),
                                       to: partial.appendingPathComponent("text_encoder/config.json"))
            try WeightFiles.export(weights(model.transformerWeights, usesEMA: stage == .transformer), dtype: dtype,
                                   to: partial.appendingPathComponent("transformer/diffusion_pytorch_model.safetensors"))
            try DiffusersConfigs.write(DiffusersConfigs.transformer(exportedTransformerConfig),
                                       to: partial.appendingPathComponent("transformer/config.json"))
            if let net = model.controlNet, let netWeights = model.controlNetWeights {
                let netFolder = partial.appendingPathComponent(SmallModel.controlNetFolderName)
                try fm.createDirectory(at: netFolder, withIntermediateDirectories: true)
                try WeightFiles.export(weights(netWeights, usesEMA: stage == .controlnet), dtype: dtype,
                                       to: netFolder.appendingPathComponent("diffusion_pytorch_model.safetensors"))
                try DiffusersConfigs.write(DiffusersConfigs.controlNet(net.config), to: netFolder.appendingPathComponent("config.json"))
            }
            try DiffusersConfigs.write(DiffusersConfigs.scheduler(shift: model.shift),
                                       to: partial.appendingPathComponent("scheduler/scheduler_config.json"))
            try DiffusersConfigs.write(DiffusersConfigs.modelIndex(), to: partial.appendingPathComponent("model_index.json"))
            if let adapter = carriedStyleAdapter { try fm.copyItem(at: adapter, to: StyleAdapter.folder(in: partial)) }
            for file in ["tokenizer.json", "tokenizer_config.json", "chat_template.jinja"] {
                let source = model.tokenizerFolder.appendingPathComponent(file)
                if fm.fileExists(atPath: source.path) {
                    try fm.copyItem(at: source, to: partial.appendingPathComponent("tokenizer/\(file)"))
                }
            }
        }
    }

    /// The transformer's config as exported: a run that trains the transformer or its ControlNet declares its screens'
    /// size as the model's own (`sample_size`), so `generate` and the engine draw that size when a request names none.
    var exportedTransformerConfig: ZImageTransformerConfig {
        var config = model.transformer.config
        if self.config.transformer.steps > 0 || self.config.controlnet.steps > 0 {
            let scale = model.vae.config.scaleFactor
            config.sampleSize = (self.config.data.height / scale, self.config.data.width / scale)
        }
        return config
    }

    /// `init_from`'s style adapter, when this run leaves the base it was trained against as it was (only the ControlNet
    /// trains, or nothing): it goes into the export as the ControlNet does. A run that trains the VAE or the transformer
    /// drops it, since its keys were fitted to the old base (`[style_adapter]` trains a new one).
    public var carriedStyleAdapter: URL? {
        guard let folder = config.initFrom, config.keepsBase else { return nil }
        let adapter = StyleAdapter.folder(in: URL(fileURLWithPath: folder))
        return FileManager.default.fileExists(atPath: adapter.appendingPathComponent("config.json").path) ? adapter : nil
    }
}
