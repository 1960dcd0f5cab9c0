import Foundation
import SceneForgeTorch
import Testing
@testable import SceneForgeTraining

/// Both stages learn: over a short run on a handful of layout images the loss clearly falls.
struct TrainingLossTests {
    @Test func lossFallsInBothStages() throws {
        let config = TrainingSupport.tinyConfig(vaeSteps: 150, transformerSteps: 150)
        let output = try TrainingSupport.temporaryFolder("loss")
        defer { try? FileManager.default.removeItem(at: output) }
        let trainer = try Trainer(config: config, data: TrainingSupport.data(config), output: output)
        var losses: [TrainingStage: [Double]] = [:]
        trainer.onProgress = { losses[$0.stage, default: []].append($0.loss) }
        let start = Date()
        try trainer.run()
        let seconds = Date().timeIntervalSince(start)
        let vae = try #require(losses[.vae]), flow = try #require(losses[.transformer])
        #expect(vae.count == 150 && flow.count == 150)
        let (vaeFirst, vaeLast) = (TrainingSupport.mean(vae.prefix(10)), TrainingSupport.mean(vae.suffix(10)))
        let (flowFirst, flowLast) = (TrainingSupport.mean(flow.prefix(10)), TrainingSupport.mean(flow.suffix(10)))
        print("loss: vae \(vaeFirst) -> \(vaeLast), transformer \(flowFirst) -> \(flowLast) in \(seconds) s")
        #expect(vaeLast < 0.5 * vaeFirst)
        #expect(flowLast < 0.8 * flowFirst)
        #expect(trainer.stage == .done)
    }

    /// `vae.crop`: the autoencoder trains on random square crops. A crop as large as the image is the image itself
    /// (the same step's loss); a smaller one is a different, finite loss of the same step's batch.
    @Test func vaeCropsTrainOnPartsOfTheImages() throws {
        var config = TrainingSupport.tinyConfig(vaeSteps: 4, transformerSteps: 0)
        let output = try TrainingSupport.temporaryFolder("crop")
        defer { try? FileManager.default.removeItem(at: output) }
        let data = try TrainingSupport.data(config)
        let whole = try Trainer(config: config, data: data, output: output).stepLoss(step: 3).item()
        config.vae.crop = 32
        let fullCrop = try Trainer(config: config, data: data, output: output).stepLoss(step: 3).item()
        config.vae.crop = 16
        let crop = try Trainer(config: config, data: data, output: output).stepLoss(step: 3).item()
        #expect(fullCrop == whole)
        #expect(crop.isFinite && crop != whole)
    }
}

/// `transformer.caption_dropout`: a dropped sample trains on the empty prompt's caption, so at a share of 1 a step's
/// loss is the loss of the same step on data whose prompts are all empty; at 0 nothing changes.
struct CaptionDropoutTests {
    @Test func droppedCaptionsAreTheEmptyPrompts() throws {
        var config = TrainingSupport.tinyConfig(vaeSteps: 0, transformerSteps: 4, samples: 4)
        config.batchSize = 2
        let data = try TrainingSupport.data(config)
        let silent = TrainingData(samples: data.samples.map {
            TrainingSample(image: $0.image, prompt: "", layoutID: $0.layoutID, control: $0.control, anomalyMask: $0.anomalyMask)
        })
        let output = try TrainingSupport.temporaryFolder("caption-dropout")
        defer { try? FileManager.default.removeItem(at: output) }
        func loss(_ dropout: Double, _ data: TrainingData) throws -> Double {
            var c = config
            c.transformer.captionDropout = dropout
            return try Trainer(config: c, data: data, output: output.appendingPathComponent("\(dropout)")).stepLoss(step: 1).item()
        }
        let (kept, dropped, empty) = (try loss(0, data), try loss(1, data), try loss(0, silent))
        #expect(dropped == empty, "dropout 1: \(dropped), empty prompts: \(empty)")
        #expect(kept != dropped)
        #expect(try TrainingConfig.parse("[transformer]\ncaption_dropout = 0.1", format: .toml, file: "t.toml").transformer.captionDropout == 0.1)
        #expect(throws: TrainingConfigError.self) { try TrainingConfig.parse("[transformer]\ncaption_dropout = 2", format: .toml, file: "t.toml") }
    }

    /// `controlnet.caption_dropout` does the same in the ControlNet stage (and only there).
    @Test func theControlNetStageDropsCaptionsToo() throws {
        var config = TrainingSupport.tinyConfig(vaeSteps: 0, transformerSteps: 0, samples: 4)
        (config.batchSize, config.controlnet.steps) = (2, 4)
        let data = try TrainingSupport.data(config)
        let silent = TrainingData(samples: data.samples.map {
            TrainingSample(image: $0.image, prompt: "", layoutID: $0.layoutID, control: $0.control, anomalyMask: $0.anomalyMask)
        })
        let output = try TrainingSupport.temporaryFolder("controlnet-caption-dropout")
        defer { try? FileManager.default.removeItem(at: output) }
        func loss(_ dropout: Double, _ data: TrainingData, transformerShare: Double = 0) throws -> Double {
            var c = config
            (c.controlnet.captionDropout, c.transformer.captionDropout) = (dropout, transformerShare)
            let trainer = try Trainer(config: c, data: data, output: output.appendingPathComponent("\(dropout)-\(transformerShare)"))
            return try withNoGrad { try trainer.stepLoss(step: 1, stage: .controlnet).item() }
        }
        let (kept, dropped, empty) = (try loss(0, data), try loss(1, data), try loss(0, silent))
        #expect(dropped == empty, "dropout 1: \(dropped), empty prompts: \(empty)")
        #expect(kept != dropped)
        #expect(try loss(0, data, transformerShare: 1) == kept, "the transformer's share must not reach the ControlNet stage")
        #expect(try TrainingConfig.parse("[controlnet]\ncaption_dropout = 0.1", format: .toml, file: "t.toml").controlnet.captionDropout == 0.1)
        #expect(throws: TrainingConfigError.self) { try TrainingConfig.parse("[controlnet]\ncaption_dropout = -1", format: .toml, file: "t.toml") }
    }
}
