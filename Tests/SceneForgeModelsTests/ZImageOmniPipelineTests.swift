import Foundation
import SceneForgeImaging
import SceneForgeTorch
import Testing
@testable import SceneForgeModels

/// The whole Z-Image-Edit / Omni run (diffusers 0.42.1 ZImageOmniPipeline) on the tiny fixture:
/// Tests/Fixtures/zimage_omni/pipeline_outputs, written by scripts/reference/make_zimage_omni_fixtures.py.
@Suite(.serialized) struct ZImageOmniPipelineTests {
    static let folder = Fixtures.url("zimage_omni/pipeline")
    static let outputs = "zimage_omni/pipeline_outputs/"
    static let prompt = "Add a coupon popup over the order button"

    static func reference() throws -> RGBAImage {
        try PNGDecoder.decode(Array(try Data(contentsOf: Fixtures.url(outputs + "reference.png"))))
    }

    @Test func promptSegmentsAndReferenceConditioningMatch() throws {
        let pipeline = try ZImagePipeline.load(folder: Self.folder)
        let omni = try #require(pipeline.omni)
        let cases = try ComponentParity.Cases(Self.outputs + "outputs.safetensors")
        let segments = try pipeline.encodeOmni(prompts: [Self.prompt], images: 1, maxSequenceLength: 512)[0]
        #expect(segments.count == 3)
        for (j, segment) in segments.enumerated() {
            try ComponentParity.expectClose(segment, try cases("prompt_segments.\(j)"), "omni prompt segment \(j)")
        }
        let conditioning = try withNoGrad { try pipeline.referenceConditioning([try Self.reference()], omni: omni) }
        try ComponentParity.expectClose(conditioning.latents[0], try cases("condition_latents.0"), "omni condition latents")
        // SigLIP sees the Swift processor's pixels (within one 8-bit level of the reference's), hence the looser bound.
        try ComponentParity.expectClose(conditioning.siglip[0], try cases("siglip_embeds.0"), tolerance: 2e-2,
                                        "omni siglip embeds (Swift-preprocessed)")
    }

    @Test(arguments: [("turbo_cfg0", 0.0, nil), ("cfg1_5_negative", 1.5, "blurry")] as [(String, Double, String?)])
    func runMatchesDiffusers(run: String, guidance: Double, negative: String?) throws {
        let pipeline = try ZImagePipeline.load(folder: Self.folder)
        let cases = try ComponentParity.Cases(Self.outputs + "outputs.safetensors")
        var request = TextToImageRequest(prompts: [Self.prompt])
        request.width = 80
        request.height = 64
        request.steps = 3
        request.guidance = guidance
        request.negativePrompts = negative.map { [$0] }
        request.latents = try cases("latents")
        request.references = [try Self.reference()]
        var steps: [Tensor] = []
        let latents = try pipeline.denoise(request) { _, latents in
            steps.append(try latents.clone())
            return true
        }
        #expect(steps.count == 3)
        for (i, step) in steps.enumerated() {
            try ComponentParity.expectClose(step, try cases("\(run).step\(i).latents"), tolerance: 1e-4, "omni \(run) step \(i)")
        }
        let image = try ZImagePipeline.rgbaImage(pipeline.decode(latents: latents).squeeze(0))
        let expected = try PNGDecoder.decode(Array(try Data(contentsOf: Fixtures.url(Self.outputs + "\(run).png"))))
        #expect(image.width == expected.width && image.height == expected.height)
        let worst = zip(image.pixels, expected.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 255
        print("omni \(run): PNG max channel difference \(worst)/255")
        #expect(worst <= 2, "\(run): PNG differs by up to \(worst)/255")
    }
}

/// Missing pieces are errors that name them.
@Suite struct ZImageOmniErrorTests {
    /// A copy of the Omni fixture without `name` (symlinked components resolved to real copies).
    static func omniFolder(without name: String) throws -> URL {
        let folder = try ComponentParity.temporaryFolder()
        let source = Fixtures.url("zimage_omni/pipeline")
        for item in ["model_index.json", "scheduler", "tokenizer", "text_encoder", "transformer", "vae", "siglip",
                     "siglip_processor"] where item != name {
            try FileManager.default.copyItem(at: source.appendingPathComponent(item).resolvingSymlinksInPath(),
                                             to: folder.appendingPathComponent(item))
        }
        return folder
    }

    @Test(arguments: ["siglip", "siglip_processor"])
    func omniFolderWithoutSiglipIsRefusedByName(missing: String) throws {
        let folder = try Self.omniFolder(without: missing)
        defer { try? FileManager.default.removeItem(at: folder) }
        let message = ComponentParity.message { _ = try ZImagePipeline.load(folder: folder) }
        #expect(message?.contains("'\(missing)'") == true && message?.contains(folder.path) == true, "\(message ?? "no error")")
    }

    @Test func referenceImagesOnATextToImageModelAreRefused() throws {
        let pipeline = try ZImagePipeline.load(folder: Fixtures.url("zimage/pipeline"))
        var request = TextToImageRequest(prompts: ["a toast"])
        request.width = 64
        request.height = 64
        request.steps = 1
        request.references = [try RGBAImage(width: 64, height: 64, fill: (10, 20, 30, 255))]
        let message = ComponentParity.message { _ = try pipeline.denoise(request) }
        #expect(message?.contains("reference images need a Z-Image-Edit/Omni model") == true, "\(message ?? "no error")")
    }
}
