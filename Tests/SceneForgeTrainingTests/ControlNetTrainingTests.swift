import Foundation
import SafeTensors
import SceneForgeImaging
import SceneForgeModels
import SceneForgeTorch
import Testing
@testable import SceneForgeTraining

/// The ControlNet stage: it starts from the base model's exact behaviour (zero projections), lowers the
/// flow-matching loss with the base frozen, exports a diffusers `controlnet/` that `ZImageControlNet.load`
/// reads, and the exported ControlNet changes what the pipeline generates.
struct ControlNetTrainingTests {
    static func config() -> TrainingConfig {
        var c = TrainingSupport.tinyConfig(vaeSteps: 30, transformerSteps: 40, samples: 8)
        c.controlnet.steps = 60
        c.controlnet.learningRate = 1e-3
        return c
    }

    /// The mean ControlNet-stage loss of a fixed set of step streams (same batches, noise and σ each time),
    /// with or without the ControlNet's hints.
    func fixedLoss(_ trainer: Trainer, withControl: Bool) throws -> Double {
        try withNoGrad {
            try (0..<8).map { try trainer.stepLoss(step: 1000 + $0, stage: .controlnet, withControl: withControl).item() }
                .reduce(0, +) / 8
        }
    }

    @Test func trainsWithTheBaseFrozenExportsAndChangesGeneration() throws {
        let config = Self.config()
        let data = try TrainingSupport.data(config)
        let output = try TrainingSupport.temporaryFolder("controlnet")
        defer { try? FileManager.default.removeItem(at: output) }
        let trainer = try Trainer(config: config, data: data, output: output)
        var losses: [Double] = []
        trainer.onProgress = { if $0.stage == .controlnet { losses.append($0.loss) } }
        // Up to the start of the ControlNet stage: the fresh ControlNet exists and adds nothing yet.
        try trainer.run(maxSteps: config.vae.steps + config.transformer.steps)
        #expect(trainer.stage == .controlnet && trainer.stageStep == 0)
        let net = try #require(trainer.model.controlNet)
        #expect(net.config.controlLayersPlaces == [0] && net.config.controlInDim == 16)
        let baseLoss = try fixedLoss(trainer, withControl: false)
        #expect(try fixedLoss(trainer, withControl: true) == baseLoss,
                "zero-initialised projections must leave the base model's output unchanged")
        let frozen = try trainer.model.transformerWeights.localParameters.map { try $0.tensor.clone() }

        try trainer.run()
        #expect(trainer.stage == .done)
        #expect(losses.count == config.controlnet.steps)
        let trainedLoss = try fixedLoss(trainer, withControl: true)
        print("ControlNet stage: fixed-batch loss \(baseLoss) (base alone) -> \(trainedLoss) (with the EMA ControlNet); "
            + "progress loss \(TrainingSupport.mean(losses.prefix(10))) -> \(TrainingSupport.mean(losses.suffix(10)))")
        #expect(trainedLoss < 0.9 * baseLoss)
        for (before, after) in zip(frozen, trainer.model.transformerWeights.localParameters.map(\.tensor)) {
            #expect(try before.floats() == after.floats(), "the base transformer changed during the ControlNet stage")
        }

