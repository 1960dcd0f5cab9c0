import Foundation
import SafeTensors
import SceneForgeTorch
@testable import SceneForgeModels

/// Tests/Fixtures/zimage/transformer: inputs, outputs and (first case) intermediates of diffusers'
/// ZImageTransformer2DModel on the tiny pipeline weights, written by scripts/reference/make_zimage_fixtures.py.
struct ZImageTransformerFixture {
    struct Case: Decodable {
        let name: String
        let batch: Int
        let t: [Double]
        let cap_lens: [Int]
        let latent_sizes: [[Int]]
        let tensors: [String: [Int]]
    }
    private struct Document: Decodable { let cases: [Case] }

    static let modelFolder = Fixtures.url("zimage/pipeline/transformer")
    static let caseNames = ["b1_16x24_cap7", "b2_8x12_cap7_cap13", "b2_8x12_cap7_cap40_masked",
                            "b1_10x14_cap13_imagepad", "b2_mixed_sizes"]

    let cases: [Case]
    let file: SafeTensorsFile

    init() throws {
        let data = try Data(contentsOf: Fixtures.url("zimage/transformer/cases.json"))
        cases = try JSONDecoder().decode(Document.self, from: data).cases
        file = try SafeTensorsFile(url: Fixtures.url("zimage/transformer/cases.safetensors"))
    }

    func `case`(_ name: String) throws -> Case {
        guard let found = cases.first(where: { $0.name == name }) else {
            throw ZImageError("cases.json has no case '\(name)'")
        }
        return found
    }

    func tensor(_ name: String) throws -> Tensor { try Tensor.load(name, from: file, dtype: .float32) }

    /// The model inputs of a case, as the pipeline would pass them.
    func inputs(_ c: Case) throws -> (latents: [Tensor], timesteps: Tensor, captions: [Tensor]) {
        let latents = try (0..<c.batch).map { try tensor("\(c.name).x.\($0)") }
        let captions = try (0..<c.batch).map { try tensor("\(c.name).cap_feats.\($0)") }
        return (latents, try tensor("\(c.name).t"), captions)
    }

    static func model() throws -> ZImageTransformer {
        try ZImageTransformer.load(folder: modelFolder, dtype: .float32, device: .cpu)
    }

    /// max |actual - expected| / max |expected| (the project's parity measure).
    static func relativeError(_ actual: Tensor, _ expected: Tensor) throws -> Double {
        let a = try actual.floats(), e = try expected.floats()
        guard a.count == e.count else { return .infinity }
        var worst = 0.0, scale = 0.0
        for (x, y) in zip(a, e) {
            if x.isNaN || y.isNaN { return .infinity }
            worst = max(worst, Double(abs(x - y)))
            scale = max(scale, Double(abs(y)))
        }
        return scale > 0 ? worst / scale : worst
    }
}
