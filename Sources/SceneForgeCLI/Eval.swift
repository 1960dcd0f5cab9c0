import ArgumentParser
import Foundation
import SceneForgeEngine
import SceneForgeImaging
import SceneForgeModels
import SceneForgeQuality
import SceneForgeScenes
import SceneForgeSynth
import SceneForgeTorch
import SceneForgeTraining

/// `sceneforge eval`: measures a model against the embedded-model quality bars (docs/quality-bars.md).
/// Images are generated through the engine's `ZImageGenerator`, the same pipeline and conditioning code as
/// `generate`; the instrument (detector and classifiers) is trained on renderer output at start.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a model's quality bars (layout adherence, conditioning, style, diversity) on fixed seeds.")

    @Option(help: "A diffusers-layout Z-Image folder; default: the embedded model (see DefaultModel).") var model: String?
    @Option(help: "A layout ControlNet (default: the model's own controlnet/, if any); with one, each image is generated under its layout's control.")
    var controlnet: String?
    @Flag(help: "Generate without layout control even when a ControlNet is at hand (the prompt-alone baseline).")
    var noControl = false
    @Option(name: .customLong("control-scale"), help: "The ControlNet's conditioning scale (as generate's --control-scale).")
    var controlScale = 0.75
    @Option(name: .customLong("control-start"), help: "Fraction of the run at which layout control starts (as generate's).")
    var controlStart = 0.0
    @Option(name: .customLong("control-end"), help: "Fraction of the run at which layout control ends (as generate's).")
    var controlEnd = 1.0
    @Option(name: .customLong("control-region"), help: "Where layout control applies: from-layout (each layout's anomaly region) or a PNG (as generate's); default everywhere.")
    var controlRegion: String?
    @Option(name: .customLong("control-outside"), help: "With --control-region: the fraction of the control scale kept outside the region (default 0).")
    var controlOutside = 0.0
    @Option(help: "Width in pixels (a multiple of 16).") var width = 128
    @Option(help: "Height in pixels (a multiple of 16).") var height = 256
    @Option(help: "Denoising steps.") var steps = 8
    @Option(help: "Classifier-free guidance weight on (prompt − empty prompt); 0 = one pass per step (Turbo).") var guidance = 0.0
    @Option(name: .customLong("cfg-truncation"), help: "With --guidance: guide only while the run's progress is at most this fraction (as generate's).")
    var cfgTruncation = 1.0
    @Option(name: .customLong("cfg-normalization"), help: "With --guidance: cap the guided velocity's norm at this multiple of the prompt's own (as generate's).")
    var cfgNormalization = 0.0
    @Option(name: .customLong("style-guidance"), help: "Bar (c)'s style guidance (as generate's; default: the adapter's own).")
    var styleGuidance: Double?
    @Flag(name: .customLong("unstyled-negative"),
          help: "With --guidance: the negative prompt is the caption without its app style, so guidance pushes along the style words only.")
    var unstyledNegative = false
    @Flag(name: .customLong("control-prompt-only"), help: "With --guidance: give the ControlNet's hints to the prompt's branch only (as generate's).")
    var controlPromptOnly = false
    @Option(help: "Seeds per layout (fixed: 1...N); at least 2, for diversity.") var seeds = 4
    @Option(name: .customLong("first-seed"),
            help: "Start the seeds here (FIRST...FIRST+N-1). The bars are reported on seeds 1...4; deciding a model change on other seeds keeps those figures out of the choice.")
    var firstSeed: UInt64 = 1
    /// Every layout's seeds (checked in `evaluate` to fit in UInt64).
    private var seedRange: ClosedRange<UInt64> { firstSeed...(firstSeed + UInt64(seeds) - 1) }
    @Option(help: "Only these layout ids (comma-separated); default: every built-in layout.") var layouts: String?
    @Option(help: "Compute dtype: float32, bfloat16 or float16.") var dtype = "float32"
    @Option(help: "Device: cpu, cuda or cuda:N.") var device = "cpu"
    @Option(name: .customLong("save-images"), help: "Also write every generated image into this folder.") var saveImages: String?
    @Option(help: "Measure the images a --save-images run wrote into this folder instead of generating (no model is loaded); with --save-images, the detection pictures go there.")
    var images: String?
    @Flag(name: .customLong("require-bars"), help: "Exit 1 when a bar is missed (or cannot be measured).") var requireBars = false

    func run() async throws {
        let passed: Bool
        do {
            passed = try evaluate()
        } catch {
            FileHandle.standardError.write(Data("sceneforge eval: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if requireBars && !passed { throw ExitCode.failure }
    }

    private func evaluate() throws -> Bool {
        guard controlScale.isFinite, controlScale >= 0 else { throw ValidationError("--control-scale must be a number ≥ 0 (got \(controlScale))") }
        guard controlStart >= 0, controlStart < controlEnd, controlEnd <= 1 else {
            throw ValidationError("--control-start and --control-end must satisfy 0 ≤ start < end ≤ 1 (got \(controlStart), \(controlEnd))")
        }
        guard images == nil || (model == nil && controlnet == nil) else {
            throw ValidationError("--images measures images already made; --model and --controlnet are for generating new ones")
        }
        guard !unstyledNegative || guidance > 0 else {
            throw ValidationError("--unstyled-negative needs --guidance above 0 (the negative prompt is read only by guidance)")
        }
        guard seeds >= 2 else { throw ValidationError("--seeds must be at least 2 (diversity compares seeds), got \(seeds)") }
        guard firstSeed <= UInt64.max - UInt64(seeds) else { throw ValidationError("--first-seed \(firstSeed) leaves no room for \(seeds) seeds") }
        guard let computeType = DType(name: dtype), computeType.isFloatingPoint else {
            throw ValidationError("--dtype must be float32, bfloat16 or float16 (got \(dtype))")
        }
        guard let target = Device(name: device), target != .meta else { throw ValidationError("--device must be cpu, cuda or cuda:N (got \(device))") }
        let catalog = try SceneCatalog.builtIn()
        let chosen = try selectedLayouts(catalog)

        // Saved images are read first, so that a folder without them is refused before the instrument's training.
        let saved = try images.map { try SavedEvalImages(folder: URL(fileURLWithPath: $0), catalog: catalog, layouts: chosen) }
        let started = Date()
        // The instrument always learns every layout, so the anomaly classifier chooses among all types.
        let instrument = try QualityInstrument.train(layouts: catalog.layouts)
        print(String(format: "instrument trained on renderer output in %.1f s; held-out renderer screens:", Date().timeIntervalSince(started)))
        print(EvalReport.selfCheck(instrument))

        let figures: QualityFigures
        if let saved {
            figures = try saved.measure(instrument, overlays: saveImages.map { URL(fileURLWithPath: $0) })
        } else {
            figures = try generateAndMeasure(instrument, catalog: catalog, layouts: chosen, dtype: computeType, device: target)
        }
        let report = EvalReport(figures: figures, styleNote: images == nil ? "not measurable: the model has no style adapter"
                                    : "not measurable: the folder has none of its images (style-<style>-scale1-<seed>.png)")
        print(report.text)
        return report.passed
    }

    /// Figures (a)-(d) of images generated now by the model (or the embedded default).
    private func generateAndMeasure(_ instrument: QualityInstrument, catalog: SceneCatalog, layouts chosen: [Layout],
                                    dtype computeType: DType, device target: Device) throws -> QualityFigures {
        let modelPath = try model ?? DefaultModel.locate().path
        let generator = try ZImageGeneratorLoader().load(model: modelPath, dtype: computeType, device: target)
        print("model: \(generator.modelDescription)")
        let guidingControlNet = noControl ? nil : controlnet ?? ImageConditioning.ownControlNet(ofModel: URL(fileURLWithPath: modelPath))?.path
        print(guidingControlNet.map { "ControlNet \($0): each image is generated under its layout's segmentation control" }
            ?? "no ControlNet: layout adherence is measured from the prompt alone")

        if let saveImages { try FileManager.default.createDirectory(atPath: saveImages, withIntermediateDirectories: true) }
        var screens: [GeneratedScreen] = [], groups: [[RGBAImage]] = []
        let generateStart = Date()
        for layout in chosen {
            let style = Self.style(for: layout, catalog: catalog)
            let prompt = TrainingPrompts.prompt(for: layout, style: style, catalog: catalog, chinese: false)
            let negative = unstyledNegative ? TrainingPrompts.prompt(for: layout, catalog: catalog, chinese: false) : ""
            var group: [RGBAImage] = []
            for seed in seedRange {
                let result = try generate(generator, prompt: prompt, negativePrompt: negative, layout: layout, seed: seed, dtype: computeType, device: target,
                                          guidingControlNet: guidingControlNet)
                let image = result.image
                if let saveImages {
                    let url = URL(fileURLWithPath: saveImages).appendingPathComponent(SavedEvalImages.name(layout: layout, style: style, seed: seed))
                    try PNGFile.write(image, record: result.record, to: url)
                    try SavedEvalImages.writeOverlay(of: image, layout: layout, detector: instrument.detector, beside: url)
                }
                screens.append(GeneratedScreen(image: image, layout: layout, style: style, seed: seed))
                group.append(image)
            }
            groups.append(group)
        }
        print(String(format: "generated %d images (%dx%d, %d steps) in %.1f s", screens.count, width, height, steps,
                     Date().timeIntervalSince(generateStart)))
        var figures = try instrument.measure(screens, diversityGroups: groups)
        if (generator as? ZImageGenerator)?.pipeline.styleAdapter != nil {
            // (c): neutral prompts with a reference screenshot per theme; the same images without the adapter for comparison.
            let run = StyleRecognitionRun(width: width, height: height, steps: steps, guidance: guidance,
                                         guidanceExtras: guidanceExtras.merging(styleGuidance.map { ["style_guidance": .double($0)] } ?? [:]) { _, new in new },
                                         seeds: seedRange, dtype: computeType, device: target,
                                         saveImages: saveImages.map { URL(fileURLWithPath: $0) })
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sceneforge-eval-style-\(getpid())")
            defer { try? FileManager.default.removeItem(at: scratch) }
            let styleStart = Date()
            let styled = try run.screens(generator, catalog: catalog, scale: 1, scratch: scratch)
            figures.styleConfusion = try instrument.styleRecognition(styled)
            let baseline = try instrument.styleRecognition(run.screens(generator, catalog: catalog, scale: 0, scratch: scratch)).accuracy
            print(String(format: "(c) %d style-referenced images in %.1f s; theme recognised %.3f with the adapter, %.3f at style_scale 0 "
                         + "(chance 1/7)", styled.count, Date().timeIntervalSince(styleStart), figures.styleRecognition ?? 0, baseline))
        }
        return figures
    }

    /// The app style a layout's images are asked in: styles rotate over the catalog's layouts, so every theme colour
    /// is asked for (one prompt per layout, N seeds).
    static func style(for layout: Layout, catalog: SceneCatalog) -> AppStyle {
        AppStyle.builtIn[(catalog.layouts.firstIndex(of: layout) ?? 0) % AppStyle.builtIn.count]
    }

    /// The guidance settings every eval job carries (none at the defaults).
    private var guidanceExtras: [String: JSONValue] {
        var extras: [String: JSONValue] = [:]
        if cfgTruncation != 1 { extras["cfg_truncation"] = .double(cfgTruncation) }
        if cfgNormalization != 0 { extras["cfg_normalization"] = .double(cfgNormalization) }
        return extras
    }

    private func selectedLayouts(_ catalog: SceneCatalog) throws -> [Layout] {
        guard let layouts else { return catalog.layouts }
        return try layouts.split(separator: ",").map { id in
            guard let layout = catalog.layout(id: String(id)) else {
                throw ValidationError("--layouts: unknown layout '\(id)' (known: \(catalog.layouts.map(\.id).joined(separator: ", ")))")
            }
            return layout
        }
    }

    private func generate(_ generator: ImageGenerator, prompt: String, negativePrompt: String, layout: Layout, seed: UInt64, dtype: DType,
                          device: Device, guidingControlNet: String?) throws -> GenerationResult {
        var extras = guidanceExtras
        if let guidingControlNet {
            extras["controlnet"] = .string(guidingControlNet)
            extras["control"] = .string(layout.id)
            extras["control_scale"] = .double(controlScale)
            if controlStart != 0 { extras["control_start"] = .double(controlStart) }
            if controlEnd != 1 { extras["control_end"] = .double(controlEnd) }
            if controlPromptOnly { extras["control_on_negative"] = .bool(false) }
            if let controlRegion { extras["control_region"] = .string(controlRegion) }
            if controlOutside != 0 { extras["control_outside"] = .double(controlOutside) }
        }
        let job = GenerationJob(id: "eval-\(layout.id)-\(seed)", prompt: prompt, negativePrompt: negativePrompt, width: width, height: height, steps: steps,
                                guidance: guidance, seed: seed, dtype: dtype, device: device, outputPath: "", extras: extras)
        return try generator.generate(job) { _, _ in true }
    }
}
