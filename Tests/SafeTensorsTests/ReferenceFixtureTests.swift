import Foundation
import Testing

@testable import SafeTensors

/// Files written by Python's safetensors / huggingface_hub, compared element by element with the
/// bit patterns the reference script took from the torch tensors.
@Suite struct ReferenceFixtureTests {
    @Test(arguments: ["f32", "f16", "bf16", "i64"])
    func singleFileMatchesPythonReference(stem: String) throws {
        let folder = fixturesFolder()
        let expected = try decodeJSON(ExpectedFile.self, from: folder.appendingPathComponent("\(stem).expected.json"))
        let file = try SafeTensorsFile(url: folder.appendingPathComponent("\(stem).safetensors"))
        try expectFile(file, matches: expected)
    }

    @Test func shardedCheckpointMatchesPythonReference() throws {
        let folder = fixturesFolder().appendingPathComponent("sharded")
        let expected = try decodeJSON(
            ExpectedShardedCheckpoint.self, from: folder.appendingPathComponent("expected.json"))
        #expect(expected.shards.count == 2)

        for entry in [folder, folder.appendingPathComponent("model.safetensors.index.json")] {
            let checkpoint = try SafeTensorsCheckpoint(url: entry)
            let allNames = expected.shards.values.flatMap { $0.tensors.map(\.name) }
            #expect(checkpoint.names == allNames.sorted())
            #expect(checkpoint.files.count == 2)
            for (shardName, shardExpected) in expected.shards {
                let shard = try #require(checkpoint.file(containing: shardExpected.tensors[0].name))
                #expect(shard.url.lastPathComponent == shardName)
                try expectFile(shard, matches: shardExpected)
                for tensor in shardExpected.tensors {
                    #expect(checkpoint.info(tensor.name) == shard.info(tensor.name))
                    let bits = try checkpoint.withBytes(of: tensor.name) {
                        unsignedElements($0, width: SafeTensorsDType(rawValue: tensor.dtype)?.byteSize ?? 1)
                    }
                    #expect(bits == tensor.bits, "\(tensor.name)")
                }
            }
        }
    }

    @Test func singleFileOpensAsCheckpoint() throws {
        let url = fixturesFolder().appendingPathComponent("i64.safetensors")
        let checkpoint = try SafeTensorsCheckpoint(url: url)
        let file = try SafeTensorsFile(url: url)
        #expect(checkpoint.names == file.names.sorted())
        #expect(checkpoint.file(containing: "ids")?.url == url)
        #expect(checkpoint.file(containing: "nope") == nil)
        #expect(throws: SafeTensorsError.self) { try checkpoint.withBytes(of: "nope") { _ in () } }
    }

    private func expectFile(_ file: SafeTensorsFile, matches expected: ExpectedFile) throws {
        #expect(file.metadata == expected.metadata)
        #expect(file.names == expected.tensors.map(\.name))
        for tensor in expected.tensors {
            let info = try #require(file.info(tensor.name))
            #expect(info.dtype.rawValue == tensor.dtype)
            #expect(info.shape == tensor.shape)
            #expect(info.dataRange == tensor.data_offsets[0]..<tensor.data_offsets[1])
            #expect(info.elementCount == tensor.bits.count)
            let bits = try file.withBytes(of: tensor.name) { unsignedElements($0, width: info.dtype.byteSize) }
            #expect(bits == tensor.bits, "\(tensor.name)")
        }
    }
}
