import Foundation
import SceneForgeScenes
import SceneForgeSynth
import SceneForgeTorch

/// The style adapter's training set: procedural screens whose captions do **not** describe the app
/// style, each knowing which style it was rendered in. A step pairs a target screen with a reference
/// screen of the same style but another layout and seed, so the only way to lower the loss on the
/// target's colours is to read them from the reference through the adapter.
public struct StyleTrainingData {
    public struct Sample {
        public let image: Tensor
        /// The neutral caption: layout name and anomaly prompt, no style description.
        public let prompt: String
        public let styleIndex: Int
    }

    public let samples: [Sample]
    /// Sample indices of each style (index into `AppStyle.builtIn`-like `styles`).
    public let byStyle: [[Int]]

    /// `count` screens: styles cycle fastest (balanced), then layouts; each screen has its own seed and jitter.
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
            let jittered = TrainingData.jitterBoxes(layout, by: jitter, using: &rng)
            let screen = try ScreenRenderer(style: styles[styleIndex]).render(jittered, seed: rng.next(), width: width, height: height)
            let image = try TrainingData.imageTensor(pixels: screen.pixels, width: screen.width, height: screen.height, channels: 4)
            let chinese = (i / (styles.count * catalog.layouts.count)) % 2 == 1
            samples.append(Sample(image: image, prompt: TrainingPrompts.prompt(for: layout, catalog: catalog, chinese: chinese),
                                  styleIndex: styleIndex))
        }
        var byStyle = Array(repeating: [Int](), count: styles.count)
        for (i, sample) in samples.enumerated() { byStyle[sample.styleIndex].append(i) }
        return StyleTrainingData(samples: samples, byStyle: byStyle)
    }

    /// A reference for sample `index`: another sample of the same style when there is one.
    func reference(for index: Int, using rng: inout SeededRandom) -> Int {
        let others = byStyle[samples[index].styleIndex].filter { $0 != index }
        return others.isEmpty ? index : rng.pick(others)
    }
}
