import ArgumentParser
import Foundation
import SafeTensors
import SceneForgeImaging
import SceneForgeEngine
import SceneForgeModels
import SceneForgeTorch

/// `sceneforge generate`: one text-to-image run from the command line, written as a PNG that carries
/// its full generation record (so `--from IMAGE.png` regenerates it).
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Generate an image from a prompt with a Z-Image model folder.")

    @Option(help: "A diffusers-layout model folder (model_index.json, transformer/, vae/, text_encoder/, tokenizer/, scheduler/); default: the embedded model (see DefaultModel).")
    var model: String?

    @Option(help: "What to draw.") var prompt: String?
    @Option(name: .customLong("negative-prompt"), help: "What to avoid (used when --guidance > 0).") var negativePrompt: String?
    @Option(help: "Width in pixels (a multiple of 16; default: the model's own size, 128x256 for the embedded model, 1024x1024 for Z-Image).")
    var width: Int?
    @Option(help: "Height in pixels (a multiple of 16; default: the model's own size).") var height: Int?
    @Option(help: "Denoising steps (Z-Image Turbo: 8).") var steps: Int?
    @Option(help: "Z-Image guidance: extra weight on (prompt − negative); 0 = one pass per step (Turbo).") var guidance: Double?
    @Option(name: .customLong("cfg-truncation"), help: "Guide only while the run's progress is at most this fraction (default 1: every step); as diffusers' cfg_truncation.")
    var cfgTruncation: Double?
    @Option(name: .customLong("cfg-normalization"), help: "Cap the guided velocity's norm at this multiple of the prompt's own (default 0: no cap).")
    var cfgNormalization: Double?
    @Option(help: "Seed of the initial noise.") var seed: UInt64?
    @Option(help: "Initial latents: a safetensors file with a float32 tensor named `latents` [1, C, H/8, W/8].") var noise: String?
    @Option(name: .customLong("save-latents"), help: "Write the final latents (tensor `latents`) to this safetensors file.") var saveLatents: String?
    @Option(help: "A Z-Image ControlNet: a diffusers folder or an alibaba-pai single .safetensors (v1 or v2.x); default with --control: the model's own controlnet/.") var controlnet: String?
    @Option(help: "The control: a layout id or a layout file (.toml, rendered with --control-style), or a PNG control image.") var control: String?
    @Option(name: .customLong("control-style"), help: "How a layout becomes a control image: segmentation (default) or edges.") var controlStyle: String?
    @Option(name: .customLong("control-scale"), help: "ControlNet conditioning scale (default 0.75).") var controlScale: Double?
    @Option(name: .customLong("control-start"), help: "Fraction of the run at which control starts (default 0).") var controlStart: Double?
    @Option(name: .customLong("control-end"), help: "Fraction of the run at which control ends (default 1).") var controlEnd: Double?
    @Option(name: .customLong("control-region"), help: "Where the control applies: from-layout (the control layout's anomaly region) or a PNG mask (white: full scale); default everywhere.") var controlRegion: String?
    @Option(name: .customLong("control-outside"), help: "With --control-region: the fraction of the control scale kept outside the region (default 0).") var controlOutside: Double?
    @Flag(name: .customLong("control-prompt-only"), help: "With --guidance: give the ControlNet's hints to the prompt's branch only, so guidance strengthens the layout too (default: both branches, as diffusers).")
    var controlPromptOnly = false
    @Option(help: "Source image for image-to-image / inpainting (PNG; sets the size).") var `init`: String?
    @Option(help: "Fraction of the schedule to run from the source image (default 0.6; 1.0 with --mask).") var strength: Double?
    @Option(help: "Inpainting mask: a PNG (white = regenerate) or `from-layout` (the layout's anomaly boxes).") var mask: String?
    @Option(name: .customLong("mask-layout"), help: "Layout id for --mask from-layout (default: the --control layout).") var maskLayout: String?
    @Flag(name: .customLong("paste-back"), help: "Put the source pixels back outside the mask after decoding.") var pasteBack = false
    @Option(help: "Paste-back feather width in pixels, inside the mask (default 0).") var feather: Int?
    @Option(name: .customLong("fit-steps"), help: "With --mask: fit the latents outside the mask to the source for this many optimiser steps after denoising, so the decoded image matches it there without pasting pixels (default 0; 100-300 take the embedded model's edits past SSIM 0.98 there).")
    var fitSteps: Int?
    @Option(help: "A reference image (PNG) for a Z-Image-Edit/Omni model; repeat for several. Sets the size when --width/--height are not given.")
    var reference: [String] = []
    @Option(help: "A style reference screenshot (PNG) for the model's style adapter (style_adapter/ in the model folder).") var style: String?
    @Option(name: .customLong("style-scale"), help: "Style adapter scale (default: the adapter's, 1.0; 0 = no style).") var styleScale: Double?
    @Option(name: .customLong("style-guidance"), help: "Style guidance: one more pass per step without the style reference, pushed away from by this weight (default: the adapter's; 0 = none).")
    var styleGuidance: Double?
    @Option(help: "Compute dtype: float32, bfloat16 or float16.") var dtype = "float32"
    @Option(help: "Device: cpu, cuda or cuda:N.") var device = "cpu"
    @Option(help: "Take every setting from the generation record in this PNG (flags given here override it).") var from: String?
    @Option(name: .shortAndLong, help: "Output PNG.") var out = "sceneforge.png"
    @Flag(help: "No per-step progress on stderr.") var quiet = false

    func run() async throws {
        do {
            try generate()
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("sceneforge generate: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func generate() throws {
        var recorded: GenerationRecord?
        if let from {
            recorded = try PNGFile.metadata(contentsOf: URL(fileURLWithPath: from)).record
            guard recorded != nil else { throw ValidationError("\(from) carries no SceneForge generation record") }
        }
        guard let computeType = DType(name: dtype), computeType.isFloatingPoint else {
            throw ValidationError("--dtype must be float32, bfloat16 or float16 (got \(dtype))")
        }
        guard let target = Device(name: device), target != .meta else {
            throw ValidationError("--device must be cpu, cuda or cuda:N (got \(device))")
        }
        let modelPath = try model ?? recorded?.extra["modelPath"] ?? DefaultModel.locate().path
        guard let text = prompt ?? recorded?.prompt else { throw ValidationError("no prompt given: pass --prompt TEXT") }

        // A record from before style guidance names a style but no guidance: it was made with none.
        let recordedStyleGuidance = recorded?.extra["styleGuidance"].flatMap(Double.init)
            ?? (recorded?.extra["style"] != nil ? 0 : nil)
        var conditioning = try ImageConditioning(
            controlnet: controlnet ?? recorded?.extra["controlnet"], control: control ?? recorded?.controlLayout,
            controlStyle: controlStyle ?? recorded?.extra["controlStyle"] ?? "segmentation",
            controlScale: controlScale ?? recorded?.controlStrength ?? 0.75,
            controlStart: controlStart ?? recorded?.extra["controlStart"].flatMap(Double.init) ?? 0,
            controlEnd: controlEnd ?? recorded?.extra["controlEnd"].flatMap(Double.init) ?? 1,
            controlOnNegative: !(controlPromptOnly || recorded?.extra["controlOnNegative"] == "false"),
            controlRegion: controlRegion ?? recorded?.extra["controlRegion"],
            controlOutside: controlOutside ?? recorded?.extra["controlOutside"].flatMap(Double.init) ?? 0,
            initImage: `init` ?? recorded?.extra["init"], strength: strength ?? recorded?.extra["strength"].flatMap(Double.init),
            mask: mask ?? recorded?.extra["mask"], maskLayout: maskLayout ?? recorded?.extra["maskLayout"],
            pasteBack: pasteBack || recorded?.extra["pasteBack"] == "true",
            feather: feather ?? recorded?.extra["feather"].flatMap(Int.init) ?? 0,
            fitSteps: fitSteps ?? recorded?.extra["fitSteps"].flatMap(Int.init) ?? 0,
            style: style ?? recorded?.extra["style"], styleScale: styleScale ?? recorded?.extra["styleScale"].flatMap(Double.init),
            styleGuidance: styleGuidance ?? recordedStyleGuidance)
        // A record whose layout was given in full (a nudged or user layout, a layout file) carries the layout's text.
        if conditioning.layout == nil, let text = recorded?.extra["layoutFile"] {
            conditioning.layout = try GivenLayout(text: text, source: "the record's layoutFile")
        }
        var request = TextToImageRequest(prompts: [text])
        let referencePaths = reference.isEmpty
            ? ReferenceImages.paths(fromRecord: recorded?.extra[ReferenceImages.extrasKey]) : reference
        request.references = try ReferenceImages.load(referencePaths)
        let referenceSize = ReferenceImages.defaultSize(of: request.references)
        let modelSize = ModelImageSize.default(forModel: modelPath)
        request.width = width ?? recorded?.width ?? conditioning.sourceSize?.width ?? referenceSize?.width ?? modelSize.width
        request.height = height ?? recorded?.height ?? conditioning.sourceSize?.height ?? referenceSize?.height ?? modelSize.height
        request.steps = steps ?? recorded?.steps ?? 8
        request.guidance = guidance ?? recorded?.guidance ?? 0
        let recordedShaping = GuidanceShaping.recorded(recorded?.extra)
        let shaping = try GuidanceShaping(truncation: cfgTruncation ?? recordedShaping.truncation ?? 1,
                                          normalization: cfgNormalization ?? recordedShaping.normalization ?? 0)
        shaping.apply(to: &request)
        request.seed = seed ?? recorded?.seed ?? UInt64.random(in: 0...UInt64(UInt32.max))
        let negative = negativePrompt ?? recorded?.negativePrompt ?? ""
        request.negativePrompts = [negative]
        if let noise {
            let file = try SafeTensorsFile(url: URL(fileURLWithPath: noise))
            request.latents = try Tensor.load("latents", from: file, dtype: .float32)
        }

        let folder = URL(fileURLWithPath: modelPath)
        let loadStart = Date()
        let pipeline = try ZImagePipeline.load(folder: folder, dtype: computeType, device: target)
        log(String(format: "loaded %@ in %.2f s (%@ on %@)", folder.lastPathComponent, Date().timeIntervalSince(loadStart), "\(computeType)", "\(target)"))
        let prepared = try conditioning.apply(to: &request, pipeline: pipeline, dtype: computeType, device: target)

        let latents = try pipeline.denoise(request) { step, _ in
            let perStep = step.elapsed / Double(step.index + 1)
            log(String(format: "step %d/%d  %.2f s/step  elapsed %.1f s  ETA %.1f s", step.index + 1, step.total, perStep,
                       step.elapsed, perStep * Double(step.total - step.index - 1)))
            return true
        }
        if let saveLatents {
            var writer = SafeTensorsWriter(metadata: ["format": "pt", "producer": "sceneforge generate"])
            try writer.add(name: "latents", tensor: latents)
            try writer.write(to: URL(fileURLWithPath: saveLatents))
        }
        let image = try prepared.finish(ZImagePipeline.rgbaImage(pipeline.decode(latents: latents).squeeze(0)))
        let record = ZImageRecord.make(request: request, negativePrompt: negative, folder: folder,
                                       modelHash: ModelFingerprint.of(folder: folder), prepared: prepared,
                                       dtype: "\(computeType)", device: "\(target)", extra: ["noise": noise ?? ""]
                                           .merging(ReferenceImages.recordExtra(referencePaths)) { _, new in new }
                                           .merging(shaping.recordExtra) { _, new in new })
        try PNGFile.write(image, record: record, to: URL(fileURLWithPath: out))
        log("wrote \(out)")
    }

    private func log(_ line: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
