import Foundation
import SceneForgeImaging
import SceneForgeModels
import SceneForgeScenes
import SceneForgeTorch
import Testing
@testable import SceneForgeTraining

/// The training target's sign matches the pipeline: trained on one fixed image, the exported model run
/// through the unmodified 8-step ZImagePipeline lands on that image's latents (a flipped sign would
/// push the sampler away from it). The untrained model is the control that shows the check can fail.
struct SignConventionTests {
    func rmsRatio(_ a: Tensor, _ b: Tensor) throws -> Double {
        try (a - b).square().mean().sqrt().item() / b.square().mean().sqrt().item()
    }

    @Test func pipelineReproducesTheOneTrainingImage() throws {
        var config = TrainingSupport.tinyConfig(vaeSteps: 150, transformerSteps: 600, samples: 1)
        config.batchSize = 2
        config.emaDecay = 0.5
        config.transformer.learningRate = 3e-3
        let full = try TrainingSupport.data(config)
        let data = TrainingData(samples: [full.samples[0]])
        let output = try TrainingSupport.temporaryFolder("sign")
        defer { try? FileManager.default.removeItem(at: output) }
        let trainer = try Trainer(config: config, data: data, output: output)
        try trainer.run(maxSteps: 150)  // the VAE stage only

        func generatedLatents() throws -> (latents: Tensor, pipeline: ZImagePipeline) {
            let folder = output.appendingPathComponent("model")
            try trainer.export(to: folder)
            let pipeline = try ZImagePipeline.load(folder: folder)
            var request = TextToImageRequest(prompts: [data.samples[0].prompt])
            (request.width, request.height, request.steps, request.seed) = (32, 32, 8, 123)
            return (try pipeline.denoise(request), pipeline)
        }
        let target = try trainer.latentCache().latents[0].unsqueeze(0)
        let untrained = try rmsRatio(generatedLatents().latents, target)

        var losses: [Double] = []
        trainer.onProgress = { losses.append($0.loss) }
        try trainer.run()
        print("transformer loss: first \(TrainingSupport.mean(losses.prefix(20))), last \(TrainingSupport.mean(losses.suffix(20)))")
        let (latents, pipeline) = try generatedLatents()
        let trained = try rmsRatio(latents, target)
        print("latent rms error / rms: untrained \(untrained), trained \(trained)")
        #expect(untrained > 1)
        #expect(trained < 0.4)

        // And in pixels: the generated image is the VAE's own rendering of the training image.
        let generated = try pipeline.decode(latents: latents)
        let reconstructed = try pipeline.decode(latents: target)
        let pixelError = try (generated - reconstructed).abs().mean().item() / 2 * 255
        print("mean pixel difference to the VAE reconstruction: \(pixelError)/255")
        #expect(pixelError < 4)
    }
}
