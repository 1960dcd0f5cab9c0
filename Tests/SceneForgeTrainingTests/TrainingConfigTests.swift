import Foundation
import SceneForgeScenes
import SceneForgeSynth
import Testing
@testable import SceneForgeTraining

/// Configuration files: TOML and JSON read to the same values; bad input is refused with the field named.
struct TrainingConfigTests {
    func error(_ text: String, _ format: TrainingConfig.Format = .toml) -> TrainingConfigError? {
        #expect(throws: TrainingConfigError.self) { try TrainingConfig.parse(text, format: format, file: "train.toml") }
        do { _ = try TrainingConfig.parse(text, format: format, file: "train.toml") } catch let e as TrainingConfigError { return e } catch {}
        return nil
    }

    @Test func tomlAndJSONGiveTheSameConfig() throws {
        let toml = """
        batch_size = 8
        seed = 3
        dtype = "bfloat16"
        [vae]
        steps = 10
        block_out_channels = [16, 32, 32]
        norm_num_groups = 8
        latent_channels = 32
        [transformer]
        dim = 96
        heads = 4
        axes_dims = [8, 8, 8]
        [data]
        width = 48
        height = 96
        """
        let json = """
        {"batch_size": 8, "seed": 3, "dtype": "bfloat16",
         "vae": {"steps": 10, "block_out_channels": [16, 32, 32], "norm_num_groups": 8, "latent_channels": 32},
         "transformer": {"dim": 96, "heads": 4, "axes_dims": [8, 8, 8]}, "data": {"width": 48, "height": 96}}
        """
        let a = try TrainingConfig.parse(toml, format: .toml, file: "a.toml")
        let b = try TrainingConfig.parse(json, format: .json, file: "b.json")
        #expect(a == b)
        #expect(a.batchSize == 8 && a.vae.blockOutChannels == [16, 32, 32] && a.vae.latentChannels == 32 && a.transformer.dim == 96 && a.data.width == 48)
        #expect(a.transformer.steps == TrainingConfig().transformer.steps)
    }

