import Foundation
import SceneForgeTorch
import Testing
@testable import SceneForgeModels

/// Parity of the Swift Z-Image transformer with diffusers 0.42.1 on the tiny fixture (float32 from bf16 weights).
@Suite struct ZImageTransformerTests {
    static let tolerance = 1e-4

    @Test(arguments: ZImageTransformerFixture.caseNames)
    func outputsMatchDiffusers(caseName: String) throws {
        let fixture = try ZImageTransformerFixture()
        let c = try fixture.case(caseName)
        let model = try ZImageTransformerFixture.model()
        let (latents, timesteps, captions) = try fixture.inputs(c)
        let outputs = try model(latents: latents, timesteps: timesteps, captions: captions)
        #expect(outputs.count == c.batch)
        for (i, output) in outputs.enumerated() {
            let expected = try fixture.tensor("\(c.name).out.\(i)")
            #expect(output.shape == expected.shape, "\(c.name) sample \(i): shape \(output.shape)")
            let error = try ZImageTransformerFixture.relativeError(output, expected)
            #expect(error <= Self.tolerance, "\(c.name) sample \(i): relative error \(error)")
        }
    }

    /// Every stored intermediate of the first case, so a mismatch points at the stage that introduced it.
    @Test func intermediatesMatchDiffusers() throws {
        let fixture = try ZImageTransformerFixture()
        let c = try fixture.case("b1_16x24_cap7")
        let model = try ZImageTransformerFixture.model()
        let (latents, timesteps, captions) = try fixture.inputs(c)
        var seen: [String: Tensor] = [:]
        _ = try model.forward(latents: latents, timesteps: timesteps, captions: captions) { module, value in
            seen[module] = value
        }
        let prefix = "\(c.name).hook."
        let hooks = c.tensors.keys.filter { $0.hasPrefix(prefix) }.sorted()
        #expect(hooks.count == 10)
        for hook in hooks {
            let module = String(hook.dropFirst(prefix.count))
            let actual = try #require(seen[module], "the Swift model reported no output for '\(module)'")
            let expected = try fixture.tensor(hook)
            #expect(actual.shape == expected.shape, "\(module): shape \(actual.shape) vs \(expected.shape)")
            let error = try ZImageTransformerFixture.relativeError(actual, expected)
            #expect(error <= Self.tolerance, "\(module): relative error \(error)")
        }
    }

    /// Position ids and pad masks of `patchify_and_embed` for every case and sample.
    @Test(arguments: ZImageTransformerFixture.caseNames)
    func positionsAndPadsMatchDiffusers(caseName: String) throws {
        let fixture = try ZImageTransformerFixture()
        let c = try fixture.case(caseName)
        for i in 0..<c.batch {
            let size = c.latent_sizes[i]
            let layout = ZImageSampleLayout(latentSize: (1, size[0], size[1]), patchSize: 2, framePatchSize: 1,
                                            captionLength: c.cap_lens[i])
            let xIDs = try fixture.tensor("\(c.name).x_pos_ids.\(i)").toArray(as: Int64.self)
            #expect(flatten(layout.imagePositions) == xIDs.map(Int.init), "\(c.name).\(i): image positions")
            // The reference appends (0,0,0) rows past the padded caption that are never read: compare the used ones.
            let capIDs = try fixture.tensor("\(c.name).cap_pos_ids.\(i)").toArray(as: Int64.self)
            let used = capIDs.prefix(3 * layout.paddedCaptionLength).map(Int.init)
            #expect(flatten(layout.captionPositions) == used, "\(c.name).\(i): caption positions")

            let xPads = try fixture.tensor("\(c.name).x_pad_mask.\(i)").floats()
            #expect(xPads.count == layout.paddedImageLength)
            #expect(xPads.firstIndex(of: 1) ?? xPads.count == layout.imageLength)
            let capPads = try fixture.tensor("\(c.name).cap_pad_mask.\(i)").floats()
            #expect(capPads.count == layout.paddedCaptionLength)
            #expect(capPads.firstIndex(of: 1) ?? capPads.count == layout.captionLength)
        }
    }

    private func flatten(_ positions: [ZImagePosition]) -> [Int] { positions.flatMap { [$0.f, $0.h, $0.w] } }

    /// Samples are independent: a batch of two whose sequences differ in length (captions 7 and 40 pad to
    /// 32 and 64 tokens, so the batch needs a key mask) gives each sample what it gives alone.
    @Test func batchedSamplesEqualSingleRuns() throws {
        let fixture = try ZImageTransformerFixture()
        let c = try fixture.case("b2_8x12_cap7_cap40_masked")
        let model = try ZImageTransformerFixture.model()
        let (latents, timesteps, captions) = try fixture.inputs(c)
        let batched = try model(latents: latents, timesteps: timesteps, captions: captions)
        for i in 0..<c.batch {
            let alone = try model(latents: [latents[i]], timesteps: timesteps.narrow(dim: 0, start: i, length: 1),
                                  captions: [captions[i]])
            let error = try ZImageTransformerFixture.relativeError(batched[i], alone[0])
            #expect(error <= 1e-5, "sample \(i): batched vs alone relative error \(error)")
        }
    }

    @Test func badInputsAreNamedErrors() throws {
        let model = try ZImageTransformerFixture.model()
        let latent = try Tensor.zeros([16, 1, 8, 12])
        let caption = try Tensor.zeros([7, 32])
        let t = try Tensor([Float(0.5)])
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch { return "\(error)" }
        }
        #expect(message { _ = try model(latents: [], timesteps: t, captions: []) }.contains("batch of 0"))
        #expect(message { _ = try model(latents: [latent], timesteps: t, captions: [caption, caption]) }
            .contains("1 latents but 2 captions"))
        #expect(message { _ = try model(latents: [latent], timesteps: try Tensor.zeros([2]), captions: [caption]) }
            .contains("timesteps have shape [2]"))
        #expect(message { _ = try model(latents: [try Tensor.zeros([4, 1, 8, 12])], timesteps: t, captions: [caption]) }
            .contains("in_channels"))
        #expect(message { _ = try model(latents: [try Tensor.zeros([16, 1, 7, 12])], timesteps: t, captions: [caption]) }
            .contains("multiples of 2"))
        #expect(message { _ = try model(latents: [latent], timesteps: t, captions: [try Tensor.zeros([7, 31])]) }
            .contains("cap_feat_dim"))
        #expect(message { _ = try model(latents: [latent], timesteps: t, captions: [try Tensor.zeros([0, 32])]) }
            .contains("length ≥ 1"))
        // The tiny config's axes_lens are [160, 40, 40]: 82 latent columns are 41 patches, one too many.
        #expect(message { _ = try model(latents: [try Tensor.zeros([16, 1, 8, 82])], timesteps: t, captions: [caption]) }
            .contains("axes_lens[2]"))
        #expect(message {
            _ = try model.forward(latents: [latent], timesteps: t, captions: [caption], patchSize: 4)
        }.contains("patch size 4-1"))
    }
}
