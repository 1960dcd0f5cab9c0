import Foundation
import SceneForgeImaging
import SceneForgeModels
import SceneForgeScenes
import SceneForgeSynth
import SceneForgeTorch

/// One training example: an RGB image in [-1, 1] ([3, H, W], float32, CPU) and its prompt.
public struct TrainingSample {
    public let image: Tensor
    public let prompt: String
    public let layoutID: String
    /// The layout's segmentation control image ([3, H, W] in [-1, 1]) for the same jittered boxes:
    /// the condition a layout ControlNet (ZImageControlNet) trains on. Unused by the base model.
    public let control: Tensor?
    /// Where the anomaly is ([1, H, W] in [0, 1], the layout's inpainting mask for the same jittered boxes), for
    /// the ControlNet stage's `anomaly_weight`.
    public let anomalyMask: Tensor?

    public init(image: Tensor, prompt: String, layoutID: String, control: Tensor? = nil, anomalyMask: Tensor? = nil) {
        self.image = image
        self.prompt = prompt
        self.layoutID = layoutID
        self.control = control
        self.anomalyMask = anomalyMask
    }
}

/// The training set. Two recipes, both from the project's own data:
/// * `synth` (default): SceneForgeSynth's procedural app screens, every built-in layout in every
///   built-in app style, boxes displaced by a small seeded jitter, each screen with its own seed;
/// * `layouts`: the layouts' segmentation control images (the stand-in used before SceneForgeSynth).
/// Captions name the layout (and the app style for screens) and the anomaly type's prompt; English
/// and Chinese alternate, as users write both.
public struct TrainingData {
    public let samples: [TrainingSample]

    public init(samples: [TrainingSample]) { self.samples = samples }

    /// `count` samples at `width`x`height`, cycling through `layouts` (default: the catalog's, each once).
    public static func layouts(catalog: SceneCatalog, layouts chosen: [Layout]? = nil, count: Int, width: Int, height: Int,
                               jitter: Double, seed: UInt64) throws -> TrainingData {
        let cycle = chosen ?? catalog.layouts
        guard !cycle.isEmpty else { throw TrainingError("the scene catalog has no layouts to train on") }
        var rng = SeededRandom(seed: SeededRandom.derive(seed, 0xDA7A))
        var samples: [TrainingSample] = []
        for i in 0..<count {
            let layout = cycle[i % cycle.count]
            let jittered = jitterBoxes(layout, by: jitter, using: &rng)
            let raster = try LayoutRasterizer(layout: jittered, width: width, height: height).controlImage(style: .segmentation)
            let prompt = TrainingPrompts.prompt(for: layout, catalog: catalog, chinese: (i / cycle.count) % 2 == 1)
            samples.append(TrainingSample(image: try imageTensor(raster), prompt: prompt, layoutID: layout.id))
        }
        return TrainingData(samples: samples)
    }

    /// `count` procedural screens: layouts (default: the catalog's, each once) cycle fastest, then app styles.
    /// `anomalyMasks`: also keep each screen's anomaly mask (for `controlnet.anomaly_weight`).
    /// `neutralCaptions`: that share of the screens (drawn from a stream of its own, so the screens themselves do not
    /// change) get the caption without the style description.
    public static func screens(catalog: SceneCatalog, layouts chosen: [Layout]? = nil, styles: [AppStyle] = AppStyle.builtIn,
                               count: Int, width: Int, height: Int, jitter: Double, seed: UInt64, anomalyMasks: Bool = false,
                               neutralCaptions: Double = 0) throws -> TrainingData {
        let cycle = chosen ?? catalog.layouts
        guard !cycle.isEmpty, !styles.isEmpty else { throw TrainingError("no layouts or app styles to render training screens from") }
        var rng = SeededRandom(seed: SeededRandom.derive(seed, 0x5C4EE7))
        var captionRNG = SeededRandom(seed: SeededRandom.derive(seed, 0xCA7))
        var samples: [TrainingSample] = []
        for i in 0..<count {
            let layout = cycle[i % cycle.count]
            let round = i / cycle.count
            let style = styles[round % styles.count]
            let jittered = jitterBoxes(layout, by: jitter, using: &rng)
            let screen = try ScreenRenderer(style: style).render(jittered, seed: rng.next(), width: width, height: height)
            let chinese = (round / styles.count) % 2 == 1
            let neutral = neutralCaptions > 0 && captionRNG.uniform(0...1) < neutralCaptions
            let prompt = neutral ? TrainingPrompts.prompt(for: layout, catalog: catalog, chinese: chinese)
                : TrainingPrompts.prompt(for: layout, style: style, catalog: catalog, chinese: chinese)
            let image = try imageTensor(pixels: screen.pixels, width: screen.width, height: screen.height, channels: 4)
            let rasterizer = try LayoutRasterizer(layout: jittered, width: width, height: height)
            let control = try rasterizer.controlImage(style: .segmentation)
            // The mask as inpainting reads it ([1, H, W], 1 inside the anomaly boxes).
            let mask = anomalyMasks ? try ZImagePipeline.maskTensor(rasterizer.inpaintingMask().rgba()).squeeze(0) : nil
            samples.append(TrainingSample(image: image, prompt: prompt, layoutID: layout.id, control: try imageTensor(control),
                                          anomalyMask: mask))
        }
        return TrainingData(samples: samples)
    }

