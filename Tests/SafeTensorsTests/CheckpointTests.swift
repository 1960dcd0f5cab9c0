import Foundation
import Testing

@testable import SafeTensors

/// Sharded-checkpoint errors and folder resolution, on copies of the reference sharded fixture.
@Suite struct CheckpointTests {
    private let shard1 = "model-00001-of-00002.safetensors"
    private let shard2 = "model-00002-of-00002.safetensors"
    private let indexName = "model.safetensors.index.json"

    private func copyOfShardedFixture() throws -> URL {
        let folder = try makeTemporaryFolder()
        let source = fixturesFolder().appendingPathComponent("sharded")
        for name in [shard1, shard2, indexName] {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        return folder
    }

    private func rewriteIndex(in folder: URL, _ edit: (inout [String: Any]) -> Void) throws {
        let url = folder.appendingPathComponent(indexName)
        var index = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&index)
        try JSONSerialization.data(withJSONObject: index).write(to: url)
    }

    @Test func missingShardIsNamed() throws {
        let folder = try copyOfShardedFixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent(shard2))
        let error = try #require(throws: SafeTensorsError.self) { try SafeTensorsCheckpoint(url: folder) }
        #expect(error.file == folder.appendingPathComponent(indexName).path)
        #expect(error.problem.contains(shard2) && error.problem.contains("missing"), "\(error)")
    }

    @Test func tensorClaimedByIndexButAbsentFromShardIsNamed() throws {
        let folder = try copyOfShardedFixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        try rewriteIndex(in: folder) { index in
            var weightMap = index["weight_map"] as? [String: String] ?? [:]
            weightMap["model.ghost.weight"] = shard1
            index["weight_map"] = weightMap
        }
        let error = try #require(throws: SafeTensorsError.self) { try SafeTensorsCheckpoint(url: folder) }
        #expect(error.problem.contains("model.ghost.weight") && error.problem.contains(shard1), "\(error)")
        #expect(error.problem.contains("does not contain"))
    }

    @Test func tensorMappedToTheWrongShardIsNamed() throws {
        let folder = try copyOfShardedFixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        try rewriteIndex(in: folder) { index in
            var weightMap = index["weight_map"] as? [String: String] ?? [:]
            weightMap["model.norm.weight"] = shard1  // it lives in shard 2
            index["weight_map"] = weightMap
        }
        let error = try #require(throws: SafeTensorsError.self) { try SafeTensorsCheckpoint(url: folder) }
        #expect(error.problem.contains("model.norm.weight") && error.problem.contains(shard1), "\(error)")
    }

    @Test func malformedIndexesAreRejected() throws {
        let folder = try copyOfShardedFixture()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(indexName)
        let cases: [(String, String)] = [
            ("{", "not valid JSON"),
            ("[]", "not a JSON object"),
            (#"{"metadata":{}}"#, "no 'weight_map'"),
            (#"{"weight_map":[]}"#, "'weight_map' is not an object"),
            (#"{"weight_map":{"a":3}}"#, "not a shard file name"),
            (#"{"weight_map":{"a":"../x.safetensors"}}"#, "outside"),
            (#"{"weight_map":{"a":"s.safetensors","a":"t.safetensors"}}"#, "duplicate key 'a'"),
        ]
        for (text, keyword) in cases {
            try Data(text.utf8).write(to: url)
            let error = try #require(throws: SafeTensorsError.self) { try SafeTensorsCheckpoint(url: url) }
            #expect(error.file == url.path)
            #expect(error.problem.contains(keyword), "\(error)")
        }
    }

    @Test func folderResolution() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = try #require(throws: SafeTensorsError.self) { try SafeTensorsCheckpoint(url: folder) }
        #expect(empty.problem.contains("no .safetensors"))

        var writer = SafeTensorsWriter()
        try writer.add(name: "w", dtype: .U8, shape: [1], values: [UInt8(9)])
        try writer.write(to: folder.appendingPathComponent("unet.fp16.safetensors"))
        #expect(try SafeTensorsCheckpoint(url: folder).names == ["w"])  // the only file

        try writer.write(to: folder.appendingPathComponent("other.safetensors"))
        let ambiguous = try #require(throws: SafeTensorsError.self) { try SafeTensorsCheckpoint(url: folder) }
        #expect(ambiguous.problem.contains("several"))

        // diffusers' default name wins over the others.
        var diffusers = SafeTensorsWriter()
        try diffusers.add(name: "d", dtype: .U8, shape: [1], values: [UInt8(1)])
        try diffusers.write(to: folder.appendingPathComponent("diffusion_pytorch_model.safetensors"))
        let checkpoint = try SafeTensorsCheckpoint(url: folder)
        #expect(checkpoint.names == ["d"])
        #expect(checkpoint.url.lastPathComponent == "diffusion_pytorch_model.safetensors")

        let missing = folder.appendingPathComponent("nope")
        let error = try #require(throws: SafeTensorsError.self) { try SafeTensorsCheckpoint(url: missing) }
        #expect(error.problem.contains("no such file"))
    }
}
