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
}
