import Foundation
import SafeTensors
import SceneForgeModels
import SceneForgeTorch
import Testing
@testable import SceneForgeTraining

/// Fine-tuning starts from an exported diffusers folder: its sizes and weights, its VAE normalisation,
/// only the transformer trains, and the result exports and generates again.
struct FineTuneTests {
    @Test func fineTunesAnExportedModel() throws {
        var config = TrainingSupport.tinyConfig(vaeSteps: 10, transformerSteps: 10, samples: 4)
        config.batchSize = 2
        let data = try TrainingSupport.data(config)
        let output = try TrainingSupport.temporaryFolder("finetune")
        defer { try? FileManager.default.removeItem(at: output) }
        let base = try Trainer(config: config, data: data, output: output.appendingPathComponent("base"))
        try base.run()
        let exported = output.appendingPathComponent("base-model")
        try base.export(to: exported, dtype: .float32)

        var tune = TrainingConfig()  // sizes deliberately left at the defaults: the folder's must win
        tune.initFrom = exported.path
        tune.vae.steps = 0
        tune.transformer.steps = 5
        tune.batchSize = 2
        tune.data = config.data
        let tuner = try Trainer(config: tune, data: data, output: output.appendingPathComponent("tuned"))
        #expect(tuner.stage == .transformer)
        #expect(tuner.model.transformer.config.dim == config.transformer.dim)
        #expect(tuner.latentNormalization == base.latentNormalization)
        let before = try tuner.model.transformerWeights.localParameters.map { try $0.tensor.detach().clone() }
        try tuner.run()
        let after = tuner.model.transformerWeights.localParameters.map(\.tensor)
        let changed = try zip(before, after).filter { try ($0 - $1).abs().max().item() > 0 }.count
        #expect(changed > after.count / 2)
        let vaeBefore = try SafeTensorsCheck.values(exported.appendingPathComponent("vae"), "decoder.conv_out.weight")
        #expect(try tuner.model.vaeWeights.localParameters.first { $0.name == "decoder.conv_out.weight" }?.tensor.floats() == vaeBefore)

        let tuned = output.appendingPathComponent("tuned-model")
        try tuner.export(to: tuned)
        let pipeline = try ZImagePipeline.load(folder: tuned)
        var request = TextToImageRequest(prompts: [data.samples[1].prompt])
        (request.width, request.height, request.steps) = (32, 32, 4)
        #expect(try pipeline.generate(request).count == 1)

        // Resuming a fine-tuning run also takes the sizes from the folder.
        let resumed = try Trainer(resumingFrom: tuner.checkpointURL, config: tune, data: data, output: output.appendingPathComponent("tuned"))
        #expect(resumed.stage == .done)

        // vae.decoder_only: the decoder learns, the encoder (and so the latent space and its normalisation) stays.
        var decoder = tune
        (decoder.vae.steps, decoder.vae.decoderOnly, decoder.vae.crop, decoder.transformer.steps) = (5, true, 16, 0)
        let redrawer = try Trainer(config: decoder, data: data, output: output.appendingPathComponent("decoder"))
        #expect(redrawer.stage == .vae && redrawer.latentNormalization == base.latentNormalization)
        let vaeParameters = { redrawer.model.vaeWeights.localParameters }
        let startWeights = try vaeParameters().map { try $0.tensor.detach().clone() }
        try redrawer.run()
        for (start, now) in zip(startWeights, vaeParameters()) {
            let moved = try (start - now.tensor).abs().max().item() > 0
            if now.name.hasPrefix("encoder.") { #expect(!moved, "\(now.name) changed in a decoder-only run") }
        }
        let decoderMoved = try zip(startWeights, vaeParameters()).filter { start, now in
            try now.name.hasPrefix("decoder.") && (start - now.tensor).abs().max().item() > 0
        }.count
        #expect(decoderMoved > 0)
        #expect(redrawer.latentNormalization == base.latentNormalization)
    }
}

/// A VAE trained alone (its own run, as the embedded model's stage 1) with a latent width of its own: the export
/// carries its measured latent normalisation, the transformer's input follows the latent width, and a run that only
/// trains the transformer on that folder starts from the same normalisation.
struct VAEAloneTests {
    @Test func aVAETrainedAloneExportsItsLatentNormalisationAndWidth() throws {
        var config = TrainingSupport.tinyConfig(vaeSteps: 6, transformerSteps: 0, samples: 4)
        (config.batchSize, config.vae.latentChannels) = (2, 8)
        let data = try TrainingSupport.data(config)
        let output = try TrainingSupport.temporaryFolder("vae-alone")
        defer { try? FileManager.default.removeItem(at: output) }
        let vaeRun = try Trainer(config: config, data: data, output: output.appendingPathComponent("vae"))
        try vaeRun.run()
        let measured = try #require(vaeRun.latentNormalization)
        #expect(measured != LatentNormalization(shift: 0, scale: 1))
        let exported = output.appendingPathComponent("vae-model")
        try vaeRun.export(to: exported, dtype: .float32)
        let components = try SmallModel.Components.of(folder: exported)
        #expect(components.vae.latentChannels == 8 && components.transformer.inChannels == 8)
        let written = try #require(components.latentNormalization)
        #expect(abs(written.scale - measured.scale) < 1e-9 && abs(written.shift - measured.shift) < 1e-9)

        var tune = config
        (tune.initFrom, tune.vae.steps, tune.transformer.steps) = (exported.path, 0, 3)
        let tuner = try Trainer(config: tune, data: data, output: output.appendingPathComponent("transformer"))
        #expect(tuner.latentNormalization == written)
        try tuner.run()
        let tuned = output.appendingPathComponent("tuned-model")
        try tuner.export(to: tuned)
        var request = TextToImageRequest(prompts: [data.samples[0].prompt])
        (request.width, request.height, request.steps) = (32, 32, 2)
        #expect(try ZImagePipeline.load(folder: tuned).generate(request).count == 1)
    }
}

enum SafeTensorsCheck {
    static func values(_ folder: URL, _ name: String) throws -> [Float] {
        let checkpoint = try SafeTensors.SafeTensorsCheckpoint(url: folder)
        return try Tensor.load(name, from: checkpoint, dtype: .float32).floats()
    }
}
