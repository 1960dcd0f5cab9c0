import Foundation
import SafeTensors
import SceneForgeModels
import SceneForgeTorch

/// A training checkpoint: one safetensors file holding every component's current weights
/// ("vae.*", "text_encoder.*", "transformer.*"), the current stage's EMA and AdamW moments
/// ("ema.<stage>.*", "adam_m.<stage>.*", "adam_v.<stage>.*"), and in the metadata the stage, the
/// step counter, the seed and the latent normalisation. All randomness is derived from (seed, stage,
/// step), so the step counter and the seed are the complete RNG state.
struct TrainingCheckpoint {
    static let format = "sceneforge-training-checkpoint/1"

    let file: SafeTensorsFile
    let stage: TrainingStage
    let step: Int
    let seed: UInt64
    let latentNormalization: LatentNormalization?

    static func write(_ trainer: Trainer, to url: URL) throws {
        var metadata = [
            "format": format, "stage": trainer.stage.rawValue, "step": String(trainer.stageStep),
            "seed": String(trainer.config.seed),
        ]
        if let n = trainer.latentNormalization {
            metadata["latent_shift"] = "\(n.shift)"
            metadata["latent_scale"] = "\(n.scale)"
        }
        var writer = SafeTensorsWriter(metadata: metadata)
        let model = trainer.model
        var components = [("vae", model.vaeWeights), ("text_encoder", model.textEncoderWeights),
                          ("transformer", model.transformerWeights)]
        if let controlNet = model.controlNetWeights { components.append((SmallModel.controlNetFolderName, controlNet)) }
        for (component, weights) in components {
            for (name, tensor) in weights.localParameters { try writer.add(name: "\(component).\(name)", tensor: tensor.detach()) }
        }
        try trainer.parameters?.save(into: &writer, stage: trainer.stage.rawValue)
        try WeightFiles.replace(url, with: writer)
    }

    static func read(_ url: URL) throws -> TrainingCheckpoint {
        let file = try SafeTensorsFile(url: url)
        let m = file.metadata
        guard m["format"] == format else {
            throw TrainingError("\(url.path): not a SceneForge training checkpoint (metadata 'format' is \(m["format"].map { "'\($0)'" } ?? "missing"), expected '\(format)')")
        }
        guard let stageName = m["stage"], let stage = TrainingStage(rawValue: stageName) else {
            throw TrainingError("\(url.path): checkpoint metadata 'stage' is missing or unknown (\(m["stage"] ?? "none"))")
        }
        guard let stepText = m["step"], let step = Int(stepText), step >= 0 else {
            throw TrainingError("\(url.path): checkpoint metadata 'step' is missing or not a count (\(m["step"] ?? "none"))")
        }
        guard let seedText = m["seed"], let seed = UInt64(seedText) else {
            throw TrainingError("\(url.path): checkpoint metadata 'seed' is missing or malformed")
        }
        var normalization: LatentNormalization?
        if let shift = m["latent_shift"].flatMap(Double.init), let scale = m["latent_scale"].flatMap(Double.init) {
            normalization = LatentNormalization(shift: shift, scale: scale)
        }
        return TrainingCheckpoint(file: file, stage: stage, step: step, seed: seed, latentNormalization: normalization)
    }

    /// The model with the checkpoint's weights; sizes come from `config` and must match the file.
    func model(config: TrainingConfig) throws -> SmallModel {
        guard seed == config.seed else {
            throw TrainingError("\(file.url.path): the checkpoint was trained with seed \(seed), the configuration says \(config.seed)")
        }
        let model = try SmallModel.build(SmallModel.Components.of(config)) { component in
            try Weights(source: .checkpoint(file, description: file.url.path), dtype: SmallModel.dtype(of: component, config),
                        device: config.parsedDevice).scoped(component)
        }
        // A ControlNet exists once its stage has started; before that the checkpoint has none.
        let scope = SmallModel.controlNetFolderName + "."
        if file.names.contains(where: { $0.hasPrefix(scope) }) {
            let netConfig = try config.initFrom.flatMap { folder in
                try SmallModel.controlNetConfig(folder: URL(fileURLWithPath: folder))
            } ?? SmallModel.controlNetConfig(config, transformer: model.transformer.config)
            let weights = try Weights(source: .checkpoint(file, description: file.url.path), dtype: config.parsedDType,
                                      device: config.parsedDevice).scoped(SmallModel.controlNetFolderName)
            try model.attachControlNet(weights, config: netConfig)
        }
        return model
    }
}