        // Export → load → generate: the ControlNet loads from controlnet/ and changes the image.
        let exported = output.appendingPathComponent("model")
        try trainer.export(to: exported)
        let folder = exported.appendingPathComponent("controlnet")
        let weights = try SafeTensorsFile(url: folder.appendingPathComponent("diffusion_pytorch_model.safetensors"))
        #expect(weights.names.allSatisfy { weights.info($0)?.dtype == .F16 })
        let pipeline = try ZImagePipeline.load(folder: exported)
        let loaded = try ZImageControlNet.load(folder, transformer: pipeline.transformer.config)
        #expect(loaded.config == net.config)
        var request = TextToImageRequest(prompts: [data.samples[0].prompt])
        (request.width, request.height, request.steps, request.seed) = (32, 32, 8, 5)
        let plain = try #require(pipeline.generate(request).first)
        request.control = ControlGuidance(controlNet: loaded, image: try #require(data.samples[0].control).unsqueeze(0), scale: 1)
        let controlled = try #require(pipeline.generate(request).first)
        let difference = zip(plain.pixels, controlled.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)
        #expect(difference > plain.pixels.count / 4, "the trained ControlNet should change the image (mean |Δ| ≥ 0.25/255)")

        // Resuming inside the stage rebuilds the ControlNet from the checkpoint.
        let resumed = try Trainer(resumingFrom: trainer.checkpointURL, config: config, data: data, output: output)
        #expect(try resumed.model.controlNet.map { _ in try fixedLoss(resumed, withControl: true) } == trainedLoss)
    }

    /// Training a ControlNet for an existing exported model (how models/default got its own): only controlnet/ is
    /// new, the other components are exported byte for byte as they were, and a run interrupted inside the stage
    /// and resumed ends with exactly the weights of an uninterrupted one.
    @Test func fineTunesAControlNetForAnExportedModelAndResumesExactly() throws {
        var base = TrainingSupport.tinyConfig(vaeSteps: 5, transformerSteps: 5, samples: 4)
        base.batchSize = 2
        let output = try TrainingSupport.temporaryFolder("controlnet-finetune")
        defer { try? FileManager.default.removeItem(at: output) }
        let baseTrainer = try Trainer(config: base, data: TrainingSupport.data(base), output: output.appendingPathComponent("base"))
        try baseTrainer.run()
        let baseModel = output.appendingPathComponent("base-model")
        try baseTrainer.export(to: baseModel)
        // A style adapter beside the base (its contents are only copied here, never read).
        let adapter = StyleAdapter.folder(in: baseModel)
        try FileManager.default.createDirectory(at: adapter, withIntermediateDirectories: true)
        let adapterFiles = ["config.json": Data("{\"num_tokens\": 4}".utf8), "diffusion_pytorch_model.safetensors": Data([7, 1, 2, 3])]
        for (name, bytes) in adapterFiles { try bytes.write(to: adapter.appendingPathComponent(name)) }

        var config = base
        (config.initFrom, config.vae.steps, config.transformer.steps, config.controlnet.steps) = (baseModel.path, 0, 0, 8)
        config.controlnet.learningRate = 1e-3
        let data = try TrainingSupport.data(config)
        let straight = try Trainer(config: config, data: data, output: output.appendingPathComponent("straight"))
        #expect(straight.stage == .controlnet)
        try straight.run()
        let exported = output.appendingPathComponent("with-controlnet")
        try straight.export(to: exported)
        for file in ["vae/diffusion_pytorch_model.safetensors", "vae/config.json", "transformer/diffusion_pytorch_model.safetensors",
                     "text_encoder/model.safetensors", "scheduler/scheduler_config.json"] {
            #expect(try Data(contentsOf: exported.appendingPathComponent(file)) == Data(contentsOf: baseModel.appendingPathComponent(file)),
                    "\(file) changed")
        }
        // The base is unchanged, so the style adapter fitted to it comes along; a run that trains the base drops it.
        for (name, bytes) in adapterFiles {
            #expect(try Data(contentsOf: StyleAdapter.folder(in: exported).appendingPathComponent(name)) == bytes, "style_adapter/\(name)")
        }
        var baseTraining = config
        baseTraining.transformer.steps = 1
        #expect(try Trainer(config: baseTraining, data: data, output: output.appendingPathComponent("base-training")).carriedStyleAdapter == nil)
        let controlNet = try Data(contentsOf: exported.appendingPathComponent("controlnet/diffusion_pytorch_model.safetensors"))

