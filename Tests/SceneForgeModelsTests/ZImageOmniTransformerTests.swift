import Foundation
import SceneForgeTorch
import Testing
@testable import SceneForgeModels

/// Omni-mode parity of the Swift Z-Image transformer with diffusers 0.42.1 (Tests/Fixtures/zimage_omni/transformer,
/// written by scripts/reference/make_zimage_omni_fixtures.py): clean reference latents, SigLIP grids and a noisy target.
@Suite struct ZImageOmniTransformerTests {
    struct Sample: Decodable {
        let condition_latents: [[Int]]
        let siglip_grids: [[Int]]?
        let caption_lengths: [Int]
    }
    struct Case: Decodable {
        let name: String
        let samples: [Sample]
    }
    private struct Document: Decodable { let cases: [Case] }

    static let modelFolder = Fixtures.url("zimage_omni/pipeline/transformer")

    @Test(arguments: ["one_ref", "batch2_two_refs", "text_only"])
    func outputsMatchDiffusers(caseName: String) throws {
        let data = try Data(contentsOf: Fixtures.url("zimage_omni/transformer/cases.json"))
        let c = try #require(try JSONDecoder().decode(Document.self, from: data).cases.first { $0.name == caseName })
        let tensors = try ComponentParity.Cases("zimage_omni/transformer/cases.safetensors")
        let samples = try c.samples.enumerated().map { i, s in
            ZImageOmniSample(
                images: try (0...s.condition_latents.count).map { try tensors("\(c.name).\(i).x.\($0)") },
                captionSegments: try s.caption_lengths.indices.map { try tensors("\(c.name).\(i).cap.\($0)") },
                siglip: try s.siglip_grids.map { grids in try grids.indices.map { try tensors("\(c.name).\(i).siglip.\($0)") } })
        }
        let model = try ZImageTransformer.load(folder: Self.modelFolder)
        let outputs = try withNoGrad { try model.forwardOmni(samples, timesteps: try tensors("\(c.name).t")) }
        #expect(outputs.count == c.samples.count)
        for (i, output) in outputs.enumerated() {
            try ComponentParity.expectClose(output, try tensors("\(c.name).\(i).out"), "omni transformer \(c.name) sample \(i)")
        }
    }

    @Test func siglipFeaturesOnATextToImageTransformerAreRefused() throws {
        let model = try ZImageTransformer.load(folder: Fixtures.url("zimage/pipeline/transformer"))
        let sample = ZImageOmniSample(images: [try Tensor.zeros([16, 1, 4, 4]), try Tensor.zeros([16, 1, 4, 4])],
                                      captionSegments: Array(repeating: try Tensor.zeros([3, 32]), count: 3),
                                      siglip: [try Tensor.zeros([2, 2, 8])])
        let message = ComponentParity.message { _ = try model.forwardOmni([sample], timesteps: try Tensor.zeros([1])) }
        #expect(message?.contains("siglip_feat_dim") == true, "\(message ?? "no error")")
    }
}
