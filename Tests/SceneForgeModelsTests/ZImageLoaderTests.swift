import Foundation
import SafeTensors
import SceneForgeTorch
import Testing
@testable import SceneForgeModels

/// Loading the transformer from a diffusers folder: damaged checkpoints and configs give errors naming the
/// key or field, and a sharded checkpoint loads the same model as the single file.
@Suite struct ZImageLoaderTests {
    private struct Entry {
        var name: String
        var dtype: SafeTensorsDType
        var shape: [Int]
        var bytes: [UInt8]
    }

    /// The tiny fixture's tensors, raw.
    private func fixtureEntries() throws -> [Entry] {
        let file = try SafeTensorsFile(url: ZImageTransformerFixture.modelFolder
            .appendingPathComponent("diffusion_pytorch_model.safetensors"))
        return try file.names.map { name in
            let info = try #require(file.info(name))
            let bytes = try file.withBytes(of: name) { Array($0) }
            return Entry(name: name, dtype: info.dtype, shape: info.shape, bytes: bytes)
        }
    }

    /// A fresh folder holding the fixture's config.json and `entries` split over `shards` files
    /// (with an index when more than one).
    private func writeFolder(_ entries: [Entry], shards: Int = 1, config: Data? = nil) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zimage-loader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configData = try config ?? Data(contentsOf: ZImageTransformerFixture.modelFolder.appendingPathComponent("config.json"))
        try configData.write(to: folder.appendingPathComponent("config.json"))
        if shards == 1 {
            var writer = SafeTensorsWriter()
            for e in entries { try writer.add(name: e.name, dtype: e.dtype, shape: e.shape, bytes: e.bytes) }
            try writer.write(to: folder.appendingPathComponent("diffusion_pytorch_model.safetensors"))
            return folder
        }
        var weightMap: [String: String] = [:]
        for shard in 0..<shards {
            let fileName = String(format: "diffusion_pytorch_model-%05d-of-%05d.safetensors", shard + 1, shards)
            var writer = SafeTensorsWriter()
            for (i, e) in entries.enumerated() where i % shards == shard {
                try writer.add(name: e.name, dtype: e.dtype, shape: e.shape, bytes: e.bytes)
                weightMap[e.name] = fileName
            }
            try writer.write(to: folder.appendingPathComponent(fileName))
        }
        let index = try JSONSerialization.data(withJSONObject: ["metadata": [:] as [String: String], "weight_map": weightMap])
        try index.write(to: folder.appendingPathComponent("diffusion_pytorch_model.safetensors.index.json"))
        return folder
    }

    private func loadError(_ folder: URL) -> String {
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try ZImageTransformer.load(folder: folder, dtype: .float32, device: .cpu)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func missingKeyIsNamed() throws {
        let entries = try fixtureEntries().filter { $0.name != "cap_pad_token" }
        let message = loadError(try writeFolder(entries))
        #expect(message.contains("missing key 'cap_pad_token'"), "\(message)")
        #expect(message.contains("diffusion_pytorch_model.safetensors"), "\(message)")
    }

    @Test func wronglyShapedKeyIsNamed() throws {
        var entries = try fixtureEntries()
        let i = try #require(entries.firstIndex { $0.name == "layers.1.feed_forward.w2.weight" })
        entries[i].shape = entries[i].shape.reversed()
        let message = loadError(try writeFolder(entries))
        #expect(message.contains("'layers.1.feed_forward.w2.weight' has shape [170, 64], the model expects [64, 170]"),
                "\(message)")
    }

    @Test func unexpectedKeyIsNamed() throws {
        var entries = try fixtureEntries()
        var extra = try #require(entries.first { $0.name == "layers.1.attention.to_q.weight" })
        extra.name = "layers.2.attention.to_q.weight"
        entries.append(extra)
        let message = loadError(try writeFolder(entries))
        #expect(message.contains("unexpected key(s)") && message.contains("'layers.2.attention.to_q.weight'"), "\(message)")
    }

    @Test func shardedCheckpointLoadsTheSameModel() throws {
        let folder = try writeFolder(try fixtureEntries(), shards: 3)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sharded = try ZImageTransformer.load(folder: folder, dtype: .float32, device: .cpu)
        let single = try ZImageTransformerFixture.model()
        let fixture = try ZImageTransformerFixture()
        let (latents, timesteps, captions) = try fixture.inputs(try fixture.case("b1_10x14_cap13_imagepad"))
        let a = try sharded(latents: latents, timesteps: timesteps, captions: captions)
        let b = try single(latents: latents, timesteps: timesteps, captions: captions)
        #expect(try ZImageTransformerFixture.relativeError(a[0], b[0]) == 0)
    }

    @Test func bfloat16LoadKeepsTheStoredValues() throws {
        // The fixture weights are bfloat16: loading in bfloat16 must hand out exactly the float32 values.
        let half = try ZImageTransformer.load(folder: ZImageTransformerFixture.modelFolder, dtype: .bfloat16, device: .cpu)
        let full = try ZImageTransformerFixture.model()
        #expect(half.xPadToken.dtype == .bfloat16)
        #expect(try half.layers[1].feedForward.w2.weight.floats() == full.layers[1].feedForward.w2.weight.floats())
    }

    // MARK: - config.json

    private func configError(_ json: String) -> String {
        do {
            _ = try ZImageTransformerConfig.decode(Data(json.utf8), source: "transformer/config.json")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func fixtureConfigDecodes() throws {
        let config = try ZImageTransformerConfig.load(
            contentsOf: ZImageTransformerFixture.modelFolder.appendingPathComponent("config.json"))
        #expect(config.dim == 64 && config.nLayers == 2 && config.nRefinerLayers == 2 && config.nHeads == 4)
        #expect(config.axesDims == [4, 6, 6] && config.axesLens == [160, 40, 40] && config.capFeatDim == 32)
        #expect(config.headDim == 16 && config.feedForwardDim == 170 && config.adalnDim == 64)
    }

    @Test func missingKeysTakeDiffusersDefaults() throws {
        let config = try ZImageTransformerConfig.decode(Data(#"{"_class_name": "ZImageTransformer2DModel"}"#.utf8))
        #expect(config == ZImageTransformerConfig())
        #expect(config.dim == 3840 && config.axesLens == [1024, 512, 512] && config.feedForwardDim == 10240)
    }

    @Test func badConfigValuesNameFileAndField() {
        #expect(configError(#"{"dim": "wide"}"#).contains("transformer/config.json: field 'dim'"))
        #expect(configError(#"{"axes_dims": [32, 48]}"#).contains("'axes_dims' [32, 48] and 'axes_lens'"))
        #expect(configError(#"{"n_heads": 7}"#).contains("transformer/config.json: field 'dim' (3840) must be a multiple of 'n_heads' (7)"))
        #expect(configError(#"{"axes_dims": [32, 48, 40]}"#).contains("must sum to the head dimension"))
        #expect(configError(#"{"siglip_feat_dim": 0}"#).contains("'siglip_feat_dim' must be positive"))
        #expect(configError(#"{"norm_eps": 0}"#).contains("'norm_eps'"))
        #expect(configError("{").contains("transformer/config.json: not valid JSON"))
    }

    @Test func missingConfigFileIsNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zimage-noconfig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let message = loadError(folder)
        #expect(message.contains("config.json") && message.contains("cannot read"), "\(message)")
    }
}
