import Foundation
import SafeTensors
import SceneForgeTorch
import Testing
@testable import SceneForgeTraining

/// Interrupting and resuming changes nothing: a run cut mid-VAE-stage and again mid-transformer-stage,
/// resumed from its checkpoints each time, ends with exactly the weights of an uninterrupted run.
struct ResumeTests {
    static func weightBytes(_ trainer: Trainer) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for (component, weights) in [("vae", trainer.model.vaeWeights), ("transformer", trainer.model.transformerWeights)] {
            for (name, tensor) in weights.localParameters { out["\(component).\(name)"] = try tensor.detach().bytes() }
        }
        return out
    }

    @Test func resumedRunEqualsStraightRun() throws {
        var config = TrainingSupport.tinyConfig(vaeSteps: 6, transformerSteps: 8, samples: 4)
        config.batchSize = 2
        let data = try TrainingSupport.data(config)
        let straightFolder = try TrainingSupport.temporaryFolder("straight")
        let splitFolder = try TrainingSupport.temporaryFolder("split")
        defer {
            try? FileManager.default.removeItem(at: straightFolder)
            try? FileManager.default.removeItem(at: splitFolder)
        }
        let straight = try Trainer(config: config, data: data, output: straightFolder)
        try straight.run()

        let first = try Trainer(config: config, data: data, output: splitFolder)
        try first.run(maxSteps: 3)  // stops inside the VAE stage
        #expect(first.stage == .vae && first.stageStep == 3)
        let second = try Trainer(resumingFrom: first.checkpointURL, config: config, data: data, output: splitFolder)
        var firstProgress: TrainingProgress?
        second.onProgress = { p in firstProgress = firstProgress ?? p }
        try second.run(maxSteps: 7)  // finishes the VAE stage, stops inside the transformer stage
        // The time left is at this run's pace: one step taken here, not the four the stage has done.
        let afterResume = try #require(firstProgress)
        #expect(afterResume.step == 4 && abs(afterResume.remaining - afterResume.elapsed * Double(afterResume.totalSteps - 4)) < 1e-9)
        #expect(second.stage == .transformer && second.stageStep == 4)
        let third = try Trainer(resumingFrom: second.checkpointURL, config: config, data: data, output: splitFolder)
        try third.run()
        #expect(third.stage == .done)

        let expected = try Self.weightBytes(straight), resumed = try Self.weightBytes(third)
        #expect(expected.count == resumed.count && !expected.isEmpty)
        let differing = expected.keys.sorted().filter { expected[$0] != resumed[$0] }
        #expect(differing.isEmpty, "weights differ after resume: \(differing.prefix(5))")
        #expect(straight.latentNormalization == third.latentNormalization)
    }

    /// A run asked to stop, or past its deadline, stops before its next step with a checkpoint there and says why;
    /// resumed, it goes on from that step.
    @Test func stopsWhenAskedOrPastItsDeadline() throws {
        var config = TrainingSupport.tinyConfig(vaeSteps: 2, transformerSteps: 6, samples: 2)
        config.batchSize = 1
        let data = try TrainingSupport.data(config)
        let folder = try TrainingSupport.temporaryFolder("stop")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Asked to stop once three steps are done (as the command line's signal handler asks, from outside the loop).
        let asked = try Trainer(config: config, data: data, output: folder)
        let counter = StepCounter()
        asked.onProgress = { _ in counter.add() }
        try asked.run(until: TrainingStop(requested: { counter.value >= 3 }))
        #expect(asked.stopReason == .requested)
        #expect(asked.stage == .transformer && asked.stageStep == 1)
        let resumed = try Trainer(resumingFrom: asked.checkpointURL, config: config, data: data, output: folder)
        #expect(resumed.stage == .transformer && resumed.stageStep == 1)

        try resumed.run(until: TrainingStop(deadline: Date(timeIntervalSinceNow: -1)))
        #expect(resumed.stopReason == .time && resumed.stageStep == 1)
        try resumed.run(until: TrainingStop(maxSteps: 2))
        #expect(resumed.stopReason == .steps && resumed.stageStep == 3)
        try resumed.run()
        #expect(resumed.stopReason == nil && resumed.stage == .done)
    }

    @Test func refusesACheckpointFromAnotherSeed() throws {
        var config = TrainingSupport.tinyConfig(vaeSteps: 1, transformerSteps: 0, samples: 2)
        config.batchSize = 1
        let data = try TrainingSupport.data(config)
        let folder = try TrainingSupport.temporaryFolder("seed")
        defer { try? FileManager.default.removeItem(at: folder) }
        let trainer = try Trainer(config: config, data: data, output: folder)
        try trainer.run()
        config.seed += 1
        #expect(throws: TrainingError.self) {
            _ = try Trainer(resumingFrom: trainer.checkpointURL, config: config, data: data, output: folder)
        }
    }

    @Test func refusesAFileThatIsNotATrainingCheckpoint() throws {
        let folder = try TrainingSupport.temporaryFolder("notckpt")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("weights.safetensors")
        var writer = SafeTensorsWriter()
        try writer.add(name: "x", tensor: Tensor.zeros([2]))
        try writer.write(to: url)
        let config = TrainingSupport.tinyConfig(vaeSteps: 1, transformerSteps: 1, samples: 1)
        let error = #expect(throws: TrainingError.self) {
            _ = try Trainer(resumingFrom: url, config: config, data: TrainingSupport.data(config), output: folder)
        }
        #expect(error?.description.contains("not a SceneForge training checkpoint") == true)
    }
}

/// A step count shared with a stop closure.
final class StepCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}
