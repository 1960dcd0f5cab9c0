import Foundation
import SceneForgeEngine
import SceneForgeImaging
import SceneForgeScenes

/// A batch job as the engine's generators take it: the job's settings, plus its ControlNet conditioning in the
/// engine's `extras` vocabulary (docs/protocol.md), drawn through the same `ImageConditioning` code as
/// `sceneforge generate`. The control image is the job's layout rasterised at the image size, written as a PNG
/// (so a scenario's own layouts work too, not only the engine's built-in ones).
struct BatchJobRequest {
    private(set) var extras: [String: JSONValue]

    /// `controlNet`: the ControlNet for jobs with `control_scale > 0` (nil: the model's own controlnet/, which the
    /// generator finds through `ImageConditioning`); `scratch`: where control images go.
    /// A job's `style` becomes the `style` / `style_scale` extras (the model's style adapter); its guidance options
    /// become theirs.
    init(_ job: BatchJob, controlNet: String?, scratch: URL) throws {
        try self.init(control: job, controlNet: controlNet, scratch: scratch)
        if let path = job.stylePath {
            extras.merge(ImageConditioning.styleExtras(path: path, scale: job.styleStrength)) { _, new in new }
        }
        if let edit = job.edit { try extras.merge(Self.editExtras(edit, job: job, scratch: scratch)) { _, new in new } }
        extras.merge(job.guidanceOptions.extras) { _, new in new }
        // A region "from-layout" is the scene's layout's, drawn to a PNG like the control image (a scenario's own
        // layouts included, which the generator cannot look up by id).
        if job.guidanceOptions.controlRegion != nil, job.controlScale > 0, let layout = job.layout {
            let region = try LayoutRasterizer(layout: layout, width: job.width, height: job.height).inpaintingMask().rgba()
            extras["control_region"] = .string(try Self.scratchPNG(region, named: "\(job.id)-control-region.png", in: scratch))
        }
    }

    /// A scene's edit as the engine's extras; a mask from the layout is rasterised to a PNG like the control image.
    private static func editExtras(_ edit: SceneEdit, job: BatchJob, scratch: URL) throws -> [String: JSONValue] {
        var extras: [String: JSONValue] = ["init": .string(edit.sourcePath)]
        if let strength = edit.strength { extras["strength"] = .double(strength) }
        switch edit.mask {
        case nil: return extras
        case .image(_, let path)?: extras["mask"] = .string(path)
        case .fromLayout?:
            guard let layout = job.layout else { throw OutputError("scene '\(job.scene)' masks from its layout but has none") }
            let mask = try LayoutRasterizer(layout: layout, width: job.width, height: job.height).inpaintingMask().rgba()
            extras["mask"] = .string(try scratchPNG(mask, named: "\(job.id)-mask.png", in: scratch))
        }
        if edit.pasteBack { (extras["paste_back"], extras["feather"]) = (.bool(true), .int(Int64(edit.feather))) }
        if edit.fitSteps > 0 { extras["fit_steps"] = .int(Int64(edit.fitSteps)) }
        return extras
    }

    private init(control job: BatchJob, controlNet: String?, scratch: URL) throws {
        guard job.controlScale > 0 else { extras = [:]; return }
        guard controlNet != nil || ImageConditioning.ownControlNet(ofModel: URL(fileURLWithPath: job.modelPath)) != nil else {
            throw OutputError("scene '\(job.scene)' asks for control_scale \(job.controlScale) but no ControlNet was given "
                + "and the model \(job.modelPath) has no controlnet/ of its own")
        }
        guard let layout = job.layout else {
            throw OutputError("scene '\(job.scene)' asks for control_scale \(job.controlScale) but has no layout to draw the control image from")
        }
        let rasterizer = try LayoutRasterizer(layout: layout, width: job.width, height: job.height)
        let image = try ImageConditioning.controlImage(rasterizer, style: "segmentation")
        let path = try Self.scratchPNG(image, named: "\(job.id)-control.png", in: scratch)
        var extras: [String: JSONValue] = ["control": .string(path), "control_scale": .double(job.controlScale),
                                           "control_start": .double(job.controlStart), "control_end": .double(job.controlEnd)]
        if let controlNet { extras["controlnet"] = .string(controlNet) }
        self.extras = extras
    }

    /// Writes a layout-drawn image the generator reads by path (a control image, a mask); returns the path.
    private static func scratchPNG(_ image: RGBAImage, named name: String, in scratch: URL) throws -> String {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let path = scratch.appendingPathComponent(name)
        try PNGFile.write(image, record: nil, to: path)
        return path.path
    }

    func generationJob(_ job: BatchJob, outputPath: String) -> GenerationJob {
        GenerationJob(id: job.id, prompt: job.prompt, negativePrompt: job.negativePrompt, width: job.width, height: job.height,
                      steps: job.steps, guidance: job.guidance, seed: job.seed, model: job.modelPath, outputPath: outputPath,
                      preview: .off, extras: extras)
    }

    func jobSpec(_ job: BatchJob, outputPath: String, dtype: String?, device: String?) -> JobSpec {
        JobSpec(id: job.id, prompt: job.prompt, negativePrompt: job.negativePrompt, width: job.width, height: job.height,
                steps: job.steps, guidance: job.guidance, seed: job.seed, model: job.modelPath, dtype: dtype, device: device,
                output: outputPath, previewEverySteps: 0, extras: extras)
    }
}

extension BatchRecord {
    /// The batch's record for `job`, with what only the generator knows taken from the record it made
    /// (model hash, sampler, the ControlNet and how it was applied).
    static func make(_ job: BatchJob, generated: GenerationRecord, createdAt: Date) -> GenerationRecord {
        var record = make(job, modelHash: generated.modelHash, sampler: generated.sampler, createdAt: createdAt)
        for key in ["controlnet", "controlnetVersion", "controlStyle", "controlStart", "controlEnd", "style", "styleScale", "styleGuidance",
                    "controlOnNegative", "controlRegion", "controlOutside", "cfgTruncation", "cfgNormalization", "init", "strength", "pasteBack", "feather", "fitSteps"] {
            if let value = generated.extra[key] { record.extra[key] = value }
        }
        // The generator saw the layout's mask and control region as scratch PNGs; the record says where they came from.
        if let region = job.guidanceOptions.controlRegion { record.extra["controlRegion"] = region }
        switch job.edit?.mask {
        case .fromLayout?: record.extra["mask"] = "from-layout"
        case .image(_, let path)?: record.extra["mask"] = path
        case nil: break
        }
        return record
    }
}
