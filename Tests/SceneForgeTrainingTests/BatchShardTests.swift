import Foundation
import SceneForgeTorch
import Testing
@testable import SceneForgeTraining

/// `workers`: each batch split between threads. The shards' weighted losses add up to the batch's loss in every stage
/// (so the gradients are the batch's), two workers train as one does, and two runs with two workers are identical.
struct BatchShardTests {
    @Test func shardsCoverTheBatchInOrder() {
        #expect(BatchShards.ranges(batch: 5, workers: 2) == [0..<3, 3..<5])
        #expect(BatchShards.ranges(batch: 4, workers: 1) == [0..<4])
        #expect(BatchShards.ranges(batch: 2, workers: 8) == [0..<1, 1..<2])
        #expect(BatchShards.ranges(batch: 9, workers: 4) == [0..<3, 3..<5, 5..<7, 7..<9])
    }

    @Test func aMapSplitBetweenWorkersKeepsTheIndicesOrder() throws {
        for workers in [1, 2, 3, 8] {
            #expect(try BatchShards.map(7, workers: workers) { $0 * $0 } == (0..<7).map { $0 * $0 }, "\(workers) workers")
        }
        #expect(try BatchShards.map(0, workers: 2) { $0 }.isEmpty)
        #expect(throws: TrainingError.self) {
            try BatchShards.map(5, workers: 2) { i in
                if i == 3 { throw TrainingError("sample 3") }
                return i
            }
        }
    }

    /// The frozen encoders' outputs are shared between the workers sample by sample, each on one libtorch thread, so
    /// the cache is bit for bit what one thread makes alone.
    @Test func theLatentCacheIsTheSameForAnyWorkerCount() throws {
        let config = Self.config()
        let output = try TrainingSupport.temporaryFolder("cache-workers")
        defer { try? FileManager.default.removeItem(at: output) }
        let trainer = try Trainer(config: config, data: TrainingSupport.data(config), output: output)
        func cache(workers: Int) throws -> (latents: [[Float]], controls: [[Float]]) {
            let normalization = try LatentNormalization.measure(vae: trainer.model.vae, data: trainer.data, workers: workers)
            let made = try LatentCache(model: trainer.model, data: trainer.data, normalization: normalization, output: output,
                                       withControls: true, workers: workers)
            return (try made.latents.map { try $0.floats() }, try #require(made.controls).map { try $0.floats() })
        }
        // The pools at one thread, as a run with workers holds them, so that one worker is one thread too.
        try BatchShards.withWorkers(2) {
            let alone = try cache(workers: 1)
            #expect(alone.latents.count == config.data.samples && alone.controls.count == config.data.samples)
            for workers in [2, 3] {
                let shared = try cache(workers: workers)
                #expect(shared.latents == alone.latents, "\(workers) workers")
                #expect(shared.controls == alone.controls, "\(workers) workers")
            }
        }
    }

    static func config() -> TrainingConfig {
        var c = TrainingSupport.tinyConfig(vaeSteps: 3, transformerSteps: 4, samples: 6)
        c.batchSize = 5
        c.transformer.captionDropout = 0.4
        (c.controlnet.steps, c.controlnet.anomalyWeight, c.controlnet.emphasisPerScreen) = (3, 4, 0.5)
        return c
    }

    @Test func shardLossesAddUpToTheBatchLossInEveryStage() throws {
        let config = Self.config()
        let output = try TrainingSupport.temporaryFolder("shards")
        defer { try? FileManager.default.removeItem(at: output) }
        let trainer = try Trainer(config: config, data: TrainingSupport.data(config), output: output)
        try withNoGrad {
            for stage in [TrainingStage.vae, .transformer, .controlnet] {
                if stage == .controlnet { try trainer.model.attachFreshControlNet(config) }
                for step in [0, 7] {
                    let whole = try trainer.stepLoss(step: step, stage: stage).item()
                    for workers in [2, 3] {
                        let parts = try BatchShards.ranges(batch: config.batchSize, workers: workers).map {
                            try trainer.stepLoss(step: step, stage: stage, shard: $0).item()
                        }
                        #expect(abs(parts.reduce(0, +) - whole) <= 1e-5 * whole, "\(stage) step \(step), \(workers) shards: \(parts) against \(whole)")
                    }
                }
            }
        }
    }

    static func trainedWeights(workers: Int, _ name: String) throws -> [String: [Float]] {
        var config = Self.config()
        config.workers = workers
        let output = try TrainingSupport.temporaryFolder(name)
        defer { try? FileManager.default.removeItem(at: output) }
        let trainer = try Trainer(config: config, data: TrainingSupport.data(config), output: output)
        try trainer.run()
        var out: [String: [Float]] = [:]
        let components = [("vae", trainer.model.vaeWeights), ("transformer", trainer.model.transformerWeights),
                          ("controlnet", try #require(trainer.model.controlNetWeights))]
        for (component, weights) in components {
            for (name, tensor) in weights.localParameters { out["\(component).\(name)"] = try tensor.detach().to(.float32).floats() }
        }
        return out
    }

    @Test func twoWorkersTrainAsOneAndRepeatExactly() throws {
        let threadsBefore = try Torch.threadCount()
        let one = try Self.trainedWeights(workers: 1, "one"), two = try Self.trainedWeights(workers: 2, "two")
        let again = try Self.trainedWeights(workers: 2, "two-again")
        #expect(try Torch.threadCount() == threadsBefore, "the run must give libtorch its thread count back")
        #expect(one.count == two.count && !one.isEmpty)
        let differing = two.keys.sorted().filter { two[$0] != again[$0] }
        #expect(differing.isEmpty, "two runs with two workers differ in \(differing.count) tensors: \(differing.prefix(5))")
        // The same gradients up to float summation order, through every stage's optimiser steps.
        let worst = one.keys.map { key in zip(one[key] ?? [], two[key] ?? []).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
        print("largest weight difference between 1 and 2 workers: \(worst)")
        #expect(worst < 1e-4, "largest weight difference between 1 and 2 workers: \(worst)")
    }
}
