import Foundation
import SafeTensors
import SceneForgeModels
import SceneForgeScenes
import SceneForgeSynth
import SceneForgeTorch

/// What the style adapter's progress display shows after each step.
public struct StyleAdapterProgress: Sendable {
    public let step: Int
    public let totalSteps: Int
    public let loss: Double
    public let samplesPerSecond: Double
    public let elapsed: TimeInterval
    /// Time left at this run's pace (`TrainingProgress.remaining`).
    public let remaining: TimeInterval
}

/// Trains a style adapter for a finished model folder (the base stays frozen and is never rewritten):
/// AdamW, gradient clipping and EMA as the base stages, checkpoints with bit-identical resume, and
/// export of the EMA weights into `<model>/style_adapter/` (docs/training.md, "Style adapter").
public final class StyleAdapterTrainer {
    public let config: TrainingConfig
    public let modelFolder: URL
    public let output: URL
    public let pipeline: ZImagePipeline
    public let adapter: StyleAdapter
    let adapterConfig: StyleAdapterConfig
    let parameters: TrainableParameters
    let data: StyleTrainingData
    /// Targets' and their references' normalised latents, and the neutral captions' features, computed once;
    /// the styled captions' features only when the stage distils (`distill_weight` > 0).
    let latents: [Tensor]
    let referenceInputs: [Tensor]
    let captions: [Tensor]
    let teacherCaptions: [Tensor]?
    public private(set) var step = 0
    /// Why the last `run` stopped before the last step; nil when it ran to the end.
    public private(set) var stopReason: TrainingStop.Reason?
    public var onProgress: (StyleAdapterProgress) -> Void = { _ in }

    /// A new adapter for the model in `modelFolder`, or with `resume` the one in `output`'s checkpoint.
    public init(modelFolder: URL, config: TrainingConfig, output: URL, resume: Bool = false,
                catalog: SceneCatalog? = nil) throws {
        self.config = config
        self.modelFolder = modelFolder
        self.output = output
        let dtype = config.parsedDType, device = config.parsedDevice
        pipeline = try ZImagePipeline.load(folder: modelFolder, dtype: dtype, device: device)
        pipeline.styleAdapter = nil
        let s = config.styleAdapter
        var c = StyleAdapterConfig()
        let t = pipeline.transformer.config
        (c.numTokens, c.dim, c.numLayers, c.nHeads, c.qkNorm, c.normEps) = (s.tokens, t.dim, t.nLayers, t.nHeads, t.qkNorm, t.normEps)
        (c.latentChannels, c.imageWidth, c.imageHeight) = (pipeline.vae.config.latentChannels, config.data.width, config.data.height)
        (c.encoderChannels, c.gridHeight, c.gridWidth, c.scale) = (s.encoderChannels, s.grid[0], s.grid[1], s.scale)
        (c.guidance, c.colourInput) = (s.guidance, s.colourInput)
        try c.validate(transformer: t, vaeScaleFactor: pipeline.vae.config.scaleFactor,
                       vaeLatentChannels: pipeline.vae.config.latentChannels, source: "[style_adapter]")
        adapterConfig = c

        let checkpoint = resume ? try Self.readCheckpoint(Self.checkpointURL(output), seed: config.seed) : nil
        let weights: Weights
        if let checkpoint {
            weights = try Weights(source: .checkpoint(checkpoint.file, description: checkpoint.file.url.path), dtype: dtype, device: device)
                .scoped("style_adapter")
        } else {
            weights = try Weights(source: .initialize(seed: SeededRandom.derive(config.seed, 0x57_7E)), dtype: dtype, device: device)
        }
        adapter = try StyleAdapter(weights, config: c)
        if checkpoint == nil { try adapter.copyBaseProjections(from: pipeline.transformer) }
        parameters = try TrainableParameters(weights.localParameters, learningRate: s.learningRate, weightDecay: config.weightDecay,
                                             emaDecay: config.emaDecay, gradClip: config.gradClip)
        if let checkpoint {
            step = checkpoint.step
            try parameters.restore(from: checkpoint.file, stage: "style_adapter", step: step)
        }

        let made = try StyleTrainingData.make(catalog: catalog ?? SceneCatalog.builtIn(), count: s.samples > 0 ? s.samples : config.data.samples,
                                              width: config.data.width, height: config.data.height, jitter: config.data.jitter,
                                              seed: config.seed)
        data = made
        let base = pipeline
        func encoded(_ images: [Tensor]) throws -> [Tensor] {
            try withNoGrad { try images.map { try base.vae.imageToLatents($0.unsqueeze(0).to(device, dtype)).to(.float32).squeeze(0) } }
        }
        latents = try encoded(made.samples.map(\.image))
        let adapter = adapter
        referenceInputs = try made.samples.map { try adapter.encoderInput($0.reference.unsqueeze(0).to(device, dtype), vae: base.vae).squeeze(0) }
        captions = try base.encode(prompts: made.samples.map(\.prompt)).map { try $0.to(dtype) }
        teacherCaptions = s.distillWeight > 0 ? try base.encode(prompts: made.samples.map(\.styledPrompt)).map { try $0.to(dtype) } : nil
    }

    public static func checkpointURL(_ output: URL) -> URL { output.appendingPathComponent("checkpoints/style_adapter.safetensors") }

    /// Trains until `style_adapter.steps`, or `maxSteps` steps in this call; checkpoints at every interval and when it stops.
    /// Each batch is split between `workers` threads as in the base stages (`BatchShards`).
    public func run(maxSteps: Int? = nil) throws {
        try run(until: TrainingStop(maxSteps: maxSteps))
    }

