import Foundation
import SceneForgeImaging
import SceneForgeTorch
import Testing
@testable import SceneForgeModels

/// SigLIP2 (transformers 5.24 `Siglip2VisionModel` / `Siglip2ImageProcessor`) against
/// Tests/Fixtures/zimage_omni/siglip, written by scripts/reference/make_zimage_omni_fixtures.py.
@Suite struct ZImageOmniSiglipTests {
    static let folder = Fixtures.url("zimage_omni/pipeline")

    @Test(arguments: [("reference_png", 6, 8), ("grid3x7", 3, 7)])
    func visionTowerMatchesTransformers(name: String, gh: Int, gw: Int) throws {
        let cases = try ComponentParity.Cases("zimage_omni/siglip/cases.safetensors")
        let model = try Siglip2VisionModel.load(folder: Self.folder.appendingPathComponent("siglip"))
        let out = try withNoGrad { try model(pixels: try cases("\(name).pixel_values"), grid: (gh, gw)) }
        try ComponentParity.expectClose(out, try cases("\(name).last_hidden_state"), "siglip \(name)")
    }

    /// The processor's grid is exact; its pixels are within one 8-bit level (2/255 after normalisation to [-1, 1])
    /// of the reference's fixed-point uint8 resize.
    @Test func processorMatchesTransformers() throws {
        let processor = try Siglip2ImageProcessor.load(
            contentsOf: Self.folder.appendingPathComponent("siglip_processor/preprocessor_config.json"))
        let png = try PNGDecoder.decode(Array(try Data(contentsOf: Fixtures.url("zimage_omni/pipeline_outputs/reference.png"))))
        let (pixels, grid) = try processor(png)
        #expect(grid.h == 6 && grid.w == 8)
        let expected = try ComponentParity.Cases("zimage_omni/siglip/cases.safetensors")("processor.pixel_values")
        #expect(pixels.shape == expected.shape)
        let worst = try (pixels - expected).abs().max().item()
        let mean = try (pixels - expected).abs().mean().item()
        print("siglip processor: max abs diff \(worst), mean \(mean)")
        #expect(worst <= 2.0 / 255 + 1e-6)
        #expect(mean <= 0.5 / 255)
    }

    /// Expected values printed by transformers' `get_image_size_for_max_num_patches` (scripts/reference run by hand).
    @Test(arguments: [(72, 88, 4, 48, 24, 32), (768, 1024, 16, 256, 224, 288), (2340, 1080, 16, 1024, 736, 352)])
    func targetSizeFollowsTheBinarySearch(h: Int, w: Int, patch: Int, maxPatches: Int, eh: Int, ew: Int) {
        let size = Siglip2ImageProcessor.targetSize(height: h, width: w, patchSize: patch, maxNumPatches: maxPatches)
        #expect(size.height == eh && size.width == ew)
    }

    @Test func uncheckedKeysAreErrors() throws {
        let message = ComponentParity.message { _ = try Siglip2VisionModel.load(folder: Fixtures.url("zimage/pipeline/vae")) }
        #expect(message != nil)
    }
}
