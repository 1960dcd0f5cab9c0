import Foundation
import SceneForgeEngine
import SceneForgeImaging
import SceneForgeQuality
import SceneForgeScenes
import SceneForgeSynth
import SceneForgeTorch
import SceneForgeTraining

/// Bar (c) of `sceneforge eval`: per built-in app style, a reference screenshot rendered by SceneForgeSynth
/// (one layout, seed 900), then images of *another* layout with its neutral caption (no style words) on
/// `seeds` (1...N unless `--first-seed`), through the engine's `style` / `style_scale` extras.
struct StyleRecognitionRun {
    let width: Int
    let height: Int
    let steps: Int
    let guidance: Double
    let guidanceExtras: [String: JSONValue]
    let seeds: ClosedRange<UInt64>
    let dtype: DType
    let device: Device
    /// Where `--save-images` writes the references and the images (nil: nowhere).
    let saveImages: URL?

    /// The layout whose neutral caption the `index`-th built-in style's reference is tried on (never the reference's own).
    static func targetLayout(forStyleAt index: Int, catalog: SceneCatalog) -> Layout {
        catalog.layouts[(index + 5) % catalog.layouts.count]
    }

    /// The images generated at `scale` from each style's reference.
    func screens(_ generator: ImageGenerator, catalog: SceneCatalog, scale: Double, scratch: URL) throws -> [GeneratedScreen] {
        for folder in [scratch, saveImages].compactMap({ $0 }) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        var screens: [GeneratedScreen] = []
        for (index, style) in AppStyle.builtIn.enumerated() {
            let referenceLayout = catalog.layouts[index % catalog.layouts.count]
            let target = Self.targetLayout(forStyleAt: index, catalog: catalog)
            let reference = try ScreenRenderer(style: style).render(referenceLayout, seed: 900, width: width, height: height)
            let path = scratch.appendingPathComponent("reference-\(style.name).png")
            try PNGFile.write(reference, record: nil, to: path)
            if let saveImages {
                try PNGFile.write(reference, record: nil, to: saveImages.appendingPathComponent("style-\(style.name)-reference.png"))
            }
            let prompt = TrainingPrompts.prompt(for: target, catalog: catalog, chinese: false)
            for seed in seeds {
                let job = GenerationJob(id: "eval-style-\(style.name)-\(seed)", prompt: prompt, width: width, height: height,
                                        steps: steps, guidance: guidance, seed: seed, dtype: dtype, device: device, outputPath: "",
                                        extras: guidanceExtras.merging(["style": .string(path.path), "style_scale": .double(scale)]) { _, new in new })
                let result = try generator.generate(job) { _, _ in true }
                if let saveImages {
                    try PNGFile.write(result.image, record: result.record,
                                      to: saveImages.appendingPathComponent(SavedEvalImages.styleName(style: style, scale: scale, seed: seed)))
                }
                screens.append(GeneratedScreen(image: result.image, layout: target, style: style, seed: seed))
            }
        }
        return screens
    }
}
