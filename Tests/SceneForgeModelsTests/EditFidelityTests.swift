import Foundation
import SceneForgeImaging
import SceneForgeModels
import SceneForgeScenes
import SceneForgeSynth
import SceneForgeTorch
import Testing

/// Editing a screenshot only inside a layout's anomaly mask: with paste-back the pixels outside the mask are
/// the source's, byte for byte; without it the VAE round trip and the latent blend change them a little
/// (SSIM printed as a measurement). The source is a layout's segmentation rendering, a stand-in for a
/// flat-coloured app screenshot.
struct EditFidelityTests {
    static let (width, height) = (128, 256)

    /// Rows [from, to) of an image, for measuring a band that lies wholly outside the mask.
    static func rows(_ image: RGBAImage, _ from: Int, _ to: Int) throws -> RGBAImage {
        try RGBAImage(width: image.width, height: to - from, pixels: Array(image.pixels[(from * image.width * 4)..<(to * image.width * 4)]))
    }

    @Test func outsideTheMaskIsUnchangedWithPasteBack() throws {
        let catalog = try SceneCatalog.builtIn()
        let layout = try #require(catalog.layout(id: "centre_modal"))
        let rasterizer = try LayoutRasterizer(layout: layout, width: Self.width, height: Self.height)
        let source = try rasterizer.controlImage(style: .segmentation).rgba()
        let maskImage = try rasterizer.inpaintingMask().rgba()
        let region = PasteBack.region(of: maskImage)
        #expect(region.contains(true) && region.contains(false))

        let pipeline = try ZImagePipeline.load(folder: Fixtures.url("zimage/pipeline"))
        var request = TextToImageRequest(prompts: ["优惠券弹窗，领取按钮"])
        (request.width, request.height, request.steps, request.seed) = (Self.width, Self.height, 4, 11)
        request.edit = ImageEdit(image: try ZImagePipeline.imageTensor(source), strength: 1.0,
                                 mask: try ZImagePipeline.maskTensor(maskImage))
        let latents = try pipeline.denoise(request)
        let edited = try ZImagePipeline.rgbaImage(pipeline.decode(latents: latents).squeeze(0))
        // In latent space the blend is exact: outside the (latent-size) mask the result is the source's latents.
        let sourceLatents = try pipeline.vae.imageToLatents(ZImagePipeline.imageTensor(source))
        let keep = try 1 - ZImagePipeline.maskTensor(maskImage).interpolate(height: Self.height / 8, width: Self.width / 8)
        #expect(try (latents * keep).floats() == (sourceLatents * keep).floats())

        for feather in [0, 4] {
            let pasted = try PasteBack.apply(generated: edited, source: source, mask: region, feather: feather)
            var outsideDiffers = 0, insideChanged = 0
            for (p, edit) in region.enumerated() {
                let same = pasted.pixels[(4 * p)..<(4 * p + 4)] == source.pixels[(4 * p)..<(4 * p + 4)]
                if !edit, !same { outsideDiffers += 1 }
                if edit, !same { insideChanged += 1 }
            }
            #expect(outsideDiffers == 0, "feather \(feather): \(outsideDiffers) pixels outside the mask changed")
            #expect(insideChanged > 0, "feather \(feather): nothing was regenerated inside the mask")
        }

        // Without paste-back: SSIM over the bands above and below the mask, and the whole image.
        let maskRows = (0..<Self.height).filter { y in (0..<Self.width).contains { region[y * Self.width + $0] } }
        let (top, bottom) = (try #require(maskRows.first), try #require(maskRows.last) + 1)
        // The VAE round trip of the source alone: what the blended latents outside the mask decode to at best.
        let roundTrip = try ZImagePipeline.rgbaImage(pipeline.decode(
            latents: pipeline.vae.imageToLatents(ZImagePipeline.imageTensor(source))).squeeze(0))
        var report = "edit fidelity without paste-back (\(Self.width)x\(Self.height), mask rows \(top)..<\(bottom)):"
        for (name, from, to) in [("above", 0, top), ("below", bottom, Self.height)] where to - from >= 8 {
            let ssim = try ImageMetrics.ssim(Self.rows(edited, from, to), Self.rows(source, from, to))
            let vae = try ImageMetrics.ssim(Self.rows(edited, from, to), Self.rows(roundTrip, from, to))
            report += " SSIM \(name) vs source \(String(format: "%.4f", ssim)), vs VAE round trip \(String(format: "%.4f", vae));"
            #expect(ssim > 0 && ssim <= 1)
        }
        var outsideDiffs: [Int] = []
        for p in region.indices where !region[p] {
            var worst = 0
            for c in 0..<3 { worst = max(worst, abs(Int(edited.pixels[4 * p + c]) - Int(source.pixels[4 * p + c]))) }
            outsideDiffs.append(worst)
        }
        let mean = Double(outsideDiffs.reduce(0, +)) / Double(max(outsideDiffs.count, 1))
        report += " outside-mask max |Δ| \(outsideDiffs.max() ?? 0)/255, mean \(String(format: "%.2f", mean))"
        print(report)
    }

    /// The latent fit on the tiny fixture pipeline: the masked latents are left exactly as generated, the kept ones
    /// move, and the decoded image comes closer to the source outside the mask; without a mask it is refused.
    @Test func latentFitMovesOnlyTheKeptLatentsTowardsTheSource() throws {
        let layout = try #require(SceneCatalog.builtIn().layout(id: "centre_modal"))
        let (width, height) = (64, 128)
        let rasterizer = try LayoutRasterizer(layout: layout, width: width, height: height)
        let source = try rasterizer.controlImage(style: .segmentation).rgba()
        let maskImage = try rasterizer.inpaintingMask().rgba()
        let pipeline = try ZImagePipeline.load(folder: Fixtures.url("zimage/pipeline"))
        var request = TextToImageRequest(prompts: ["coupon popup"])
        (request.width, request.height, request.steps, request.seed) = (width, height, 2, 4)
        request.edit = ImageEdit(image: try ZImagePipeline.imageTensor(source), strength: 1.0,
                                 mask: try ZImagePipeline.maskTensor(maskImage))
        let plain = try pipeline.denoise(request)
        request.edit?.fitSteps = 20
        let fitted = try pipeline.denoise(request)
        let latentMask = try ZImagePipeline.maskTensor(maskImage).interpolate(height: height / 8, width: width / 8, mode: .nearest)
        #expect(try (fitted * latentMask).floats() == (plain * latentMask).floats())
        #expect(try ((fitted - plain) * (1 - latentMask)).abs().max().item() > 0)

        let region = PasteBack.region(of: maskImage)
        func outsideError(_ latents: Tensor) throws -> Double {
            let image = try ZImagePipeline.rgbaImage(pipeline.decode(latents: latents).squeeze(0))
            let errors = region.indices.filter { !region[$0] }.map { p in
                (0..<3).map { abs(Int(image.pixels[4 * p + $0]) - Int(source.pixels[4 * p + $0])) }.reduce(0, +)
            }
            return Double(errors.reduce(0, +)) / Double(errors.count)
        }
        let (before, after) = (try outsideError(plain), try outsideError(fitted))
        #expect(after < before * 0.9, "outside-mask error \(before) -> \(after) after a 20-step fit")

        request.edit?.mask = nil
        #expect(throws: PipelineError.self) { try pipeline.denoise(request) }
    }

    /// Issue 8's figure on a real-looking screenshot: the embedded model inpaints a procedural food-delivery screen
    /// inside the centre_modal mask (strength 1, the model's own VAE). Paste-back keeps every pixel outside the mask;
    /// without it, what is outside is the VAE's round trip of the source (printed: SSIM of the bands above and below).
    @Test func embeddedModelEditOfAProceduralScreen() throws {
        let layout = try #require(SceneCatalog.builtIn().layout(id: "centre_modal"))
        let source = try ScreenRenderer(style: #require(AppStyle.builtIn.first)).render(layout, seed: 5, width: Self.width,
                                                                                        height: Self.height, variant: .normal)
        let maskImage = try LayoutRasterizer(layout: layout, width: Self.width, height: Self.height).inpaintingMask().rgba()
        let region = PasteBack.region(of: maskImage)
        let model = Fixtures.url("zimage").deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("models/default")
        let pipeline = try ZImagePipeline.load(folder: model)
        var request = TextToImageRequest(prompts: ["Meituan-like food delivery. centre modal. coupon popup over the order button"])
        (request.width, request.height, request.steps, request.seed) = (Self.width, Self.height, 8, 3)
        request.edit = ImageEdit(image: try ZImagePipeline.imageTensor(source), strength: 1.0,
                                 mask: try ZImagePipeline.maskTensor(maskImage))
        let editLatents = try pipeline.denoise(request)
        let edited = try ZImagePipeline.rgbaImage(pipeline.decode(latents: editLatents).squeeze(0))
        let pasted = try PasteBack.apply(generated: edited, source: source, mask: region, feather: 2)
        let outsideChanged = region.indices.filter { !region[$0] && pasted.pixels[(4 * $0)..<(4 * $0 + 4)] != source.pixels[(4 * $0)..<(4 * $0 + 4)] }
        #expect(outsideChanged.isEmpty, "\(outsideChanged.count) pixels outside the mask changed with paste-back")

        let maskRows = (0..<Self.height).filter { y in (0..<Self.width).contains { region[y * Self.width + $0] } }
        let (top, bottom) = (try #require(maskRows.first), try #require(maskRows.last) + 1)
        var report = "embedded model, edit without paste-back (\(Self.width)x\(Self.height), mask rows \(top)..<\(bottom)):"
        // The ceiling without paste-back: the VAE's own round trip of the source.
        let roundTrip = try ZImagePipeline.rgbaImage(pipeline.decode(
            latents: pipeline.vae.imageToLatents(ZImagePipeline.imageTensor(source))).squeeze(0))
        var worst = 1.0
        for (name, from, to) in [("above", 0, top), ("below", bottom, Self.height)] where to - from >= 8 {
            let ssim = try ImageMetrics.ssim(Self.rows(edited, from, to), Self.rows(source, from, to))
            let ceiling = try ImageMetrics.ssim(Self.rows(roundTrip, from, to), Self.rows(source, from, to))
            worst = min(worst, ssim)
            report += " SSIM \(name) \(String(format: "%.4f", ssim)) (VAE round trip alone \(String(format: "%.4f", ceiling)));"
        }
        print(report + " (issue 8 asks >= 0.98)")
        #expect(worst > 0 && worst <= 1)

        // With the latent fit (no pixel pasted): the latents inside the mask are the edit's, untouched; outside, the
        // decoded image matches the source past issue 8's 0.98.
        request.edit?.fitSteps = Self.fitSteps
        let fittedLatents = try pipeline.denoise(request)
        let latentMask = try ZImagePipeline.maskTensor(maskImage).interpolate(height: editLatents.size(2), width: editLatents.size(3), mode: .nearest)
        #expect(try (fittedLatents * latentMask).floats() == (editLatents * latentMask).floats())
        let fitted = try ZImagePipeline.rgbaImage(pipeline.decode(latents: fittedLatents).squeeze(0))
        var fittedReport = "embedded model, edit with a \(Self.fitSteps)-step latent fit, no paste-back:"
        for (name, from, to) in [("above", 0, top), ("below", bottom, Self.height)] where to - from >= 8 {
            let ssim = try ImageMetrics.ssim(Self.rows(fitted, from, to), Self.rows(source, from, to))
            fittedReport += " SSIM \(name) \(String(format: "%.4f", ssim));"
            #expect(ssim >= 0.98, "SSIM \(name) the mask \(ssim) after a \(Self.fitSteps)-step fit")
        }
        let insideChange = region.indices.filter { region[$0] }.map { p in
            (0..<3).map { abs(Int(fitted.pixels[4 * p + $0]) - Int(source.pixels[4 * p + $0])) }.reduce(0, +)
        }
        let meanInside = Double(insideChange.reduce(0, +)) / Double(3 * insideChange.count)
        print(fittedReport + " mean |Δ| inside the mask \(String(format: "%.1f", meanInside))/255")
        #expect(meanInside > 10, "the fitted edit barely changed the masked region (mean |Δ| \(meanInside))")
    }

    /// Adam steps for the embedded model's fit on this screen: 100 reach SSIM 0.981 / 0.986 above / below the mask,
    /// 200 0.984 / 0.989, 300 0.986 / 0.989 (docs/embedded-model.md, seventh round).
    static let fitSteps = 200

    @Test func featherFadesInsideTheMaskOnly() throws {
        // A 9x9 image with a 5x5 mask in the middle: feather 1 gives the ring half weight, the centre full.
        var maskPixels = [Bool](repeating: false, count: 81)
        for y in 2..<7 { for x in 2..<7 { maskPixels[y * 9 + x] = true } }
        let source = try RGBAImage(width: 9, height: 9, fill: (0, 0, 0, 255))
        let generated = try RGBAImage(width: 9, height: 9, fill: (200, 200, 200, 255))
        let out = try PasteBack.apply(generated: generated, source: source, mask: maskPixels, feather: 1)
        #expect(out.pixels[4 * (0 * 9 + 0)] == 0)
        #expect(out.pixels[4 * (2 * 9 + 2)] == 100)
        #expect(out.pixels[4 * (4 * 9 + 4)] == 200)
        #expect(throws: PipelineError.self) {
            _ = try PasteBack.apply(generated: generated, source: source, mask: [true], feather: 0)
        }
    }

    /// A folder that says ZImageOmniPipeline but holds a text-to-image transformer is refused by name
    /// (the Omni path itself is tested in ZImageOmniPipelineTests).
    @Test func omniFolderWithoutSiglipPartsIsRefusedByName() throws {
        let folder = try ComponentParity.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for item in ["model_index.json", "scheduler", "tokenizer", "text_encoder", "transformer", "vae"] {
            try FileManager.default.copyItem(at: Fixtures.url("zimage/pipeline/\(item)"), to: folder.appendingPathComponent(item))
        }
        let index = folder.appendingPathComponent("model_index.json")
        let text = try String(contentsOf: index, encoding: .utf8).replacingOccurrences(of: "\"ZImagePipeline\"", with: "\"ZImageOmniPipeline\"")
        try text.write(to: index, atomically: true, encoding: .utf8)
        let message = ComponentParity.message { _ = try ZImagePipeline.load(folder: folder) }
        #expect(message?.contains("Omni") == true && message?.contains("siglip_feat_dim") == true, "\(message ?? "no error")")
    }
}
