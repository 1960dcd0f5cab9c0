import Foundation
import SafeTensors
import SceneForgeTorch
import Testing
@testable import SceneForgeModels

/// Parity with diffusers' AutoencoderKL on the tiny Z-Image VAE (Tests/Fixtures/zimage/pipeline/vae, bf16 weights,
/// references in float32 from scripts/reference/make_zimage_fixtures.py and make_vae_tiled_fixture.py).
@Suite("AutoencoderKL")
struct AutoencoderKLTests {
    static let folder = Fixtures.url("zimage/pipeline/vae")
    typealias P = ComponentParity

    func loadTiny() throws -> AutoencoderKL { try AutoencoderKL.load(folder: Self.folder, dtype: .float32) }

    // MARK: - Configuration

    @Test func readsTheFixtureConfig() throws {
        let config = try AutoencoderKLConfig.load(contentsOf: Self.folder.appendingPathComponent("config.json"))
        #expect(config.blockOutChannels == [8, 16, 32, 32])
        #expect(config.layersPerBlock == 1)
        #expect(config.latentChannels == 16)
        #expect(config.normNumGroups == 4)
        #expect(config.sampleSize == 64)
        #expect(config.scalingFactor == 0.3611)
        #expect(config.shiftFactor == 0.1159)
        #expect(!config.useQuantConv && !config.usePostQuantConv && config.midBlockAddAttention)
        #expect(config.scaleFactor == 8)
    }

