import Foundation
import SceneForgeTorch
import Testing
@testable import SceneForgeModels

/// The published Z-Image Turbo transformer, instantiated on the meta device (shapes only, no storage), has
/// exactly the parameter names and shapes of diffusers' meta-device `state_dict()` in full_size_keys.json.
@Suite struct FullSizeKeysTests {
    private struct Reference {
        let config: Data
        let count: Int
        let numel: Int
        let parameters: [String: [Int]]

        init() throws {
            let data = try Data(contentsOf: Fixtures.url("zimage/full_size_keys.json"))
            let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let section = try #require(root["transformer"] as? [String: Any])
            config = try JSONSerialization.data(withJSONObject: try #require(section["config"]))
            count = try #require(section["count"] as? Int)
            numel = try #require(section["numel"] as? Int)
            let shapes = try #require(section["parameters"] as? [String: [Int]])
            parameters = shapes
        }
    }

    @Test func publishedConfigIsTheTurboPreset() throws {
        let reference = try Reference()
        let decoded = try ZImageTransformerConfig.decode(reference.config, source: "full_size_keys.json transformer.config")
        #expect(decoded == ZImageTransformerConfig.zImageTurbo)
    }

    @Test func metaInstantiationHasTheCheckpointKeysAndShapes() throws {
        let reference = try Reference()
        _ = try Tensor.zeros([1], device: .meta)  // load libtorch before measuring memory
        let residentBefore = try residentBytes()
        let weights = try Weights(source: .meta)
        _ = try ZImageTransformer(weights, config: .zImageTurbo)

        let created = weights.parameters
        var shapes: [String: [Int]] = [:]
        for (name, tensor) in created { shapes[name] = tensor.shape }
        #expect(created.count == reference.count, "created \(created.count) parameters, diffusers has \(reference.count)")
        #expect(shapes.count == created.count, "some parameter name was created twice")
        let missing = Set(reference.parameters.keys).subtracting(shapes.keys).sorted()
        let extra = Set(shapes.keys).subtracting(reference.parameters.keys).sorted()
        #expect(missing.isEmpty, "not created: \(missing.prefix(10))")
        #expect(extra.isEmpty, "not in diffusers: \(extra.prefix(10))")
        for (name, shape) in reference.parameters where shapes[name] != nil && shapes[name] != shape {
            Issue.record("\(name): created \(shapes[name] ?? []), diffusers has \(shape)")
        }
        #expect(created.map { $0.tensor.elementCount }.reduce(0, +) == reference.numel)
        // Meta tensors have no storage: nothing of the 6.2 B parameters (24.6 GB in float32) is allocated.
        #expect(created.allSatisfy { $0.tensor.device == .meta })
        // Generous bound: other suites run concurrently in this process; a real allocation would be 12-25 GB.
        let growth = try residentBytes() - residentBefore
        #expect(growth < 1 << 30, "resident memory grew by \(growth >> 20) MiB")
    }

    /// This process's resident memory, from /proc/self/statm (pages).
    private func residentBytes() throws -> Int {
        let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
        let pages = try #require(statm.count > 1 ? Int(statm[1]) : nil)
        return pages * 4096
    }
}
