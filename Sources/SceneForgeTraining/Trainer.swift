import Foundation
import SceneForgeSynth
import SafeTensors
import SceneForgeImaging
import SceneForgeModels
import SceneForgeTorch

/// The stages of training the small model, in order: the autoencoder first (the transformer learns in its
/// latent space), then the transformer, then (optionally) the layout ControlNet with everything else frozen;
/// the text encoder stays frozen throughout.
public enum TrainingStage: String, Sendable, CaseIterable {
    case vae, transformer, controlnet, done
}

/// What the progress display shows after each optimiser step.
public struct TrainingProgress: Sendable {
    public let stage: TrainingStage
    public let step: Int
    public let totalSteps: Int
    public let loss: Double
    public let samplesPerSecond: Double
    public let elapsed: TimeInterval
    /// The stage's time left at this run's pace (a resumed run's `elapsed` counts its own steps only).
    public let remaining: TimeInterval

    /// `stepsLeft` at the pace of `stepsDone` in `elapsed` seconds.
    public static func remaining(elapsed: TimeInterval, stepsDone: Int, stepsLeft: Int) -> TimeInterval {
        elapsed / Double(max(stepsDone, 1)) * Double(max(stepsLeft, 0))
    }
}

/// Trains the small model: AdamW, global gradient clipping, EMA, periodic checkpoints (bit-identical
/// resume) and previews, then exports the EMA weights as a diffusers folder.
public final class Trainer {
    public let config: TrainingConfig
    public let output: URL
    public let data: TrainingData
    public let model: SmallModel
    public private(set) var stage: TrainingStage
    /// Steps done in the current stage.
    public private(set) var stageStep: Int
    /// Why the last `run` stopped before the end; nil when it ran to the end.
    public private(set) var stopReason: TrainingStop.Reason?
    /// The latent normalisation the pipeline applies (`(mean − shift)·scale`), measured on the data
    /// when the transformer stage starts and written to vae/config.json on export.
    public private(set) var latentNormalization: LatentNormalization?
    var parameters: TrainableParameters?
    var cache: LatentCache?

    public var onProgress: (TrainingProgress) -> Void = { _ in }
    public var onPreview: (URL, RGBAImage) -> Void = { _, _ in }
    /// Once the frozen encoders' outputs are cached: how many samples, and how long it took.
    public var onCacheMade: (_ samples: Int, _ seconds: TimeInterval) -> Void = { _, _ in }

    /// A fresh run, or a fine-tuning run when `config.initFrom` names a diffusers folder.
    public init(config: TrainingConfig, data: TrainingData, output: URL) throws {
        self.config = config
        self.data = data
        self.output = output
        if let folder = config.initFrom {
            let url = URL(fileURLWithPath: folder)
            model = try SmallModel.load(folder: url, config: config)
            // A fine-tuned VAE is re-measured; one whose encoder is untouched keeps the normalisation it was exported with.
            if config.vae.steps == 0 || config.vae.decoderOnly {
                latentNormalization = try SmallModel.Components.of(folder: url).latentNormalization
            }
        } else {
            model = try SmallModel.fresh(config)
        }
        // A folder's own ControlNet is kept (and, with controlnet.steps > 0, trained further).
        if let folder = config.initFrom {
            try model.attachControlNet(folder: URL(fileURLWithPath: folder), dtype: config.parsedDType, device: config.parsedDevice)
        }
        stage = Self.firstStage(from: .vae, config: config)
        stageStep = 0
        try model.textEncoderWeights.localParameters.forEach { try $0.tensor.setRequiresGrad(false) }
    }

    /// `stage` or the first later one that has steps to take.
    static func firstStage(from stage: TrainingStage, config: TrainingConfig) -> TrainingStage {
        let order = TrainingStage.allCases
        guard let start = order.firstIndex(of: stage) else { return .done }
        return order[start...].first { $0 == .done || steps(of: $0, config) > 0 } ?? .done
    }

    static func steps(of stage: TrainingStage, _ config: TrainingConfig) -> Int {
        switch stage {
        case .vae: return config.vae.steps
        case .transformer: return config.transformer.steps
        case .controlnet: return config.controlnet.steps
        case .done: return 0
        }
    }

    /// Continues from a checkpoint written by `saveCheckpoint`; with the same config and data, the run
    /// then produces exactly the weights an uninterrupted run would.
    public init(resumingFrom checkpointURL: URL, config: TrainingConfig, data: TrainingData, output: URL) throws {
        self.config = config
        self.data = data
        self.output = output
        let checkpoint = try TrainingCheckpoint.read(checkpointURL)
        model = try checkpoint.model(config: config)
        stage = checkpoint.stage
        stageStep = checkpoint.step
        latentNormalization = checkpoint.latentNormalization
        try model.textEncoderWeights.localParameters.forEach { try $0.tensor.setRequiresGrad(false) }
        if stage != .vae { try model.vaeWeights.localParameters.forEach { try $0.tensor.setRequiresGrad(false) } }
        if stage == .controlnet { try model.transformerWeights.localParameters.forEach { try $0.tensor.setRequiresGrad(false) } }
        if stage != .done {
            let p = try startParameters(for: stage)
            try p.restore(from: checkpoint.file, stage: stage.rawValue, step: stageStep)
            parameters = p
        }
    }

