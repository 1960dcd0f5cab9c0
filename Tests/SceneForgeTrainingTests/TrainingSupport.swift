import Foundation
import SceneForgeScenes
import SceneForgeTorch
@testable import SceneForgeTraining

/// Tiny sizes that train in seconds on a CPU; the same code paths as the default configuration.
enum TrainingSupport {
    static func tinyConfig(vaeSteps: Int, transformerSteps: Int, samples: Int = 8, seed: UInt64 = 7) -> TrainingConfig {
        var c = TrainingConfig()
        c.seed = seed
        c.batchSize = 4
        c.checkpointInterval = 0
        c.emaDecay = 0.9
        c.vae.steps = vaeSteps
        c.vae.blockOutChannels = [8, 8, 8, 8]
        c.vae.normNumGroups = 4
        c.vae.learningRate = 2e-3
        c.textEncoder.hiddenSize = 16
        c.textEncoder.layers = 2
        c.textEncoder.heads = 2
        c.textEncoder.kvHeads = 1
        c.textEncoder.headDim = 8
        c.textEncoder.intermediateSize = 32
        c.transformer.steps = transformerSteps
        c.transformer.dim = 64
        c.transformer.layers = 1
        c.transformer.refinerLayers = 1
        c.transformer.heads = 4
        c.transformer.axesDims = [4, 6, 6]
        c.transformer.learningRate = 1e-3
        c.data.width = 32
        c.data.height = 32
        c.data.samples = samples
        return c
    }

    static func data(_ config: TrainingConfig) throws -> TrainingData {
        try TrainingData.make(config, catalog: SceneCatalog.builtIn())
    }

    static func temporaryFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sceneforge-train-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func mean(_ values: ArraySlice<Double>) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }
}
