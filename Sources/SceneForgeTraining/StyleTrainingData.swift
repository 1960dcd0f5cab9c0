import Foundation
import SceneForgeScenes
import SceneForgeSynth
import SceneForgeTorch

/// The style adapter's training set: procedural screens whose captions do **not** describe the app
/// style, each paired with a reference screenshot of the same app *in the same palette* (same style and
/// seed: theme, brand-hue jitter, header look, page grey) but of another layout. The only way to lower the
/// loss on the target's colours is to read them from the reference through the adapter, and the layout
/// cannot be copied from it.
///
/// Why the same palette: a reference of the same style but another seed (the first recipe) shares only the
/// style's hue range, not its light/dark theme or jitter, so most of what it shows does not predict the
/// target; the adapter learned to change images by 1.5-8% and bar (c) stayed near its no-adapter figure.
public struct StyleTrainingData {
    public struct Sample {
        public let image: Tensor
        /// Another layout rendered in the target's style and palette (same seed): the style reference.
        public let reference: Tensor
        /// The neutral caption: layout name and anomaly prompt, no style description.
        public let prompt: String
        /// The same caption with the style description: what the frozen base is told, as the distillation's teacher.
        public let styledPrompt: String
        public let styleIndex: Int
        /// The screens' seed (it fixes the palette) and the two layouts drawn.
        public let seed: UInt64
        public let layoutID: String
        public let referenceLayoutID: String
    }

    public let samples: [Sample]

    /// `count` pairs: styles cycle fastest (balanced), then layouts; each pair has its own seed, each screen its own jitter.
    public static func make(catalog: SceneCatalog, styles: [AppStyle] = AppStyle.builtIn, count: Int, width: Int, height: Int,
                            jitter: Double, seed: UInt64) throws -> StyleTrainingData {
        guard !catalog.layouts.isEmpty, styles.count >= 2 else {
            throw TrainingError("the style adapter needs layouts and at least 2 app styles to train on")
        }
        var rng = SeededRandom(seed: SeededRandom.derive(seed, 0x5171E))
        var samples: [Sample] = []
        for i in 0..<count {
            let styleIndex = i % styles.count
            let layout = catalog.layouts[(i / styles.count) % catalog.layouts.count]
            let renderer = ScreenRenderer(style: styles[styleIndex])
            let screenSeed = rng.next()
            func screen(_ layout: Layout) throws -> Tensor {
                let jittered = TrainingData.jitterBoxes(layout, by: jitter, using: &rng)
                let screen = try renderer.render(jittered, seed: screenSeed, width: width, height: height)
                return try TrainingData.imageTensor(pixels: screen.pixels, width: screen.width, height: screen.height, channels: 4)
            }
            let referenceLayout = otherLayout(than: layout, in: catalog, using: &rng)
            let (image, reference) = (try screen(layout), try screen(referenceLayout))
            let chinese = (i / (styles.count * catalog.layouts.count)) % 2 == 1
            samples.append(Sample(image: image, reference: reference,
                                  prompt: TrainingPrompts.prompt(for: layout, catalog: catalog, chinese: chinese),
                                  styledPrompt: TrainingPrompts.prompt(for: layout, style: styles[styleIndex], catalog: catalog, chinese: chinese),
                                  styleIndex: styleIndex, seed: screenSeed, layoutID: layout.id, referenceLayoutID: referenceLayout.id))
        }
        return StyleTrainingData(samples: samples)
    }

    /// A layout of the catalog other than `layout` (itself when it is the only one).
    static func otherLayout(than layout: Layout, in catalog: SceneCatalog, using rng: inout SeededRandom) -> Layout {
        let others = catalog.layouts.filter { $0.id != layout.id }
        return others.isEmpty ? layout : rng.pick(others)
    }
}
