import Foundation
import SceneForgeEngine
import SceneForgeModels
import SceneForgeTorch
import Testing

struct LatentPreviewTests {
    /// A latent that is 1 in channel k and 0 elsewhere projects to (factors[k] + bias + 1) * 127.5 per pixel:
    /// the projection's definition, computed here in plain Swift from the published table.
    @Test func eachChannelProjectsThroughItsRowOfFactors() throws {
        let projection = LatentRGBProjection.fluxFamily
        #expect(projection.factors.count == 16 && projection.factors.allSatisfy { $0.count == 3 })
        for channel in [0, 5, 13, 15] {
            var values = [Float](repeating: 0, count: 16 * 2 * 3)
            for i in 0..<6 { values[channel * 6 + i] = 1 }
            let latents = try Tensor(values, shape: [1, 16, 2, 3])
            let image = try projection.image(from: latents)
            #expect(image.width == 3 && image.height == 2 && image.rgbBytes.count == 18 && image.isOpaque)
            let expected = (0..<3).map { c -> UInt8 in
                let v = ((projection.factors[channel][c] + projection.bias[c] + 1) * 127.5).rounded()
                return UInt8(max(0, min(255, v)))
            }
            for pixel in 0..<6 { #expect(Array(image.rgbBytes[pixel * 3..<pixel * 3 + 3]) == expected) }
        }
    }

    @Test func thumbnailsAreShrunkAndFullDecodesUpsampled() throws {
        let latents = try Tensor.randn([1, 16, 40, 20], generator: Generator(seed: 1))
        let thumbnail = try LatentRGBProjection.fluxFamily.image(from: latents, maxSide: 16)
        #expect(thumbnail.height == 16 && thumbnail.width == 8)
        let full = try LatentRGBProjection.fluxFamily.image(from: latents, scale: 8)
        #expect(full.height == 320 && full.width == 160)
        #expect(throws: EngineError.self) { try LatentRGBProjection.fluxFamily.image(from: try Tensor.zeros([1, 4, 8, 8])) }
    }

    @Test func theTestGeneratorEndsOnItsPromptTargetAndCanBeCancelled() throws {
        let generator = ScheduledNoiseGenerator(dtype: .float32, device: .cpu)
        let job = GenerationJob(id: "t", prompt: "network error page", width: 32, height: 16, steps: 5, seed: 3, outputPath: "/dev/null")
        var sigmas: [Float] = []
        let result = try generator.generate(job) { info, latents in
            sigmas.append(info.sigma)
            return latents.shape == [1, 16, 2, 4]
        }
        #expect(sigmas.count == 5 && sigmas.last == 0 && sigmas == sigmas.sorted(by: >))
        #expect(result.image.width == 32 && result.image.height == 16)
        // At sigma 0 the sample is the target: the same prompt with another seed gives the same image.
        var other = job
        other.seed = 99
        let again = try generator.generate(other) { _, _ in true }
        #expect(again.image == result.image)
        var steps = 0
        #expect(throws: GenerationCancelled.self) {
            _ = try generator.generate(job) { _, _ in steps += 1; return steps < 2 }
        }
        #expect(steps == 2)
    }
}