    /// The configs the docs tell people to run (configs/ and the embedded model's stages) all read and validate, so a
    /// renamed or retyped option cannot leave one of them behind.
    @Test func committedConfigsRead() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folders = ["configs", "configs/embedded", "configs/embedded-large"].map { root.appendingPathComponent($0) }
        let files = try folders.flatMap { folder in
            try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).filter { $0.pathExtension == "toml" }
        }
        #expect(files.count >= 24, "\(files.map(\.lastPathComponent))")
        for file in files { _ = try TrainingConfig.load(contentsOf: file) }
        let stage11 = try TrainingConfig.load(contentsOf: root.appendingPathComponent("configs/embedded/11-controlnet-per-screen.toml"))
        #expect(stage11.controlnet.emphasisPerScreen == 1 && stage11.controlnet.anomalyWeight == 20)
        // train-small.toml spells out the defaults (docs/training.md points there), apart from its sample previews.
        var spelledOut = try TrainingConfig.load(contentsOf: root.appendingPathComponent("configs/train-small.toml"))
        #expect(spelledOut.sampleInterval == 500)
        spelledOut.sampleInterval = TrainingConfig().sampleInterval
        #expect(spelledOut == TrainingConfig())
    }

    /// `train`'s adapter-only path is for a config whose only stage is the adapter; one that also trains a ControlNet
    /// must not skip it.
    @Test func adapterOnlyMeansNoOtherStage() {
        var config = TrainingConfig()
        (config.vae.steps, config.transformer.steps, config.styleAdapter.steps) = (0, 0, 10)
        #expect(config.keepsBase && config.trainsStyleAdapterOnly)
        config.controlnet.steps = 10
        #expect(config.keepsBase && !config.trainsStyleAdapterOnly)
        config.controlnet.steps = 0
        config.transformer.steps = 1
        #expect(!config.keepsBase && !config.trainsStyleAdapterOnly)
    }

    @Test func malformedConfigsNameTheField() {
        #expect(error("batch_size = 0")?.field == "batch_size")
        #expect(error("bach_size = 4")?.field == "bach_size")
        #expect(error("[transformer]\ndimm = 4")?.field == "transformer.dimm")
        #expect(error("[transformer]\ndim = \"big\"")?.field == "transformer.dim")
        #expect(error("[transformer]\naxes_dims = [4, 4, 4]")?.problem.contains("must sum to") == true)
        #expect(error("[data]\nwidth = 40")?.field == "data.width")
        #expect(error("dtype = \"float64\"")?.field == "dtype")
        #expect(error("device = \"tpu\"")?.field == "device")
        #expect(error("ema_decay = 1.5")?.field == "ema_decay")
        #expect(error("[vae]\nblock_out_channels = [8, 12]\nnorm_num_groups = 8")?.field == "vae.block_out_channels")
        #expect(error("vae = 3")?.field == "vae")
        #expect(error("[controlnet]\nanomaly_weight = -1")?.field == "controlnet.anomaly_weight")
        #expect(error("[controlnet]\ncolour_weight = -2")?.field == "controlnet.colour_weight")
        #expect(error("[controlnet]\nemphasis_per_screen = 2")?.field == "controlnet.emphasis_per_screen")
        #expect(error("[controlnet]\nemphasis_lifts_only = true")?.field == "controlnet.emphasis_lifts_only")
        #expect((try? TrainingConfig.parse("[controlnet]\nemphasis_per_screen = 1\nemphasis_lifts_only = true", format: .toml,
                                           file: "train.toml"))?.controlnet.emphasisLiftsOnly == true)
        #expect(error("[transformer]\ncolour_weight = -1")?.field == "transformer.colour_weight")
        #expect(error("[data]\nneutral_captions = 1.5")?.field == "data.neutral_captions")
        #expect(error("[vae]\ncrop = 12")?.field == "vae.crop")
        #expect(error("[vae]\nlatent_channels = 0")?.field == "vae.latent_channels")
        #expect(error("[vae]\ndecoder_only = true")?.field == "vae.decoder_only")   // no init_from
        #expect(error("[vae]\ndecoder_only = 1")?.field == "vae.decoder_only")          // not a multiple of the scale factor 8
        #expect(error("[vae]\ncrop = 128")?.field == "vae.crop")         // wider than the 64-pixel images
        #expect(error("[vae\nsteps = 3")?.problem.contains("not valid TOML") == true)
        #expect(error("[1, 2]", .json)?.problem.contains("not a JSON object") == true)
    }

    /// `data.neutral_captions` drops the style description from that share of captions and leaves the screens as they were.
    @Test func neutralCaptionsDropTheStyleFromSomeCaptionsOnly() throws {
        #expect(try TrainingConfig.parse("[data]\nneutral_captions = 0.25", format: .toml, file: "t.toml").data.neutralCaptions == 0.25)
        let catalog = try SceneCatalog.builtIn()
        let styled = try TrainingData.screens(catalog: catalog, count: 40, width: 32, height: 64, jitter: 0.02, seed: 4)
        let mixed = try TrainingData.screens(catalog: catalog, count: 40, width: 32, height: 64, jitter: 0.02, seed: 4, neutralCaptions: 0.5)
        var neutral = 0
        for (a, b) in zip(styled.samples, mixed.samples) {
            #expect(try a.image.floats() == b.image.floats())
            if a.prompt != b.prompt {
                neutral += 1
                #expect(a.prompt.hasSuffix(b.prompt) && a.prompt.count > b.prompt.count, "\(b.prompt) is not \(a.prompt) without its style")
            }
        }
        #expect((8...32).contains(neutral), "\(neutral) of 40 captions are neutral at a share of 0.5")
    }

    @Test func stylesListChoosesAndWeighsTheScreensStyles() throws {
        let text = "[data]\nwidth = 32\nheight = 64\nsamples = 51\nstyles = [\"coffee-navy\", \"coffee-navy\", \"pay-green\"]"
        let config = try TrainingConfig.parse(text, format: .toml, file: "t.toml")
        #expect(config.data.styles == ["coffee-navy", "coffee-navy", "pay-green"])
        let data = try TrainingData.make(config, catalog: try SceneCatalog.builtIn())
        let styles = try ["coffee-navy", "pay-green"].map(AppStyle.named)
        let counts = styles.map { style in data.samples.filter { $0.prompt.hasPrefix(style.resembles) }.count }
        // 17 layouts per round: rounds 0 and 1 navy, round 2 green.
        #expect(counts == [34, 17], "\(counts)")
        #expect(error("[data]\nstyles = [\"coffee-nav\"]")?.field == "data.styles")
        #expect(error("[data]\nstyles = [3]")?.field == "data.styles")
    }

    @Test func layoutsListChoosesAndWeighsTheScreensLayouts() throws {
        let text = "[data]\nwidth = 32\nheight = 64\nsamples = 9\nlayouts = [\"toast\", \"duplicate_items\", \"toast\"]"
        let config = try TrainingConfig.parse(text, format: .toml, file: "t.toml")
        #expect(config.data.layouts == ["toast", "duplicate_items", "toast"])
        let catalog = try SceneCatalog.builtIn()
        let data = try TrainingData.make(config, catalog: catalog)
        #expect(data.samples.map(\.layoutID) == Array(repeating: ["toast", "duplicate_items", "toast"], count: 3).flatMap { $0 })
        // The same list for the layout-only source.
        var layoutsOnly = config
        layoutsOnly.data.source = "layouts"
        #expect(try TrainingData.make(layoutsOnly, catalog: catalog).samples.map(\.layoutID).prefix(3) == ["toast", "duplicate_items", "toast"])
        // Without the list every layout comes once a round, as before.
        let plain = try TrainingData.make(TrainingConfig.parse("[data]\nwidth = 32\nheight = 64\nsamples = 17", format: .toml, file: "t.toml"),
                                          catalog: catalog)
        #expect(plain.samples.map(\.layoutID) == catalog.layouts.map(\.id))
        let refused = error("[data]\nlayouts = [\"toastt\"]")
        #expect(refused?.field == "data.layouts")
        #expect(refused?.description.contains("toastt") == true)
        #expect(error("[data]\nlayouts = [3]")?.field == "data.layouts")
    }

    @Test func missingFileIsAClearError() {
        let url = URL(fileURLWithPath: "/nonexistent/train.toml")
        let error = #expect(throws: TrainingConfigError.self) { try TrainingConfig.load(contentsOf: url) }
        #expect(error?.description.contains("/nonexistent/train.toml") == true)
    }
}
