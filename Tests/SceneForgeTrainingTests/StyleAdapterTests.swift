import Foundation
import SafeTensors
import SceneForgeImaging
import SceneForgeModels
import SceneForgeScenes
import SceneForgeSynth
import SceneForgeTorch
import Testing
@testable import SceneForgeTraining

/// The style adapter on a tiny model trained here: its stage trains (loss falls), exports into the model folder,
/// loads with the pipeline and changes generation; scale 0 is exactly the model without it; bad files are named.
@Suite(.serialized)
struct StyleAdapterTests {
    /// A tiny base model (10 VAE + 10 transformer steps), exported once and shared by the tests.
    static let base: Result<URL, Error> = Result {
        var config = TrainingSupport.tinyConfig(vaeSteps: 10, transformerSteps: 10, samples: 4)
        config.batchSize = 2
        let output = try TrainingSupport.temporaryFolder("style-base")
        let trainer = try Trainer(config: config, data: TrainingSupport.data(config), output: output)
        try trainer.run()
        let folder = output.appendingPathComponent("model")
        try trainer.export(to: folder, dtype: .float32)
        return folder
    }

    static func adapterConfig(steps: Int) -> TrainingConfig {
        var c = TrainingSupport.tinyConfig(vaeSteps: 0, transformerSteps: 0, samples: 24)
        c.styleAdapter.steps = steps
        c.styleAdapter.learningRate = 3e-3
        c.styleAdapter.encoderChannels = [8, 16]
        c.styleAdapter.grid = [2, 2]
        c.batchSize = 4
        return c
    }

    /// A copy of the base model with a trained adapter in it, and the trainer.
    static func trained(steps: Int, guidance: Double = 0, colourInput: Bool = false) throws -> (folder: URL, trainer: StyleAdapterTrainer) {
        let folder = try TrainingSupport.temporaryFolder("style-model").appendingPathComponent("model")
        try FileManager.default.copyItem(at: base.get(), to: folder)
        var config = adapterConfig(steps: steps)
        (config.styleAdapter.guidance, config.styleAdapter.colourInput) = (guidance, colourInput)
        let trainer = try StyleAdapterTrainer(modelFolder: folder, config: config,
                                              output: folder.deletingLastPathComponent().appendingPathComponent("run"))
        try trainer.run()
        try trainer.export(into: folder, dtype: .float32)
        return (folder, trainer)
    }

    @Test func trainingLowersTheLossAndTheAdapterChangesGeneration() throws {
        let fresh = try StyleAdapterTrainer(modelFolder: Self.base.get(), config: Self.adapterConfig(steps: 0),
                                            output: TrainingSupport.temporaryFolder("style-fresh"))
        // The same (seeded) batches before and after training: only the adapter differs.
        let probe = 0..<6
        let before = try probe.map { try fresh.stepLoss(step: $0).item() }
        let (folder, trainer) = try Self.trained(steps: 80)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let after = try probe.map { try trainer.stepLoss(step: $0).item() }
        let (meanBefore, meanAfter) = (TrainingSupport.mean(before[...]), TrainingSupport.mean(after[...]))
        #expect(meanAfter < 0.98 * meanBefore, "loss \(meanBefore) → \(meanAfter)")

        // The base model is untouched; the adapter loads with it, in float32 as exported.
        let pipeline = try ZImagePipeline.load(folder: folder)
        let adapter = try #require(pipeline.styleAdapter)
        #expect(adapter.config.numTokens == 4 && adapter.config.encoderChannels == [8, 16])
        let data = trainer.data
        let reference = try ZImagePipeline.rgbaImage(data.samples[0].image)
        var request = TextToImageRequest(prompts: [data.samples[1].prompt])
        (request.width, request.height, request.steps, request.seed) = (32, 32, 4, 5)
        let plain = try pipeline.denoise(request)
        request.style = StyleReference(image: reference, scale: 1)
        let styled = try pipeline.denoise(request)
        #expect(try (styled - plain).abs().max().item() > 1e-3)
        request.style = StyleReference(image: reference, scale: 0)
        #expect(try pipeline.denoise(request).floats() == plain.floats())
        let other = try ZImagePipeline.rgbaImage(data.samples[3].image)   // another style
        request.style = StyleReference(image: other, scale: 1)
        #expect(try (pipeline.denoise(request) - styled).abs().max().item() > 1e-4)
    }

