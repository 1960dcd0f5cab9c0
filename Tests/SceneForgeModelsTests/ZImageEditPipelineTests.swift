import Foundation
import SafeTensors
import SceneForgeImaging
import SceneForgeModels
import SceneForgeTorch
import Testing

/// The tiny pipeline (Tests/Fixtures/zimage/pipeline) with ControlNets, img2img and inpainting against diffusers'
/// ZImageControlNetPipeline, ZImageImg2ImgPipeline, ZImageInpaintPipeline and ZImageControlNetInpaintPipeline
/// run on the same noise (Tests/Fixtures/zimage_control/pipeline_outputs, made by
/// scripts/reference/make_zimage_control_fixtures.py): every step's latents and the final PNG.
struct ZImageEditPipelineTests {
    static let outputs = Fixtures.url("zimage_control/pipeline_outputs")
    static let prompt = "美团外卖店铺页面，优惠券弹窗遮挡下单按钮"
    static let (width, height, steps) = (64, 96, 4)

    static func png(_ name: String) throws -> RGBAImage {
        try PNGFile.read(contentsOf: outputs.appendingPathComponent(name))
    }

    func pipeline() throws -> ZImagePipeline { try ZImagePipeline.load(folder: Fixtures.url("zimage/pipeline")) }

    func controlNet(_ path: String, for pipeline: ZImagePipeline) throws -> ZImageControlNet {
        try ZImageControlNet.load(Fixtures.url("zimage_control/\(path)"), transformer: pipeline.transformer.config)
    }

    func request() throws -> TextToImageRequest {
        var request = TextToImageRequest(prompts: [Self.prompt])
        (request.width, request.height, request.steps) = (Self.width, Self.height, Self.steps)
        let file = try SafeTensorsFile(url: Self.outputs.appendingPathComponent("outputs.safetensors"))
        request.latents = try Tensor.load("noise", from: file, dtype: .float32)
        return request
    }

    /// Runs `request` and checks every step against `<name>.stepK.latents` and the image against `<name>.png`.
    func expectMatches(_ pipeline: ZImagePipeline, _ request: TextToImageRequest, name: String, steps: Int) throws {
        let file = try SafeTensorsFile(url: Self.outputs.appendingPathComponent("outputs.safetensors"))
        var seen = 0
        let latents = try pipeline.denoise(request) { step, current in
            try ComponentParity.expectClose(current, Tensor.load("\(name).step\(step.index).latents", from: file),
                                            "\(name) step \(step.index)")
            seen += 1
            return true
        }
        #expect(seen == steps, "\(name): \(seen) steps, the reference ran \(steps)")
        let ours = try ZImagePipeline.rgbaImage(pipeline.decode(latents: latents).squeeze(0))
        let theirs = try Self.png("\(name).png")
        #expect(ours.width == theirs.width && ours.height == theirs.height)
        let worst = zip(ours.pixels, theirs.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 255
        #expect(worst <= 2, "\(name): a pixel differs by \(worst)/255")
    }

    @Test func controlNetV1WithGuidanceMatchesDiffusers() throws {
        let pipeline = try pipeline()
        var request = try request()
        (request.guidance, request.negativePrompts) = (2, ["blurry, low quality"])
        request.control = try ControlGuidance(controlNet: controlNet("controlnet_v1", for: pipeline),
                                              image: ZImagePipeline.imageTensor(Self.png("control.png")), scale: 0.75)
        try expectMatches(pipeline, request, name: "controlnet_v1_cfg", steps: 4)
    }

    @Test func controlNetV2MatchesDiffusers() throws {
        let pipeline = try pipeline()
        var request = try request()
        request.control = try ControlGuidance(controlNet: controlNet("controlnet_v2.safetensors", for: pipeline),
                                              image: ZImagePipeline.imageTensor(Self.png("control.png")), scale: 0.75)
        try expectMatches(pipeline, request, name: "controlnet_v2", steps: 4)
    }

    @Test func imageToImageMatchesDiffusers() throws {
        let pipeline = try pipeline()
        var request = try request()
        request.edit = ImageEdit(image: try ZImagePipeline.imageTensor(Self.png("init.png")), strength: 0.6)
        try expectMatches(pipeline, request, name: "img2img", steps: 3)
    }

    @Test func inpaintingMatchesDiffusers() throws {
        let pipeline = try pipeline()
        var request = try request()
        request.edit = ImageEdit(image: try ZImagePipeline.imageTensor(Self.png("init.png")), strength: 0.8,
                                 mask: try ZImagePipeline.maskTensor(Self.png("mask.png")))
        try expectMatches(pipeline, request, name: "inpaint", steps: 4)
    }

    @Test func controlNetInpaintingMatchesDiffusers() throws {
        let pipeline = try pipeline()
        var request = try request()
        var control = try ControlGuidance(controlNet: controlNet("controlnet_v2.safetensors", for: pipeline),
                                          image: ZImagePipeline.imageTensor(Self.png("control.png")), scale: 0.75)
        control.inpaint = (try ZImagePipeline.imageTensor(Self.png("init.png")), try ZImagePipeline.maskTensor(Self.png("mask.png")))
        request.control = control
        try expectMatches(pipeline, request, name: "controlnet_inpaint", steps: 4)
    }

    /// Hints limited to the first half of the run change exactly the steps after it relative to full control.
    @Test func controlRangeLimitsTheStepsThatGetHints() throws {
        let pipeline = try pipeline()
        var request = try request()
        var control = try ControlGuidance(controlNet: controlNet("controlnet_v1", for: pipeline),
                                          image: ZImagePipeline.imageTensor(Self.png("control.png")), scale: 0.75)
        #expect((0..<4).map { control.applies(atStep: $0, of: 4) } == [true, true, true, true])
        (control.start, control.end) = (0, 0.5)
        #expect((0..<4).map { control.applies(atStep: $0, of: 4) } == [true, true, false, false])
        request.control = control
        var limited: [[Float]] = []
        _ = try pipeline.denoise(request) { _, x in limited.append(try x.floats()); return true }
        request.control?.end = 1
        var full: [[Float]] = []
        _ = try pipeline.denoise(request) { _, x in full.append(try x.floats()); return true }
        #expect(limited[0] == full[0] && limited[1] == full[1])
        #expect(limited[2] != full[2])
    }

    @Test func badEditsGiveClearErrors() throws {
        let pipeline = try pipeline()
        var request = try request()
        let image = try ZImagePipeline.imageTensor(Self.png("init.png"))
        request.edit = ImageEdit(image: image, strength: 1.5)
        #expect { try pipeline.denoise(request) } throws: { "\($0)".contains("strength must be in [0, 1]") }
        request.edit = ImageEdit(image: image, strength: 0)
        #expect { try pipeline.denoise(request) } throws: { "\($0)".contains("leaves no step") }
        request.edit = ImageEdit(image: try Tensor.zeros([1, 3, 32, 32]), strength: 0.5)
        #expect { try pipeline.denoise(request) } throws: { "\($0)".contains("source image has shape") }
        request.edit = ImageEdit(image: image, strength: 0.5, mask: try Tensor.zeros([1, 1, 8, 8]))
        #expect { try pipeline.denoise(request) } throws: { "\($0)".contains("mask has shape") }
        request.edit = nil
        var control = try ControlGuidance(controlNet: controlNet("controlnet_v1", for: pipeline), image: image)
        control.inpaint = (image, try ZImagePipeline.maskTensor(Self.png("mask.png")))
        request.control = control
        #expect { try pipeline.denoise(request) } throws: { "\($0)".contains("needs a v2.x ControlNet") }
    }
}
