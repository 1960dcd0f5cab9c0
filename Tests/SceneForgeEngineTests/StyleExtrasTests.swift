import Foundation
import SafeTensors
import SceneForgeEngine
import SceneForgeImaging
import SceneForgeModels
import SceneForgeTorch
import Testing

/// The `style` / `style_scale` job extras through the engine's Z-Image generator, on a copy of the tiny fixture
/// model given a freshly initialised style adapter (random, like the fixture's weights: this tests the plumbing).
@Suite(.serialized)
struct StyleExtrasTests {
    /// The fixture model plus `style_adapter/` (config.json + safetensors) sized for it.
    static func modelWithAdapter() throws -> URL {
        let folder = URL(fileURLWithPath: try temporaryDirectory("style-model")).appendingPathComponent("pipeline")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: tinyZImageFolder), to: folder)
        let base = try ZImagePipeline.load(folder: folder)
        var config = StyleAdapterConfig()
        let t = base.transformer.config
        (config.dim, config.numLayers, config.nHeads, config.qkNorm) = (t.dim, t.nLayers, t.nHeads, t.qkNorm)
        config.latentChannels = base.vae.config.latentChannels
        (config.encoderChannels, config.gridHeight, config.gridWidth) = ([8, 8], 1, 1)
        (config.imageWidth, config.imageHeight) = (2 * base.vae.config.scaleFactor, 2 * base.vae.config.scaleFactor)
        let weights = try Weights(source: .initialize(seed: 3))
        _ = try StyleAdapter(weights, config: config)
        let adapterFolder = StyleAdapter.folder(in: folder)
        try FileManager.default.createDirectory(at: adapterFolder, withIntermediateDirectories: true)
        var writer = SafeTensorsWriter(metadata: ["format": "pt"])
        for (name, tensor) in weights.parameters { try writer.add(name: name, tensor: tensor * 5) }   // strong enough to see
        try writer.write(to: adapterFolder.appendingPathComponent("diffusion_pytorch_model.safetensors"))
        try JSONEncoder().encode(config).write(to: adapterFolder.appendingPathComponent("config.json"))
        return folder
    }

    static func job(_ extras: [String: JSONValue]) -> GenerationJob {
        GenerationJob(id: "style", prompt: "coupon popup", width: 32, height: 32, steps: 3, seed: 9, outputPath: "", extras: extras)
    }

    @Test func styleExtrasReachTheAdapterAndTheRecord() throws {
        let folder = try Self.modelWithAdapter()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let reference = folder.deletingLastPathComponent().appendingPathComponent("reference.png")
        var pixels = [UInt8](repeating: 255, count: 40 * 80 * 4)
        for p in 0..<(40 * 80) where p < 40 * 20 { (pixels[4 * p], pixels[4 * p + 1], pixels[4 * p + 2]) = (230, 40, 30) }
        try PNGFile.write(try RGBAImage(width: 40, height: 80, pixels: pixels), record: nil, to: reference)

        let generator = try ZImageGenerator(folder: folder, dtype: .float32, device: .cpu)
        #expect(generator.pipeline.styleAdapter != nil)
        let plain = try generator.generate(Self.job([:])) { _, _ in true }
        let styled = try generator.generate(Self.job(["style": .string(reference.path), "style_scale": .double(1)])) { _, _ in true }
        let off = try generator.generate(Self.job(["style": .string(reference.path), "style_scale": .double(0)])) { _, _ in true }
        #expect(styled.image != plain.image)
        #expect(off.image == plain.image)
        #expect(styled.record.styleReference == reference.path && styled.record.styleStrength == 1)
        #expect(styled.record.extra["style"] == reference.path && styled.record.extra["styleScale"] == "1.0")
        #expect(styled.usedExtras.isSuperset(of: ["style", "style_scale"]))

        #expect { try generator.generate(Self.job(["style_scale": .double(1)])) { _, _ in true } }
            throws: { "\($0)".contains("style scale needs a style reference") }
        #expect(styled.record.extra["styleGuidance"] == "0.0")

        // Style guidance: one more pass without the reference; recorded, replayed by `generate --from`, refused without
        // a reference or below 0; the adapter config's `guidance` is the default.
        let guided = try generator.generate(Self.job(["style": .string(reference.path), "style_guidance": .double(2)])) { _, _ in true }
        #expect(guided.image != styled.image && guided.record.extra["styleGuidance"] == "2.0")
        #expect(guided.usedExtras.contains("style_guidance"))
        #expect(try ZImageEngineTests.regenerated(guided) == guided.image)
        #expect { try generator.generate(Self.job(["style_guidance": .double(1)])) { _, _ in true } }
            throws: { "\($0)".contains("style guidance needs a style reference") }
        #expect { try generator.generate(Self.job(["style": .string(reference.path), "style_guidance": .double(-1)])) { _, _ in true } }
            throws: { "\($0)".contains("style guidance must be a number ≥ 0") }
        let configURL = StyleAdapter.folder(in: folder).appendingPathComponent("config.json")
        var config = try StyleAdapterConfig.load(contentsOf: configURL)
        config.guidance = 2
        try JSONEncoder().encode(config).write(to: configURL)
        let byDefault = try ZImageGenerator(folder: folder, dtype: .float32, device: .cpu)
            .generate(Self.job(["style": .string(reference.path)])) { _, _ in true }
        #expect(byDefault.image == guided.image && byDefault.record.extra["styleGuidance"] == "2.0")
        // A record from before style guidance (a style, no styleGuidance) replays with none, whatever the adapter's default.
        var older = styled
        older.record.extra["styleGuidance"] = nil
        #expect(try ZImageEngineTests.regenerated(older) == styled.image)
        // Scale 0 is still exactly no adapter: style guidance has nothing to push from and runs no extra pass.
        let offByDefault = try ZImageGenerator(folder: folder, dtype: .float32, device: .cpu)
            .generate(Self.job(["style": .string(reference.path), "style_scale": .double(0)])) { _, _ in true }
        #expect(offByDefault.image == plain.image)
        let noAdapter = try ZImageGenerator(folder: URL(fileURLWithPath: tinyZImageFolder), dtype: .float32, device: .cpu)
        #expect { try noAdapter.generate(Self.job(["style": .string(reference.path)])) { _, _ in true } }
            throws: { "\($0)".contains("style adapter") }
    }
}

