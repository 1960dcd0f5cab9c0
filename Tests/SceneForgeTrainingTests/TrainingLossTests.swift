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
