import ArgumentParser
import Foundation
import SceneForgeModels
import SceneForgeTorch

/// `sceneforge-bench zimage`: one Z-Image denoising step (a transformer forward at guidance 0) and one
/// VAE decode of a model folder, on inputs shaped as scripts/bench/zimage_step.py's (which times diffusers).
struct ZImageBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "zimage", abstract: "Time one Z-Image step and one VAE decode.")

    @Option(help: "A folder holding transformer/ and vae/ in the diffusers layout.") var folder: String
    @Option(help: "Latent height.") var latentHeight: Int
    @Option(help: "Latent width.") var latentWidth: Int
    @Option(help: "Caption tokens.") var caption: Int
    @Option(help: "Timed iterations (median reported).") var iterations = 5

    func run() throws {
        let root = URL(fileURLWithPath: folder)
        let transformer = try ZImageTransformer.load(folder: root.appendingPathComponent("transformer"))
        let vae = try AutoencoderKL.load(folder: root.appendingPathComponent("vae"))
        let g = try Generator(seed: 0)
        let x = try Tensor.randn([16, 1, latentHeight, latentWidth], generator: g)
        let cap = try Tensor.randn([caption, transformer.config.capFeatDim], generator: g)
        let t = try Tensor([0.5] as [Float])
        let z = try Tensor.randn([1, 16, latentHeight, latentWidth], generator: g)
        try withNoGrad {
            let step = try medianSeconds(iterations: iterations) { _ = try transformer(latents: [x], timesteps: t, captions: [cap]) }
            let decode = try medianSeconds(iterations: iterations) { _ = try vae.decode(z) }
            print(String(format: #"{"step_ms": %.3f, "decode_ms": %.3f, "threads": %d}"#, step * 1000, decode * 1000, try Torch.threadCount()))
        }
    }
}