        let interruptedOutput = output.appendingPathComponent("interrupted")
        let interrupted = try Trainer(config: config, data: data, output: interruptedOutput)
        try interrupted.run(maxSteps: 3)
        let resumed = try Trainer(resumingFrom: interrupted.checkpointURL, config: config, data: data, output: interruptedOutput)
        #expect(resumed.stage == .controlnet && resumed.stageStep == 3)
        try resumed.run()
        let again = output.appendingPathComponent("resumed")
        try resumed.export(to: again)
        #expect(try Data(contentsOf: again.appendingPathComponent("controlnet/diffusion_pytorch_model.safetensors")) == controlNet)
    }

    /// `controlnet.anomaly_weight`: the latent cache holds each sample's anomaly mask area-averaged to the latent
    /// grid, and the ControlNet stage's loss weights each latent's error by 1 + weight × that share.
    @Test func anomalyWeightEmphasisesTheAnomalyBoxes() throws {
        var config = TrainingSupport.tinyConfig(vaeSteps: 0, transformerSteps: 0, samples: 8)
        config.controlnet.steps = 10
        config.controlnet.anomalyWeight = 4
        let data = try TrainingSupport.data(config)
        let output = try TrainingSupport.temporaryFolder("anomaly-weight")
        defer { try? FileManager.default.removeItem(at: output) }
        let weighted = try Trainer(config: config, data: data, output: output)
        let cache = try weighted.latentCache()
        for (sample, shares) in zip(data.samples, try #require(cache.anomalyShares)) {
            let mask = try #require(sample.anomalyMask)
            #expect(shares.shape == [1, config.data.height / 8, config.data.width / 8])
            // Area averaging keeps the covered share of the screen.
            #expect(abs(try shares.mean().item() - mask.mean().item()) < 1e-5)
            #expect(try shares.min().item() >= 0 && shares.max().item() <= 1)
        }
        #expect(try data.samples.contains { try $0.anomalyMask?.max().item() == 1 })

        // `emphasis_per_screen` 1: every screen's weights average 1, so screens count alike whatever their box sizes;
        // within a screen the weights keep their proportions. At 0.5 each screen is divided by the mean of its own
        // mean and the batch's.
        let batch = try #require(try cache.emphasis(of: Array(0..<8), anomalyWeight: 4, colourWeight: 0))
        let screenMeans = try batch.mean(dims: [1, 2, 3], keepDim: true)
        let perScreen = try #require(try cache.emphasis(of: Array(0..<8), anomalyWeight: 4, colourWeight: 0, screenShare: 1))
        for mean in try perScreen.mean(dims: [1, 2, 3]).floats() { #expect(abs(mean - 1) < 1e-5) }
        #expect(try (perScreen * screenMeans - batch).abs().max().item() < 1e-4)
        let half = try #require(try cache.emphasis(of: Array(0..<8), anomalyWeight: 4, colourWeight: 0, screenShare: 0.5))
        #expect(try (half * (screenMeans * 0.5 + batch.mean() * 0.5) - batch).abs().max().item() < 1e-4)
        #expect(try screenMeans.max().item() > screenMeans.min().item() * 1.05, "the screens' anomalies differ in size")
        // Lifts only: a screen above the batch's mean is divided by the batch's mean (as at 0), one below by its own.
        let lifted = try #require(try cache.emphasis(of: Array(0..<8), anomalyWeight: 4, colourWeight: 0, screenShare: 1,
                                                     liftsOnly: true))
        let batchMean = try batch.mean().item()
        let screens = try screenMeans.floats().map(Double.init)
        #expect(screens.contains { $0 > batchMean } && screens.contains { $0 < batchMean })
        for (i, own) in screens.enumerated() {
            let expected = try batch.narrow(dim: 0, start: i, length: 1) / Swift.min(own, batchMean)
            #expect(try (lifted.narrow(dim: 0, start: i, length: 1) - expected).abs().max().item() < 1e-4)
        }
        config.controlnet.emphasisPerScreen = 1
        try expectWeightingChangesTheLoss(try Trainer(config: config, data: data, output: output), weighted, step: 3, stage: .controlnet)
        config.controlnet.emphasisPerScreen = 0

        config.controlnet.anomalyWeight = 0
        let plain = try Trainer(config: config, data: data, output: output)
        #expect(try plain.latentCache().anomalyShares == nil)
        try expectWeightingChangesTheLoss(weighted, plain, step: 3, stage: .controlnet)
    }

    /// `controlnet.colour_weight`: the latent cache holds each sample's colourfulness (HSV saturation of clearly
    /// coloured pixels) area-averaged to the latent grid, and the loss weights each latent's error by it.
    @Test func colourWeightEmphasisesTheColouredPixels() throws {
        let grey = try Tensor([Float](repeating: 0.2, count: 3 * 16 * 16), shape: [3, 16, 16])
        #expect(try LatentCache.colourfulness(grey).max().item() == 0)
        // Pure red (1, −1, −1 in [-1, 1]) is fully saturated; a faint tint (chroma under 0.15) counts as grey.
        let red = try Tensor([Float](repeating: 1, count: 256) + [Float](repeating: -1, count: 512), shape: [3, 16, 16])
        #expect(abs(try LatentCache.colourfulness(red).min().item() - 1) < 1e-6)
        let tint = try Tensor([Float](repeating: 0.9, count: 256) + [Float](repeating: 0.8, count: 512), shape: [3, 16, 16])
        #expect(try LatentCache.colourfulness(tint).max().item() == 0)

        var config = TrainingSupport.tinyConfig(vaeSteps: 0, transformerSteps: 0, samples: 8)
        config.controlnet.steps = 10
        config.controlnet.colourWeight = 8
        let data = try TrainingSupport.data(config)
        let output = try TrainingSupport.temporaryFolder("colour-weight")
        defer { try? FileManager.default.removeItem(at: output) }
        let weighted = try Trainer(config: config, data: data, output: output)
        let shares = try #require(try weighted.latentCache().colourShares)
        for share in shares {
            #expect(share.shape == [1, config.data.height / 8, config.data.width / 8])
            #expect(try share.min().item() >= 0 && share.max().item() <= 1)
        }
        // App screens have coloured headers, buttons and icons somewhere.
        #expect(try shares.contains { try $0.max().item() > 0.3 })
        let emphasis = try #require(try weighted.latentCache().emphasis(of: [0, 1], anomalyWeight: 0, colourWeight: 8))
        #expect(emphasis.shape == [2, 1, config.data.height / 8, config.data.width / 8])
        #expect(try emphasis.min().item() >= 1 && emphasis.max().item() > 1)

        config.controlnet.colourWeight = 0
        let plain = try Trainer(config: config, data: data, output: output)
        #expect(try plain.latentCache().colourShares == nil)
        try expectWeightingChangesTheLoss(weighted, plain, step: 3, stage: .controlnet)

        // `transformer.colour_weight` weights the transformer stage the same way.
        var base = TrainingSupport.tinyConfig(vaeSteps: 0, transformerSteps: 5, samples: 8)
        base.transformer.colourWeight = 8
        let baseWeighted = try Trainer(config: base, data: data, output: output)
        base.transformer.colourWeight = 0
        let basePlain = try Trainer(config: base, data: data, output: output)
        #expect(try basePlain.latentCache().colourShares == nil)
        try expectWeightingChangesTheLoss(baseWeighted, basePlain, step: 2, stage: .transformer)
    }

    /// The same step's loss, with and without a loss weighting: both finite, and different.
    private func expectWeightingChangesTheLoss(_ weighted: Trainer, _ plain: Trainer, step: Int, stage: TrainingStage) throws {
        let (a, b) = try withNoGrad {
            (try weighted.stepLoss(step: step, stage: stage).item(), try plain.stepLoss(step: step, stage: stage).item())
        }
        #expect(a.isFinite && b.isFinite && a != b, "weighted \(a), plain \(b)")
    }
}