    public var checkpointURL: URL { output.appendingPathComponent("checkpoints/latest.safetensors") }

    /// Trains until both stages are done, or `maxSteps` optimiser steps were taken in this call; writes
    /// a checkpoint at every interval and when it stops.
    public func run(maxSteps: Int? = nil) throws {
        try run(until: TrainingStop(maxSteps: maxSteps))
    }

    /// Trains until every stage is done or `stop` says to stop early (`stopReason` then says why); writes a checkpoint
    /// at every interval and when it stops.
    public func run(until stop: TrainingStop) throws {
        stopReason = nil
        try BatchShards.withWorkers(config.workerCount) { try runSteps(until: stop) }
    }

    private func runSteps(until stop: TrainingStop) throws {
        var taken = 0
        while stage != .done {
            if parameters == nil { parameters = try startParameters(for: stage) }
            guard let p = parameters else { break }
            let total = Self.steps(of: stage, config)
            // The frozen encoders' outputs are computed once, before the clock for samples/s starts.
            if stage != .vae, stageStep < total { _ = try latentCache() }
            let start = Date()
            var stepsThisCall = 0
            while stageStep < total {
                if let reason = stop.reason(stepsTaken: taken) {
                    stopReason = reason
                    try saveCheckpoint()
                    return
                }
                var loss = 0.0
                try p.update { loss = try backwardStep(step: stageStep) }
                stageStep += 1
                taken += 1
                stepsThisCall += 1
                let elapsed = Date().timeIntervalSince(start)
                onProgress(TrainingProgress(stage: stage, step: stageStep, totalSteps: total, loss: loss,
                                            samplesPerSecond: Double(stepsThisCall * config.batchSize) / max(elapsed, 1e-9), elapsed: elapsed,
                                            remaining: TrainingProgress.remaining(elapsed: elapsed, stepsDone: stepsThisCall, stepsLeft: total - stageStep)))
                if config.checkpointInterval > 0, stageStep % config.checkpointInterval == 0 { try saveCheckpoint() }
                if config.sampleInterval > 0, stageStep % config.sampleInterval == 0 { try preview() }
            }
            try finishStage()
        }
        try saveCheckpoint()
    }

    /// Back-propagates step `step`'s loss, its batch split between `config.workerCount` threads (`BatchShards`);
    /// returns the loss.
    func backwardStep(step: Int) throws -> Double {
        try BatchShards.backward(batch: config.batchSize, workers: config.workerCount) { try stepLoss(step: step, shard: $0) }
    }

    /// The loss of stage step `step`; its randomness (batch, noise, σ) depends only on the seed, the
    /// stage and the step, which is what makes a resumed run identical to an uninterrupted one.
    /// `stage` and `withControl` let tests evaluate the same step's stream with or without the ControlNet.
    /// With `shard`, the loss of those samples of the batch, weighted by their share of it: the shards' losses add
    /// up to the whole batch's (every shard draws the whole batch's randomness and keeps its own part).
    func stepLoss(step: Int, stage: TrainingStage? = nil, withControl: Bool? = nil, shard: Range<Int>? = nil) throws -> Tensor {
        let stage = stage ?? self.stage
        let streamIndex = UInt64((TrainingStage.allCases.firstIndex(of: stage) ?? 0) + 1) << 40 | UInt64(step)
        let streamSeed = SeededRandom.derive(config.seed, streamIndex)
        var picker = SeededRandom(seed: streamSeed)
        let indices = (0..<config.batchSize).map { _ in Int.random(in: 0..<data.samples.count, using: &picker) }
        let generator = try Generator(seed: streamSeed)
        let device = config.parsedDevice
        let part = shard ?? 0..<indices.count
        let isWhole = part == 0..<indices.count
        // The shard's rows of a batch tensor, and its loss weighted by its share of the batch.
        func rows(_ t: Tensor) throws -> Tensor { try BatchShards.rows(t, shard: part) }
        func weighted(_ loss: Tensor) throws -> Tensor { try BatchShards.weighted(loss, shard: part, batch: indices.count) }
        switch stage {
        case .vae:
            let crop = config.vae.crop
            let images = try Tensor.stack(indices.map { index in
                let image = data.samples[index].image
                guard crop > 0 else { return image }
                let top = Int.random(in: 0...(config.data.height - crop), using: &picker)
                let left = Int.random(in: 0...(config.data.width - crop), using: &picker)
                return try image.narrow(dim: 1, start: top, length: crop).narrow(dim: 2, start: left, length: crop)
            }, dim: 0)
            let scale = model.vae.config.scaleFactor
            let latentShape = [indices.count, model.vae.config.latentChannels, images.shape[2] / scale, images.shape[3] / scale]
            let noise = try Tensor.randn(latentShape, generator: generator).to(device)
            return try weighted(AutoencoderObjective(vae: model.vae, klWeight: config.vae.klWeight, l1Weight: config.vae.l1Weight)
                .loss(images: rows(images.to(device)), noise: rows(noise)))
        case .transformer, .controlnet, .done:
            let cache = try latentCache()
            let latents = try Tensor.stack(indices.map { cache.latents[$0] }, dim: 0)
            let noise = try Tensor.randn(latents.shape, generator: generator).to(device)
            let uniforms = try Tensor.rand([indices.count], generator: generator).floats().map(Double.init)
            var objective = FlowMatchObjective(transformer: model.transformer, shift: model.shift, dtype: config.parsedDType)
            if withControl ?? (stage == .controlnet), let net = model.controlNet {
                objective.control = (net, try indices[part].map { try cache.control(of: $0) }, config.controlnet.conditioningScale)
            }
            // The anomaly boxes (and their per-screen normalisation) weigh in the ControlNet stage only; colour in
            // whichever stage asks for it.
            let (anomalyWeight, colourWeight, screenShare, liftsOnly) = switch stage {
            case .controlnet: (config.controlnet.anomalyWeight, config.controlnet.colourWeight,
                               config.controlnet.emphasisPerScreen, config.controlnet.emphasisLiftsOnly)
            case .transformer: (0.0, config.transformer.colourWeight, 0.0, false)
            case .vae, .done: (0.0, 0.0, 0.0, false)
            }
            if let emphasis = try cache.emphasis(of: indices, anomalyWeight: anomalyWeight, colourWeight: colourWeight,
                                                 screenShare: screenShare, liftsOnly: liftsOnly)?.to(device) {
                objective.emphasis = try rows(emphasis)
                if !isWhole { objective.batchEmphasisMean = try emphasis.mean() }
            }
            var captions = indices.map { cache.captions[$0] }
            let dropout = stage == .transformer ? config.transformer.captionDropout
                : stage == .controlnet ? config.controlnet.captionDropout : 0
            if dropout > 0, let empty = cache.emptyCaption {
                captions = captions.map { picker.uniform(0...1) < dropout ? empty : $0 }
            }
            return try weighted(objective.loss(latents: rows(latents), captions: Array(captions[part]),
                                               uniforms: Array(uniforms[part]), noise: rows(noise)))
        }
    }

