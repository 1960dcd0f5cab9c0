import ArgumentParser
import Foundation
import SceneForgeModels
import SceneForgeTorch

/// `sceneforge-bench latent-fit`: one step of an inpaint's latent fit (VAE decode, L1 + 1 − SSIM outside the mask,
/// backward, Adam) on a model folder's VAE, on the inputs scripts/bench/latent_fit.py gives PyTorch eager.
struct LatentFitBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "latent-fit", abstract: "Time one step of the inpaint latent fit.")

    @Option(help: "A model folder holding vae/ in the diffusers layout.") var folder: String
    @Option(help: "Image width in pixels.") var width = 128
    @Option(help: "Image height in pixels.") var height = 256
    @Option(help: "Fit steps per timed run (the figure is per step).") var steps = 20
    @Option(help: "Timed runs (median reported).") var iterations = 3

    func run() throws {
        let vae = try AutoencoderKL.load(folder: URL(fileURLWithPath: folder).appendingPathComponent("vae"))
        let scale = vae.config.scaleFactor
        let g = try Generator(seed: 0)
        let latents = try Tensor.randn([1, vae.config.latentChannels, height / scale, width / scale], generator: g)
        let source = try Tensor.randn([1, 3, height, width], generator: g).clamp(min: -1, max: 1)
        // The middle third of the rows regenerated, as a centred dialog's mask.
        let third = height / 3
        let mask = try Tensor.cat([Tensor.zeros([third, width]), Tensor.ones([height - 2 * third, width]), Tensor.zeros([third, width])],
                                  dim: 0).unsqueeze(0).unsqueeze(0)
        let latentMask = try mask.interpolate(height: height / scale, width: width / scale, mode: .nearest)
        let run = try medianSeconds(iterations: iterations) {
            _ = try LatentFit.fit(latents, source: source, mask: mask, latentMask: latentMask, vae: vae, steps: steps, dtype: .float32)
        }
        print(String(format: #"{"fit_step_ms": %.3f, "threads": %d}"#, run * 1000 / Double(steps), try Torch.threadCount()))
    }
}