    /// The recipe `config.data.source` names.
    public static func make(_ config: TrainingConfig, catalog: SceneCatalog) throws -> TrainingData {
        let d = config.data
        let chosen: [Layout]? = d.layouts.isEmpty ? nil : try d.layouts.map { id in
            guard let layout = catalog.layout(id: id) else { throw TrainingError("data.layouts: no layout \"\(id)\" in the scene catalog") }
            return layout
        }
        switch d.source {
        case "layouts":
            return try layouts(catalog: catalog, layouts: chosen, count: d.samples, width: d.width, height: d.height, jitter: d.jitter,
                               seed: config.seed)
        default:
            let styles = try d.styles.isEmpty ? AppStyle.builtIn : d.styles.map(AppStyle.named)
            return try screens(catalog: catalog, layouts: chosen, styles: styles, count: d.samples, width: d.width, height: d.height,
                               jitter: d.jitter, seed: config.seed, anomalyMasks: config.weighsAnomalies, neutralCaptions: d.neutralCaptions)
        }
    }

    /// 8-bit RGB(A) pixels to [3, H, W] in [-1, 1], the VAE's input range.
    public static func imageTensor(_ raster: RasterImage) throws -> Tensor {
        try imageTensor(pixels: raster.pixels, width: raster.width, height: raster.height, channels: raster.channels)
    }

    /// Interleaved 8-bit pixels (RGB or RGBA; alpha is dropped) to [3, H, W] in [-1, 1].
    public static func imageTensor(pixels: [UInt8], width: Int, height: Int, channels: Int) throws -> Tensor {
        guard channels >= 3 else { throw TrainingError("training images must be RGB (got \(channels) channel(s))") }
        let hwc = try Tensor(pixels, shape: [height, width, channels])
        let rgb = try hwc.narrow(dim: 2, start: 0, length: 3).permute(2, 0, 1).to(.float32)
        return try (rgb / 127.5 - 1).contiguous()
    }

    /// Moves every box by up to `amount` of the canvas in x and y, kept inside the canvas.
    static func jitterBoxes(_ layout: Layout, by amount: Double, using rng: inout SeededRandom) -> Layout {
        guard amount > 0 else { return layout }
        var out = layout
        out.boxes = layout.boxes.map { box in
            var moved = box
            let dx = Double.random(in: -amount...amount, using: &rng)
            let dy = Double.random(in: -amount...amount, using: &rng)
            moved.rect.x = min(max(0, box.rect.x + dx), max(0, 1 - box.rect.w))
            moved.rect.y = min(max(0, box.rect.y + dy), max(0, 1 - box.rect.h))
            return moved
        }
        return out
    }
}

/// The captions the small model learns. Keep in sync with scripts/reference/make_small_tokenizer.py,
/// whose BPE vocabulary is trained on exactly these strings.
public enum TrainingPrompts {
    public static func prompt(for layout: Layout, catalog: SceneCatalog, chinese: Bool) -> String {
        guard let anomaly = catalog.anomalyType(id: layout.anomalyType) else { return layout.name }
        return chinese ? anomaly.promptZH : "\(layout.name). \(anomaly.promptEN)"
    }

    /// A rendered screen's caption also says which kind of app it looks like.
    public static func prompt(for layout: Layout, style: AppStyle, catalog: SceneCatalog, chinese: Bool) -> String {
        "\(style.resembles). " + prompt(for: layout, catalog: catalog, chinese: chinese)
    }
}

/// A training run that cannot go on; the message says why.
public struct TrainingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
