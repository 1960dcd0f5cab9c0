import Foundation
import SafeTensors
import SceneForgeImaging
import SceneForgeModels
import SceneForgeTorch
import Testing

/// The whole tiny Z-Image pipeline folder (diffusers layout) against diffusers' ZImagePipeline run on
/// the same prompts and initial latents (Tests/Fixtures/zimage/pipeline_outputs, made by
/// scripts/reference/make_zimage_fixtures.py).
struct ZImagePipelineTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/zimage")
    static let prompts = ["A food delivery app page with a coupon popup over the order button", "美团外卖店铺页面，优惠券弹窗遮挡下单按钮"]
    static let negatives = ["blurry, low quality", "模糊，低质量"]

    func relativeError(_ a: Tensor, _ b: Tensor) throws -> Float {
        let x = try a.floats(), y = try b.floats()
        let scale = max(y.map(abs).max() ?? 1, 1e-12)
        return zip(x, y).map { abs($0 - $1) }.max().map { $0 / scale } ?? .infinity
    }

    func run(_ name: String, guidance: Double) throws {
        let pipeline = try ZImagePipeline.load(folder: Self.fixtures.appendingPathComponent("pipeline"))
        let outputs = try SafeTensorsFile(url: Self.fixtures.appendingPathComponent("pipeline_outputs/outputs.safetensors"))
        var request = TextToImageRequest(prompts: Self.prompts)
        request.negativePrompts = guidance > 0 ? Self.negatives : nil
        (request.width, request.height, request.steps, request.guidance) = (96, 64, 4, guidance)
        request.latents = try Tensor.load("latents", from: outputs)

        // Prompt embeddings first: a mismatch there would explain everything below.
        for (i, caption) in try pipeline.encode(prompts: Self.prompts).enumerated() {
            #expect(try relativeError(caption, Tensor.load("prompt_embeds.\(i)", from: outputs)) <= 1e-4, "prompt \(i)")
        }
        var stepsSeen = 0
        let latents = try pipeline.denoise(request) { step, current in
            let expected = try Tensor.load("\(name).step\(step.index).latents", from: outputs)
            #expect(try relativeError(current, expected) <= 1e-4, "\(name) step \(step.index)")
            stepsSeen += 1
            return true
        }
        #expect(stepsSeen == 4)
        #expect(try relativeError(latents, Tensor.load("\(name).final_latents", from: outputs)) <= 1e-4)

        let images = try pipeline.decode(latents: latents)
        for i in 0..<2 {
            let ours = try ZImagePipeline.rgbaImage(images.narrow(dim: 0, start: i, length: 1).squeeze(0))
            let theirs = try PNGFile.read(contentsOf: Self.fixtures.appendingPathComponent("pipeline_outputs/\(name).\(i).png"))
            #expect(ours.width == theirs.width && ours.height == theirs.height)
            let worst = zip(ours.pixels, theirs.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 255
            #expect(worst <= 2, "\(name) image \(i): a pixel differs by \(worst)/255")
        }
    }

    @Test func turboWithoutGuidanceMatchesDiffusers() throws { try run("turbo_cfg0", guidance: 0) }

    @Test func guidanceWithNegativePromptsMatchesDiffusers() throws { try run("cfg2_negative", guidance: 2) }

    @Test func sameSeedSameImage() throws {
        let pipeline = try ZImagePipeline.load(folder: Self.fixtures.appendingPathComponent("pipeline"))
        var request = TextToImageRequest(prompts: ["toast: network unstable"])
        (request.width, request.height, request.steps, request.seed) = (32, 64, 2, 77)
        let a = try pipeline.generate(request), b = try pipeline.generate(request)
        request.seed = 78
        let c = try pipeline.generate(request)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func cancellingStopsBetweenSteps() throws {
        let pipeline = try ZImagePipeline.load(folder: Self.fixtures.appendingPathComponent("pipeline"))
        var request = TextToImageRequest(prompts: ["loading spinner stuck"])
        (request.width, request.height, request.steps) = (32, 32, 4)
        var seen = 0
        #expect(throws: GenerationCancelled.self) {
            _ = try pipeline.denoise(request) { _, _ in seen += 1; return seen < 2 }
        }
        #expect(seen == 2)
    }

    @Test func badRequestsAndFoldersGiveClearErrors() throws {
        let pipeline = try ZImagePipeline.load(folder: Self.fixtures.appendingPathComponent("pipeline"))
        var request = TextToImageRequest(prompts: ["x"])
        (request.width, request.height) = (30, 32)
        #expect { try pipeline.denoise(request) } throws: { "\($0)".contains("multiples of 16") }
        (request.width, request.steps) = (32, 0)
        #expect { try pipeline.denoise(request) } throws: { "\($0)".contains("steps") }
        request.steps = 1
        request.latents = try Tensor.zeros([1, 16, 3, 3])
        #expect { try pipeline.denoise(request) } throws: { "\($0)".contains("initial latents") }

        let partial = FileManager.default.temporaryDirectory.appendingPathComponent("sf-partial-\(UUID())")
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: partial) }
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("pipeline/model_index.json"),
                                         to: partial.appendingPathComponent("model_index.json"))
        #expect { try ZImagePipeline.load(folder: partial) } throws: { "\($0)".contains("'scheduler'") }
        #expect { try ZImagePipeline.load(folder: partial.appendingPathComponent("nowhere")) } throws: { "\($0)".contains("model_index.json") }
    }
}