/// Guidance with a style reference: the negative branch is evaluated without the reference (as IP-Adapter's empty
/// image embeddings), so guidance pushes towards the style instead of cancelling it.
@Suite(.serialized)
struct GuidedStyleTests {
    @Test func theNegativeHalfOfAGuidedEvaluationHasNoStyle() throws {
        let folder = try StyleExtrasTests.modelWithAdapter()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let pipeline = try ZImagePipeline.load(folder: folder)
        let adapter = try #require(pipeline.styleAdapter)
        var pixels = [UInt8](repeating: 255, count: 32 * 32 * 4)
        for p in 0..<(32 * 8) { (pixels[4 * p], pixels[4 * p + 1], pixels[4 * p + 2]) = (30, 60, 220) }
        let style = try adapter.conditioning(tokens: adapter.tokens(reference: RGBAImage(width: 32, height: 32, pixels: pixels),
                                                                    vae: pipeline.vae), scale: 1)
        let caption = try pipeline.encode(prompts: ["coupon popup"])[0]
        let latent = try Tensor.randn([pipeline.vae.config.latentChannels, 1, 4, 4], generator: Generator(seed: 4))
        func run(_ count: Int, _ style: ZImageStyleConditioning?) throws -> [Tensor] {
            try pipeline.transformer.forward(latents: Array(repeating: latent, count: count),
                                             timesteps: Tensor.full([count], 0.3), captions: Array(repeating: caption, count: count),
                                             style: style)
        }
        let styled = try run(1, style)[0], plain = try run(1, nil)[0]
        #expect(try (styled - plain).abs().max().item() > 1e-3, "the adapter must change the output for this to test anything")
        let pair = try run(2, style.onlyFirst(1))
        #expect(try (pair[0] - styled).abs().max().item() < 1e-5)
        #expect(try (pair[1] - plain).abs().max().item() < 1e-5)
    }
}
