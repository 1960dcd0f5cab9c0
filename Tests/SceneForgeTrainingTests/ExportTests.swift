import Foundation
import SafeTensors
import SceneForgeImaging
import SceneForgeModels
import SceneForgeTorch
import Testing
@testable import SceneForgeTraining

/// The export is an ordinary diffusers folder: ZImagePipeline.load reads it with no special case, its
/// weights are float16, and a model rebuilt from the training checkpoint generates the same image.
struct ExportTests {
    func generate(_ folder: URL, prompt: String) throws -> RGBAImage {
        let pipeline = try ZImagePipeline.load(folder: folder)
        var request = TextToImageRequest(prompts: [prompt])
        (request.width, request.height, request.steps, request.seed) = (32, 32, 8, 5)
        return try #require(pipeline.generate(request).first)
    }

    @Test func exportLoadsInThePipelineAndTheCheckpointGeneratesTheSameImage() throws {
        var config = TrainingSupport.tinyConfig(vaeSteps: 20, transformerSteps: 20, samples: 4)
        config.batchSize = 2
        let data = try TrainingSupport.data(config)
        let output = try TrainingSupport.temporaryFolder("export")
        defer { try? FileManager.default.removeItem(at: output) }
        let trainer = try Trainer(config: config, data: data, output: output)
        try trainer.run()
        let exported = output.appendingPathComponent("model")
        try trainer.export(to: exported)

        for path in ["model_index.json", "scheduler/scheduler_config.json", "tokenizer/tokenizer.json",
                     "vae/config.json", "text_encoder/config.json", "transformer/config.json"] {
            #expect(FileManager.default.fileExists(atPath: exported.appendingPathComponent(path).path), "\(path)")
        }
        let weights = try SafeTensorsFile(url: exported.appendingPathComponent("transformer/diffusion_pytorch_model.safetensors"))
        #expect(weights.names.allSatisfy { weights.info($0)?.dtype == .F16 })
        #expect(weights.info("all_x_embedder.2-1.weight")?.shape == [config.transformer.dim, 64])
        // The screens' size becomes the model's own: what generate and the engine draw when a request names none.
        let declared = ModelImageSize.declared(byModelAt: exported)
        #expect(declared?.width == config.data.width && declared?.height == config.data.height)

        let image = try generate(exported, prompt: data.samples[0].prompt)
        #expect(image.width == 32 && image.height == 32)
        #expect(Set(image.pixels).count > 4, "a generated image is not a flat colour")

        let reloaded = try Trainer(resumingFrom: trainer.checkpointURL, config: config, data: data, output: output)
        let again = output.appendingPathComponent("model-from-checkpoint")
        try reloaded.export(to: again)
        #expect(try generate(again, prompt: data.samples[0].prompt) == image)
    }
}