    @Test(arguments: [
        (#"{"block_out_channels": "wide"}"#, "block_out_channels"),
        (#"{"act_fn": "gelu"}"#, "act_fn"),
        (#"{"block_out_channels": [32, 48], "norm_num_groups": 32}"#, "block_out_channels"),
        (#"{"block_out_channels": [32, 64], "down_block_types": ["DownEncoderBlock2D"]}"#, "down_block_types"),
        (#"{"up_block_types": ["UpDecoderBlock2D", "AttnUpDecoderBlock2D"], "block_out_channels": [32, 32]}"#, "up_block_types"),
        (#"{"latent_channels": 0}"#, "latent_channels"),
        (#"{"scaling_factor": 0}"#, "scaling_factor"),
        (#"{"sample_size": []}"#, "sample_size"),
    ])
    func refusesBadConfigsNamingTheField(json: String, field: String) throws {
        let message = P.message { _ = try ModelConfigFile.decode(AutoencoderKLConfig.self, from: Data(json.utf8), file: "vae/config.json") }
        let text = try #require(message)
        #expect(text.contains("vae/config.json") && text.contains("'\(field)'"), "\(text)")
    }

    @Test func acceptsASampleSizePair() throws {
        let config = try ModelConfigFile.decode(AutoencoderKLConfig.self, from: Data(#"{"sample_size": [512, 768]}"#.utf8), file: "c")
        #expect(config.sampleSize == 512)
    }

    // MARK: - Parity

    @Test(arguments: ["encode", "encode_b2"])
    func encodeMatchesDiffusers(_ name: String) throws {
        let cases = try P.Cases("zimage/vae/cases.safetensors")
        let (mean, logvar) = try loadTiny().encode(cases("\(name).image"))
        try P.expectClose(mean, cases("\(name).mean"), "\(name) mean")
        try P.expectClose(logvar, cases("\(name).logvar"), "\(name) logvar")
    }

    @Test(arguments: ["decode_mean", "decode_b2"])
    func decodeMatchesDiffusers(_ name: String) throws {
        let cases = try P.Cases("zimage/vae/cases.safetensors")
        let image = try loadTiny().decode(cases("\(name).latent"))
        try P.expectClose(image, cases("\(name).image"), name)
    }

    /// The pipeline's conversions: latents are `(mean - shift) * scale`, decoded as `decode(z / scale + shift)`.
    @Test func pipelineConversionsApplyScalingAndShift() throws {
        let cases = try P.Cases("zimage/vae/cases.safetensors")
        let vae = try loadTiny()
        let latents = try vae.imageToLatents(cases("encode.image"))
        try P.expectClose(latents, (cases("encode.mean") - 0.1159) * 0.3611, "imageToLatents")
        let image = try vae.latentsToImage((cases("decode_b2.latent") - 0.1159) * 0.3611)
        try P.expectClose(image, cases("decode_b2.image"), "latentsToImage")
    }

    @Test func refusesInputsOfTheWrongShape() throws {
        let vae = try loadTiny()
        let wrongChannels = P.message { _ = try vae.encode(Tensor.zeros([1, 4, 16, 16])) }
        #expect(wrongChannels?.contains("[batch, 3, height, width]") == true, "\(wrongChannels ?? "no error")")
        let wrongRank = P.message { _ = try vae.decode(Tensor.zeros([16, 4, 4])) }
        #expect(wrongRank?.contains("[batch, 16, height, width]") == true, "\(wrongRank ?? "no error")")
    }

    /// The other AutoencoderKL family (Tests/Fixtures/vae/sd_style): quant_conv and post_quant_conv, no mid-block
    /// attention, 4 latent channels, no shift_factor, and image sides that are not multiples of the scale factor.
    @Test func sdStyleVAEMatchesDiffusers() throws {
        let vae = try AutoencoderKL.load(folder: Fixtures.url("vae/sd_style/vae"))
        #expect(vae.config.useQuantConv && vae.config.usePostQuantConv && !vae.config.midBlockAddAttention)
        #expect(vae.config.shiftFactor == nil && vae.config.latentChannels == 4 && vae.config.scaleFactor == 2)
        let cases = try P.Cases("vae/sd_style/cases.safetensors")
        let (mean, logvar) = try vae.encode(cases("encode.image"))
        try P.expectClose(mean, cases("encode.mean"), "sd-style mean")
        try P.expectClose(logvar, cases("encode.logvar"), "sd-style logvar")
        try P.expectClose(vae.decode(cases("decode.latent")), cases("decode.image"), "sd-style decode")
        // No shift factor: the conversions only scale.
        try P.expectClose(vae.latentsToImage(cases("decode.latent") * 0.18215), cases("decode.image"), "sd-style latentsToImage")
        try P.expectClose(vae.imageToLatents(cases("encode.image")), cases("encode.mean") * 0.18215, "sd-style imageToLatents")
    }

    // MARK: - Tiled decoding

    /// diffusers' tiled_decode on a 10x14 latent with 8-cell tiles: 2 x 3 tiles, partial ones at the edges.
    @Test func tiledDecodeMatchesDiffusers() throws {
        let cases = try P.Cases("zimage/vae/tiled.safetensors")
        let vae = try loadTiny()
        let tiling = VAETiling.diffusersDefault(for: vae.config)
        #expect(tiling == VAETiling(tileLatentSize: 8, overlapFactor: 0.25))
        let tiled = try vae.decode(cases("latent"), tiling: tiling)
        try P.expectClose(tiled, cases("tiled_image"), "tiled decode")
    }

    /// The seams: tiled vs whole decode, measured here and by the reference script (tiled.json). The tiny
    /// random VAE's GroupNorm statistics differ a lot between tiles, so the seams are large (max ≈ 1.5 on an
    /// image of max ≈ 5); the bound is that we reproduce diffusers' own seams, not that they are small.
    @Test func tiledDecodeSeamsAreDiffusersSeams() throws {
        let cases = try P.Cases("zimage/vae/tiled.safetensors")
        let vae = try loadTiny()
        let latent = try cases("latent")
        let difference = try (vae.decode(latent, tiling: VAETiling(tileLatentSize: 8)) - vae.decode(latent)).abs()
        let maxSeam = try difference.max().item(), meanSeam = try difference.mean().item()
        let data = try Data(contentsOf: Fixtures.url("zimage/vae/tiled.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let reference = try #require(json["difference_from_whole_decode"] as? [String: Double])
        let referenceMax = try #require(reference["max_abs"]), referenceMean = try #require(reference["mean_abs"])
        let imageMax = try #require(reference["max_abs_whole_image"])
        print("VAE tiled vs whole decode (80x112 px, 8-cell tiles): max abs \(maxSeam), mean abs \(meanSeam); diffusers: \(referenceMax), \(referenceMean)")
        #expect(abs(maxSeam - referenceMax) <= 1e-4 * imageMax)
        #expect(abs(meanSeam - referenceMean) <= 1e-4 * imageMax)
        #expect(maxSeam > 0)   // the tiles really were decoded separately
    }

    @Test func tilingIsSkippedWhenOneTileCoversTheLatents() throws {
        let cases = try P.Cases("zimage/vae/cases.safetensors")
        let vae = try loadTiny()
        let latent = try cases("decode_b2.latent")   // 4 x 6 cells
        let whole = try vae.decode(latent)
        let tiled = try vae.decode(latent, tiling: VAETiling(tileLatentSize: 6))
        #expect(try P.relativeError(tiled, whole) == 0)
        // Forced tiling with tiles larger than the latent is one tile: the same image.
        #expect(try P.relativeError(vae.tiledDecode(latent, tiling: VAETiling(tileLatentSize: 8)), whole) == 0)
    }

    @Test(arguments: [VAETiling(tileLatentSize: 0), VAETiling(tileLatentSize: 1, overlapFactor: 0.25),
                      VAETiling(tileLatentSize: 8, overlapFactor: 1), VAETiling(tileLatentSize: 8, overlapFactor: -0.5)])
    func refusesTilingsWithoutAStep(_ tiling: VAETiling) throws {
        let vae = try loadTiny()
        let message = P.message { _ = try vae.tiledDecode(Tensor.zeros([1, 16, 4, 4]), tiling: tiling) }
        #expect(message?.contains("tiling") == true, "\(message ?? "no error")")
    }

    // MARK: - Loading

    @Test func loadsAShardedCheckpoint() throws {
        let folder = try P.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("config.json"), to: folder.appendingPathComponent("config.json"))
        let checkpoint = try SafeTensorsCheckpoint(url: Self.folder)
        var weightMap: [String: String] = [:]
        for (shard, isEncoder) in [("diffusion_pytorch_model-00001-of-00002.safetensors", true),
                                   ("diffusion_pytorch_model-00002-of-00002.safetensors", false)] {
            try P.rewrite(checkpoint, to: folder.appendingPathComponent(shard)) { $0.hasPrefix("encoder.") == isEncoder ? $0 : nil }
            for name in checkpoint.names where name.hasPrefix("encoder.") == isEncoder { weightMap[name] = shard }
        }
        let index = try JSONSerialization.data(withJSONObject: ["metadata": [String: String](), "weight_map": weightMap])
        try index.write(to: folder.appendingPathComponent("diffusion_pytorch_model.safetensors.index.json"))

        let cases = try P.Cases("zimage/vae/cases.safetensors")
        let image = try AutoencoderKL.load(folder: folder).decode(cases("decode_b2.latent"))
        try P.expectClose(image, cases("decode_b2.image"), "decode from shards")
    }

    @Test func reportsMissingUnexpectedAndMisshapenKeysByName() throws {
        let checkpoint = try SafeTensorsCheckpoint(url: Self.folder)
        func loadError(rename: @escaping (String) -> String?, extra: [String: [Int]] = [:]) throws -> String? {
            let folder = try P.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("config.json"), to: folder.appendingPathComponent("config.json"))
            try P.rewrite(checkpoint, to: folder.appendingPathComponent("diffusion_pytorch_model.safetensors"), rename: rename, extra: extra)
            return P.message { _ = try AutoencoderKL.load(folder: folder) }
        }
        let missing = try #require(try loadError(rename: { $0 == "decoder.mid_block.attentions.0.to_k.bias" ? nil : $0 }))
        #expect(missing.contains("missing key 'decoder.mid_block.attentions.0.to_k.bias'"), "\(missing)")

        let unexpected = try #require(try loadError(rename: { $0 }, extra: ["post_quant_conv.weight": [16, 16, 1, 1]]))
        #expect(unexpected.contains("unexpected") && unexpected.contains("'post_quant_conv.weight'"), "\(unexpected)")

        let misshapen = try #require(try loadError(rename: { $0 == "encoder.conv_out.bias" ? nil : $0 },
                                                   extra: ["encoder.conv_out.bias": [16]]))
        #expect(misshapen.contains("'encoder.conv_out.bias' has shape [16], the model expects [32]"), "\(misshapen)")
    }

    @Test func reportsABrokenConfigByFileAndField() throws {
        let folder = try P.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(#"{"block_out_channels": [8, 16], "layers_per_block": "two"}"#.utf8).write(to: folder.appendingPathComponent("config.json"))
        let message = try #require(P.message { _ = try AutoencoderKL.load(folder: folder) })
        #expect(message.contains(folder.appendingPathComponent("config.json").path) && message.contains("'layers_per_block'"), "\(message)")
        let noConfig = try #require(P.message { _ = try AutoencoderKL.load(folder: folder.appendingPathComponent("absent")) })
        #expect(noConfig.contains("absent/config.json"), "\(noConfig)")
    }

    // MARK: - Full size

    /// The published FLUX.1 VAE instantiated on the meta device has exactly diffusers' parameter names and shapes.
    @Test func fullSizeParametersMatchDiffusers() throws {
        let (expected, configData) = try P.fullSize("vae")
        let config = try ModelConfigFile.decode(AutoencoderKLConfig.self, from: configData, file: "full_size_keys.json vae.config")
        #expect(config == AutoencoderKLConfig.flux)
        let weights = try Weights(source: .meta)
        _ = try AutoencoderKL(config: config, weights: weights)
        let actual = Dictionary(uniqueKeysWithValues: weights.parameters.map { ($0.name, $0.tensor.shape) })
        #expect(actual.count == expected.count)
        #expect(Set(actual.keys).subtracting(expected.keys).sorted() == [], "names diffusers does not have")
        #expect(Set(expected.keys).subtracting(actual.keys).sorted() == [], "names the model lacks")
        #expect(actual.filter { expected[$0.key] != $0.value }.keys.sorted() == [], "shapes that differ")
        #expect(actual.values.reduce(0) { $0 + $1.reduce(1, *) } == 83_819_683)
    }
}
