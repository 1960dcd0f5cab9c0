import Foundation
import SceneForgeImaging
import SceneForgeScenes
import SceneForgeSynth
import SceneForgeTorch
import Testing
@testable import SceneForgeModels

/// The latent fit's differentiable SSIM is the measure SceneForge reports: on a screen and a degraded copy, its mean
/// over the map equals `ImageMetrics.ssim` of the 8-bit images, and it is 1 for an image against itself.
struct LatentFitSSIMTests {
    @Test func differentiableSSIMAgreesWithTheReportedOne() throws {
        let layout = try #require(SceneCatalog.builtIn().layout(id: "toast"))
        let source = try ScreenRenderer(style: AppStyle.named("shop-red")).render(layout, seed: 2, width: 64, height: 128)
        // A degraded copy: every other column darkened, a band brightened.
        var pixels = source.pixels
        for p in 0..<(source.width * source.height) {
            for c in 0..<3 {
                let v = Int(pixels[4 * p + c])
                pixels[4 * p + c] = UInt8(p % 2 == 0 ? v * 3 / 4 : ((p / source.width) % 40 < 8 ? min(255, v + 40) : v))
            }
        }
        let degraded = try RGBAImage(width: source.width, height: source.height, pixels: pixels)
        let (a, b) = (try ZImagePipeline.imageTensor(source), try ZImagePipeline.imageTensor(degraded))
        let reported = try ImageMetrics.ssim(source, degraded)
        let differentiable = try SSIM.map(a, b).mean().item()
        #expect(reported < 0.95)
        #expect(abs(differentiable - reported) < 1e-3, "SSIM.map mean \(differentiable), ImageMetrics.ssim \(reported)")
        #expect(abs(try SSIM.map(a, a).mean().item() - 1) < 1e-6)
    }
}
