import Foundation
import SceneForgeTorch
import Testing
@testable import SceneForgeModels

/// Wall-clock of one transformer forward (one denoising step), printed for the record. Opt-in, since it is a
/// measurement rather than a check: `SCENEFORGE_ZIMAGE_TIMING=1 swift test --filter ZImageTimingTests`.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["SCENEFORGE_ZIMAGE_TIMING"] != nil))
struct ZImageTimingTests {
    /// Median of `runs` timed calls after one warm-up call, with libtorch at 1 thread and at its default.
    /// (On a busy machine the multi-threaded figure can be far worse: idle-spinning workers stall.)
    private func median(runs: Int, _ body: () throws -> Void) throws -> String {
        let defaultThreads = try Torch.threadCount()
        defer { try? Torch.setThreadCount(defaultThreads) }
        return try Set([1, defaultThreads]).sorted().map { threads in
            try Torch.setThreadCount(threads)
            try body()
            let clock = ContinuousClock()
            let times = try (0..<runs).map { _ in try clock.measure(body) }.sorted()
            return "\(times[times.count / 2]) at \(threads) thread(s)"
        }.joined(separator: ", ")
    }

    @Test func tinyFixtureStep() throws {
        let fixture = try ZImageTransformerFixture()
        let model = try ZImageTransformerFixture.model()
        let (latents, timesteps, captions) = try fixture.inputs(try fixture.case("b1_16x24_cap7"))
        let time = try median(runs: 20) {
            _ = try withNoGrad { try model(latents: latents, timesteps: timesteps, captions: captions) }
        }
        print("Z-Image step, tiny fixture (dim 64, 2+2+2 blocks, 96 image + 32 caption tokens): \(time)")
    }

    /// dim 512, 8 layers, 2+2 refiners, 4 heads of 128 (the published RoPE axes), a 1024x1024-pixel image
    /// (64x64 latent → 1024 tokens) and a 64-token caption of 2560-wide features.
    @Test func midSizeStep() throws {
        var config = ZImageTransformerConfig.zImageTurbo
        config.dim = 512
        config.nLayers = 8
        config.nHeads = 4
        config.nKVHeads = 4
        let model = try ZImageTransformer(Weights(source: .initialize(seed: 7)), config: config)
        let latents = [try Tensor.randn([16, 1, 64, 64])]
        let captions = [try Tensor.randn([64, config.capFeatDim])]
        let timesteps = try Tensor([Float(0.5)])
        let time = try median(runs: 3) {
            _ = try withNoGrad { try model(latents: latents, timesteps: timesteps, captions: captions) }
        }
        print("Z-Image step, mid-size (dim 512, 8 layers, 1024 image + 64 caption tokens): \(time)")
    }
}