    /// `run` until the last step or until `stop` says to stop early (`stopReason` then says why).
    public func run(until stop: TrainingStop) throws {
        stopReason = nil
        try BatchShards.withWorkers(config.workerCount) { try runSteps(until: stop) }
    }

    private func runSteps(until stop: TrainingStop) throws {
        let total = config.styleAdapter.steps
        let start = Date()
        var taken = 0
        while step < total {
            if let reason = stop.reason(stepsTaken: taken) {
                stopReason = reason
                break
            }
            var loss = 0.0
            try parameters.update {
                loss = try BatchShards.backward(batch: config.batchSize, workers: config.workerCount) { try stepLoss(step: step, shard: $0) }
            }
            step += 1
            taken += 1
            let elapsed = Date().timeIntervalSince(start)
            onProgress(StyleAdapterProgress(step: step, totalSteps: total, loss: loss,
                                            samplesPerSecond: Double(taken * config.batchSize) / max(elapsed, 1e-9), elapsed: elapsed,
                                            remaining: TrainingProgress.remaining(elapsed: elapsed, stepsDone: taken, stepsLeft: total - step)))
            if config.checkpointInterval > 0, step % config.checkpointInterval == 0 { try saveCheckpoint() }
        }
        try saveCheckpoint()
    }

    public var isDone: Bool { step >= config.styleAdapter.steps }

    /// The loss of step `step`; its randomness depends only on (seed, step), as the base stages'. With `shard`, the
    /// loss of those samples of the batch weighted by their share of it (every shard draws the whole batch's
    /// randomness and keeps its part), so the shards' losses add up to the batch's.
    func stepLoss(step: Int, shard: Range<Int>? = nil) throws -> Tensor {
        let streamSeed = SeededRandom.derive(config.seed, UInt64(3) << 40 | UInt64(step))
        var picker = SeededRandom(seed: streamSeed)
        let batch = (0..<config.batchSize).map { _ in Int.random(in: 0..<data.samples.count, using: &picker) }
        let generator = try Generator(seed: streamSeed)
        let part = shard ?? 0..<batch.count
        let indices = Array(batch[part])
        let x0 = try Tensor.stack(indices.map { latents[$0] }, dim: 0)
        let batchNoise = try Tensor.randn([batch.count] + x0.shape.dropFirst(), generator: generator).to(x0.device)
        let batchUniforms = try Tensor.rand([batch.count], generator: generator).floats().map(Double.init)
        let objective = StyleAdapterObjective(transformer: pipeline.transformer, adapter: adapter, shift: pipeline.schedulerConfig.shift,
                                              scale: config.styleAdapter.scale, dtype: config.parsedDType,
                                              distillWeight: config.styleAdapter.distillWeight)
        let loss = try objective.loss(latents: x0, references: Tensor.stack(indices.map { referenceInputs[$0] }, dim: 0),
                                      captions: indices.map { captions[$0] }, teacherCaptions: teacherCaptions.map { t in indices.map { t[$0] } },
                                      uniforms: Array(batchUniforms[part]),
                                      noise: BatchShards.rows(batchNoise, shard: part))
        return try BatchShards.weighted(loss, shard: part, batch: batch.count)
    }

    // MARK: - Checkpoint and export

    static let checkpointFormat = "sceneforge-style-adapter-checkpoint/1"

    public func saveCheckpoint() throws {
        let url = Self.checkpointURL(output)
        var writer = SafeTensorsWriter(metadata: ["format": Self.checkpointFormat, "step": String(step), "seed": String(config.seed)])
        for (name, tensor) in zip(parameters.names, parameters.tensors) {
            try writer.add(name: "style_adapter.\(name)", tensor: tensor.detach())
        }
        try parameters.save(into: &writer, stage: "style_adapter")
        try WeightFiles.replace(url, with: writer)
    }

    static func readCheckpoint(_ url: URL, seed: UInt64) throws -> (file: SafeTensorsFile, step: Int) {
        guard FileManager.default.fileExists(atPath: url.path) else { throw TrainingError("no style adapter checkpoint at \(url.path)") }
        let file = try SafeTensorsFile(url: url)
        guard file.metadata["format"] == checkpointFormat else {
            throw TrainingError("\(url.path): not a style adapter checkpoint (metadata 'format' is \(file.metadata["format"] ?? "missing"))")
        }
        guard let step = file.metadata["step"].flatMap(Int.init), step >= 0 else {
            throw TrainingError("\(url.path): checkpoint metadata 'step' is missing or not a count")
        }
        guard file.metadata["seed"] == String(seed) else {
            throw TrainingError("\(url.path): the checkpoint was trained with seed \(file.metadata["seed"] ?? "?"), the configuration says \(seed)")
        }
        return (file, step)
    }

    /// Writes `<modelFolder>/style_adapter/` (config.json and the EMA weights in `dtype`), replacing an older one.
    public func export(into modelFolder: URL, dtype: DType = .float16) throws {
        try WeightFiles.replaceFolder(StyleAdapter.folder(in: modelFolder)) { partial in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(adapterConfig).write(to: partial.appendingPathComponent("config.json"))
            try WeightFiles.export(Array(zip(parameters.names, parameters.ema)), dtype: dtype,
                                   to: partial.appendingPathComponent("diffusion_pytorch_model.safetensors"))
        }
    }
}