    private func startParameters(for stage: TrainingStage) throws -> TrainableParameters {
        let weights: Weights, rate: Double
        switch stage {
        case .vae where config.vae.decoderOnly:
            try model.vaeWeights.scoped("encoder").localParameters.forEach { try $0.tensor.setRequiresGrad(false) }
            (weights, rate) = (model.vaeWeights.scoped("decoder"), config.vae.learningRate)
        case .vae: (weights, rate) = (model.vaeWeights, config.vae.learningRate)
        case .transformer, .done: (weights, rate) = (model.transformerWeights, config.transformer.learningRate)
        case .controlnet:
            // The base is frozen: only the control blocks learn (gradients still flow through the main layers).
            try model.transformerWeights.localParameters.forEach { try $0.tensor.setRequiresGrad(false) }
            if model.controlNet == nil { try model.attachFreshControlNet(config) }
            guard let controlWeights = model.controlNetWeights else { throw TrainingError("the ControlNet stage has no ControlNet") }
            (weights, rate) = (controlWeights, config.controlnet.learningRate)
        }
        return try TrainableParameters(weights.localParameters, learningRate: rate, weightDecay: config.weightDecay,
                                       emaDecay: config.emaDecay, gradClip: config.gradClip)
    }

    /// Ends a stage: its model keeps the EMA weights and is frozen from then on.
    private func finishStage() throws {
        if let p = parameters {
            try p.adoptEMA()
            try p.stopTraining()
        }
        parameters = nil
        stageStep = 0
        // The VAE is frozen from here on: its latents are measured now, so that a run which trains the VAE alone
        // exports them and a later run on that folder (vae.steps = 0) starts from the right normalisation.
        if stage == .vae { latentNormalization = try LatentNormalization.measure(vae: model.vae, data: data, workers: config.workerCount) }
        let order = TrainingStage.allCases
        stage = Self.firstStage(from: order[min((order.firstIndex(of: stage) ?? 0) + 1, order.count - 1)], config: config)
        try saveCheckpoint()
    }

    func latentCache() throws -> LatentCache {
        if let cache { return cache }
        let started = Date()
        let normalization = try latentNormalization ?? LatentNormalization.measure(vae: model.vae, data: data, workers: config.workerCount)
        latentNormalization = normalization
        let made = try LatentCache(model: model, data: data, normalization: normalization, output: output,
                                  withControls: config.controlnet.steps > 0,
                                  withAnomalyShares: config.weighsAnomalies, withColourShares: config.weighsColour,
                                  withEmptyCaption: config.dropsCaptions, workers: config.workerCount)
        cache = made
        onCacheMade(data.samples.count, Date().timeIntervalSince(started))
        return made
    }

    public func saveCheckpoint() throws {
        try TrainingCheckpoint.write(self, to: checkpointURL)
    }
}