    /// Each target's reference is another layout in the same style and palette: the same seed re-renders both.
    @Test func eachReferenceSharesItsTargetsPaletteNotItsLayout() throws {
        let catalog = try SceneCatalog.builtIn()
        let data = try StyleTrainingData.make(catalog: catalog, count: 30, width: 32, height: 64, jitter: 0, seed: 9)
        for sample in data.samples {
            #expect(sample.referenceLayoutID != sample.layoutID)
            let renderer = ScreenRenderer(style: AppStyle.builtIn[sample.styleIndex])
            for (layoutID, tensor) in [(sample.layoutID, sample.image), (sample.referenceLayoutID, sample.reference)] {
                let screen = try renderer.render(#require(catalog.layout(id: layoutID)), seed: sample.seed, width: 32, height: 64)
                let expected = try TrainingData.imageTensor(pixels: screen.pixels, width: 32, height: 64, channels: 4)
                #expect(try tensor.floats() == expected.floats(), "\(layoutID) is not the seed's render")
            }
        }
        // Styles are balanced and the references' layouts vary.
        #expect(Set(data.samples.map(\.styleIndex)).count == AppStyle.builtIn.count)
        #expect(Set(data.samples.map(\.referenceLayoutID)).count > 5)
    }

    @Test func aStyleRequestWithoutAnAdapterIsRefused() throws {
        let pipeline = try ZImagePipeline.load(folder: Self.base.get())
        #expect(pipeline.styleAdapter == nil)
        var request = TextToImageRequest(prompts: ["toast"])
        (request.width, request.height, request.steps) = (32, 32, 2)
        request.style = StyleReference(image: try RGBAImage(width: 8, height: 8, pixels: [UInt8](repeating: 200, count: 256)))
        #expect { try pipeline.denoise(request) } throws: { "\($0)".contains("style adapter") }
    }

    @Test func badAdapterFilesAreNamed() throws {
        let (folder, _) = try Self.trained(steps: 1, guidance: 2)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let adapterFolder = StyleAdapter.folder(in: folder)
        // `style_adapter.guidance` is exported as the config's default style guidance.
        #expect(try StyleAdapterConfig.load(contentsOf: adapterFolder.appendingPathComponent("config.json")).guidance == 2)
        let file = adapterFolder.appendingPathComponent("diffusion_pytorch_model.safetensors")
        let original = try SafeTensorsFile(url: file)
        let names = original.names
        func rewrite(_ edit: (inout [(String, Tensor)]) throws -> Void) throws -> String {
            var tensors = try names.map { ($0, try Tensor.load($0, from: original, dtype: .float32)) }
            try edit(&tensors)
            let broken = try TrainingSupport.temporaryFolder("style-broken")
            defer { try? FileManager.default.removeItem(at: broken) }
            try FileManager.default.copyItem(at: adapterFolder.appendingPathComponent("config.json"),
                                             to: broken.appendingPathComponent("config.json"))
            var writer = SafeTensorsWriter(metadata: ["format": "pt"])
            for (name, tensor) in tensors { try writer.add(name: name, tensor: tensor) }
            try writer.write(to: broken.appendingPathComponent("diffusion_pytorch_model.safetensors"))
            let pipeline = try ZImagePipeline.load(folder: Self.base.get())
            do {
                _ = try StyleAdapter.load(folder: broken, transformer: pipeline.transformer.config, vae: pipeline.vae.config)
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        let missing = try rewrite { $0.removeAll { $0.0 == "layers.0.to_k_ip.weight" } }
        #expect(missing.contains("layers.0.to_k_ip.weight") && missing.contains("missing"), "\(missing)")
        let extra = try rewrite { $0.append(("layers.7.to_q_ip.weight", try Tensor.zeros([2, 2]))) }
        #expect(extra.contains("layers.7.to_q_ip.weight"), "\(extra)")
        let shaped = try rewrite { list in
            list = try list.map { $0.0 == "image_proj.norm.weight" ? ($0.0, try Tensor.ones([3])) : $0 }
        }
        #expect(shaped.contains("image_proj.norm.weight") && shaped.contains("[3]"), "\(shaped)")

        // A config that does not fit the transformer names the field.
        var config = try StyleAdapterConfig.load(contentsOf: adapterFolder.appendingPathComponent("config.json"))
        config.dim += 8
        let pipeline = try ZImagePipeline.load(folder: Self.base.get())
        #expect { try config.validate(transformer: pipeline.transformer.config, vaeScaleFactor: pipeline.vae.config.scaleFactor,
                                      vaeLatentChannels: pipeline.vae.config.latentChannels, source: "c.json") }
            throws: { "\($0)".contains("'dim'") }
    }

    /// `colour_input`: the encoder also reads the reference's RGB area-pooled to the latent grid, trains, exports and loads.
    @Test func colourInputAddsThePooledPixels() throws {
        let (folder, trainer) = try Self.trained(steps: 2, colourInput: true)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let pipeline = try ZImagePipeline.load(folder: folder)
        let adapter = try #require(pipeline.styleAdapter)
        #expect(adapter.config.colourInput)
        let reference = try #require(trainer.data.samples.first).reference.unsqueeze(0)
        let input = try adapter.encoderInput(reference, vae: pipeline.vae)
        let latents = try pipeline.vae.imageToLatents(reference)
        #expect(input.shape == [1, latents.size(1) + 3, latents.size(2), latents.size(3)])
        let pooled = try reference.interpolate(height: latents.size(2), width: latents.size(3), mode: .area)
        #expect(try (input.narrow(dim: 1, start: latents.size(1), length: 3) - pooled).abs().max().item() < 1e-6)
        #expect(try (input.narrow(dim: 1, start: 0, length: latents.size(1)) - latents).abs().max().item() < 1e-6)
        var request = TextToImageRequest(prompts: ["a toast"])
        (request.width, request.height, request.steps, request.seed) = (32, 32, 2, 5)
        request.style = StyleReference(image: try ZImagePipeline.rgbaImage(reference.squeeze(0)), scale: 1)
        #expect(try pipeline.denoise(request).shape.count == 4)
        #expect(try TrainingConfig.parse("[style_adapter]\ncolour_input = true\n", format: .toml, file: "t.toml").styleAdapter.colourInput)
    }

    @Test func theConfigSectionIsReadAndChecked() throws {
        let config = try TrainingConfig.parse("[style_adapter]\nsteps = 12\ntokens = 2\ngrid = [2, 1]\n", format: .toml, file: "t.toml")
        #expect(config.styleAdapter.steps == 12 && config.styleAdapter.tokens == 2 && config.styleAdapter.grid == [2, 1])
        #expect { try TrainingConfig.parse("[style_adapter]\ntokens = 0\n", format: .toml, file: "t.toml") }
            throws: { "\($0)".contains("style_adapter.tokens") }
        #expect { try TrainingConfig.parse("[style_adapter]\nsteep = 1\n", format: .toml, file: "t.toml") }
            throws: { "\($0)".contains("style_adapter.steep") }
        #expect(try TrainingConfig.parse("[style_adapter]\ndistill_weight = 0.5\n", format: .toml, file: "t.toml").styleAdapter.distillWeight == 0.5)
        #expect { try TrainingConfig.parse("[style_adapter]\ndistill_weight = -1\n", format: .toml, file: "t.toml") }
            throws: { "\($0)".contains("style_adapter.distill_weight") }
        #expect(try TrainingConfig.parse("[style_adapter]\nguidance = 2\n", format: .toml, file: "t.toml").styleAdapter.guidance == 2)
        #expect { try TrainingConfig.parse("[style_adapter]\nguidance = -1\n", format: .toml, file: "t.toml") }
            throws: { "\($0)".contains("style_adapter.guidance") }
    }

    /// With distill_weight the loss adds the distance to the frozen base's prediction on the styled caption.
    @Test func distillationAddsTheStyledCaptionsTeacherTerm() throws {
        var config = Self.adapterConfig(steps: 0)
        let plain = try StyleAdapterTrainer(modelFolder: Self.base.get(), config: config, output: TrainingSupport.temporaryFolder("style-fm"))
        #expect(plain.teacherCaptions == nil)
        config.styleAdapter.distillWeight = 2
        let distilling = try StyleAdapterTrainer(modelFolder: Self.base.get(), config: config,
                                                 output: TrainingSupport.temporaryFolder("style-distil"))
        let sample = try #require(distilling.data.samples.first)
        #expect(sample.styledPrompt.hasSuffix(sample.prompt) && sample.styledPrompt.count > sample.prompt.count)
        for step in 0..<3 {
            let (flowMatch, both) = (try plain.stepLoss(step: step).item(), try distilling.stepLoss(step: step).item())
            #expect(both > flowMatch, "step \(step): \(both) is not above the flow-matching loss \(flowMatch)")
        }
    }

    /// `workers` in the adapter's stage: the shards' weighted losses (flow matching and distillation) add up to the
    /// batch's, and two workers train the adapter as one does.
    /// The adapter's stage stops as the base stages do (a step budget, a deadline, a request), says why, and resumes.
    @Test func theAdaptersStageStopsEarlyAndResumes() throws {
        let output = try TrainingSupport.temporaryFolder("style-stop")
        defer { try? FileManager.default.removeItem(at: output) }
        let config = Self.adapterConfig(steps: 4)
        let trainer = try StyleAdapterTrainer(modelFolder: Self.base.get(), config: config, output: output)
        try trainer.run(until: TrainingStop(deadline: Date(timeIntervalSinceNow: -1)))
        #expect(trainer.stopReason == .time && trainer.step == 0)
        try trainer.run(until: TrainingStop(maxSteps: 1))
        #expect(trainer.stopReason == .steps && trainer.step == 1)
        try trainer.run(until: TrainingStop(requested: { [trainer] in trainer.step >= 2 }))
        #expect(trainer.stopReason == .requested && trainer.step == 2 && !trainer.isDone)
        let resumed = try StyleAdapterTrainer(modelFolder: Self.base.get(), config: config, output: output, resume: true)
        #expect(resumed.step == 2)
        try resumed.run()
        #expect(resumed.stopReason == nil && resumed.isDone)
    }

    @Test func workersSplitTheAdaptersBatches() throws {
        var config = Self.adapterConfig(steps: 6)
        (config.batchSize, config.styleAdapter.distillWeight, config.styleAdapter.colourInput) = (5, 2, true)
        let probe = try StyleAdapterTrainer(modelFolder: Self.base.get(), config: config, output: TrainingSupport.temporaryFolder("style-shards"))
        try withNoGrad {
            for step in [0, 3] {
                let whole = try probe.stepLoss(step: step).item()
                for workers in [2, 3] {
                    let parts = try BatchShards.ranges(batch: config.batchSize, workers: workers).map { try probe.stepLoss(step: step, shard: $0).item() }
                    #expect(abs(parts.reduce(0, +) - whole) <= 1e-5 * whole, "step \(step), \(workers) shards: \(parts) against \(whole)")
                }
            }
        }
        let threadsBefore = try Torch.threadCount()
        func trainedWeights(workers: Int) throws -> [[Float]] {
            var c = config
            c.workers = workers
            let trainer = try StyleAdapterTrainer(modelFolder: Self.base.get(), config: c, output: TrainingSupport.temporaryFolder("style-workers"))
            defer { try? FileManager.default.removeItem(at: trainer.output) }
            try trainer.run()
            return try trainer.parameters.tensors.map { try $0.detach().to(.float32).floats() }
        }
        let (one, two) = (try trainedWeights(workers: 1), try trainedWeights(workers: 2))
        #expect(try Torch.threadCount() == threadsBefore, "the run must give libtorch its thread count back")
        #expect(one.count == two.count && !one.isEmpty)
        let worst = zip(one, two).map { a, b in zip(a, b).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
        let moved = zip(one, try probe.parameters.tensors.map { try $0.detach().to(.float32).floats() })
            .map { a, b in zip(a, b).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
        #expect(moved > 1e-3, "6 steps should move the adapter (largest change \(moved))")
        #expect(worst < 1e-4, "largest adapter weight difference between 1 and 2 workers: \(worst)")
    }
}
