import SceneForgeTorch
import Testing
@testable import SceneForgeModels

/// The branches of a guided step: their order, what each evaluates, and how their velocities combine.
struct GuidanceBranchesTests {
    @Test func branchesCombineAsGuidanceAndStyleGuidance() throws {
        let both = GuidanceBranches(batch: 2, negative: true, unstyled: true)
        #expect(both.order == [.prompt, .negative, .unstyled] && both.count == 3)
        #expect(both.repeated(["a", "b"]) == ["a", "b", "a", "b", "a", "b"])
        let (p, n) = (try Tensor.full([1], 1), try Tensor.full([1], 2))
        let captions = try both.captions(positive: [[p], [p]], negative: [[n], [n]]).map { try $0[0].item() }
        #expect(captions == [1, 1, 2, 2, 1, 1])
        let weights = try #require(try both.weights(zeroing: .negative, device: .cpu))
        #expect(weights.shape == [6, 1, 1])
        #expect(try weights.floats() == [1, 1, 0, 0, 1, 1])
        #expect(try GuidanceBranches(batch: 1, negative: false, unstyled: true).weights(zeroing: .negative, device: .cpu) == nil)

        // Sample 1: prompt v = 3, negative 1, unstyled 2 → 3 + g·(3 − 1) + s·(3 − 2).
        let outputs = try [0.5, 3, 0.5, 1, 0.5, 2].map { try Tensor.full([1, 2], $0) }
        let v = try both.velocity(outputs, sample: 1, guidance: 2, styleGuidance: 4, normalization: 0)
        #expect(try v.floats() == [11, 11])
        // The cap: |v| at most 1.5 × |prompt|.
        let capped = try both.velocity(outputs, sample: 1, guidance: 2, styleGuidance: 4, normalization: 1.5)
        #expect(try abs(capped.floats()[0] - 4.5) < 1e-5)
        let single = GuidanceBranches(batch: 2, negative: false, unstyled: false)
        #expect(try single.velocity(outputs, sample: 1, guidance: 2, styleGuidance: 4, normalization: 1).floats() == [3, 3])
    }
}
