import Foundation
import SceneForgeImaging
import SceneForgeModels
import SceneForgeTorch

/// A Z-Image model folder loaded into the engine: jobs run through `ZImagePipeline.denoise` with the same image
/// conditioning and record as `sceneforge generate`, so an engine PNG and a `generate` PNG of the same settings match.
public final class ZImageGenerator: ImageGenerator {
    public let pipeline: ZImagePipeline
    public let fingerprint: String
    /// The last ControlNet a job used, kept for the next job that names it.
    private var controlNet: (path: String, net: ZImageControlNet)?

    public init(folder: URL, dtype: DType, device: Device) throws {
        pipeline = try ZImagePipeline.load(folder: folder, dtype: dtype, device: device)
        fingerprint = ModelFingerprint.of(folder: folder)
    }

    public var modelDescription: String {
        let t = pipeline.transformer.config
        return "\(pipeline.folder.lastPathComponent): Z-Image (\(t.nLayers) layers, dim \(t.dim)) from \(pipeline.folder.path) "
            + "(\(pipeline.dtype), \(pipeline.device), fingerprint \(fingerprint))"
    }

    public func generate(_ job: GenerationJob, onStep: (StepInfo, Tensor) -> Bool) throws -> GenerationResult {
        let conditioning = try ImageConditioning(extras: job.extras)
        var request = TextToImageRequest(prompts: [job.prompt])
        request.negativePrompts = [job.negativePrompt]
        (request.width, request.height, request.steps) = (job.width, job.height, job.steps)
        (request.guidance, request.seed) = (job.guidance, job.seed)
        let shaping = try GuidanceShaping(extras: job.extras)
        shaping.apply(to: &request)
        let referencePaths = try ReferenceImages.paths(fromExtras: job.extras)
        request.references = try ReferenceImages.load(referencePaths)
        let prepared = try conditioning.apply(to: &request, pipeline: pipeline, dtype: pipeline.dtype, device: pipeline.device,
                                              loadControlNet: cachedControlNet)
        let latents = try pipeline.denoise(request) { step, _ in
            onStep(StepInfo(index: step.index + 1, total: step.total, sigma: step.sigma), step.denoised)
        }
        let image = try prepared.finish(decode(latents))
        let record = ZImageRecord.make(request: request, negativePrompt: job.negativePrompt, folder: pipeline.folder,
                                       modelHash: fingerprint, prepared: prepared, dtype: "\(pipeline.dtype)",
                                       device: "\(pipeline.device)", id: job.id,
                                       extra: ReferenceImages.recordExtra(referencePaths).merging(shaping.recordExtra) { _, new in new })
        return GenerationResult(image: image, record: record,
                                usedExtras: ImageConditioning.extrasKeys.union(GuidanceShaping.extrasKeys).union([ReferenceImages.extrasKey]))
    }

    public func decode(_ latents: Tensor) throws -> RGBAImage {
        try ZImagePipeline.rgbaImage(pipeline.decode(latents: latents).squeeze(0))
    }

    private func cachedControlNet(_ url: URL) throws -> ZImageControlNet {
        if let controlNet, controlNet.path == url.path { return controlNet.net }
        controlNet = nil
        let net = try ZImageControlNet.load(url, transformer: pipeline.transformer.config, dtype: pipeline.dtype,
                                            device: pipeline.device)
        controlNet = (url.path, net)
        return net
    }
}

/// The engine's models: a diffusers-layout Z-Image folder by path, or the built-in `scheduled-noise` test generator.
public struct ZImageGeneratorLoader: ImageGeneratorLoader {
    /// "" when no default model is configured (`--model` / `SCENEFORGE_MODEL`).
    public let defaultModel: String

    public init(defaultModel: String = "") {
        self.defaultModel = defaultModel
    }

    /// `--model` first, then `DefaultModel`'s search (`SCENEFORGE_MODEL`, the embedded model), else none.
    public static func configuredDefault(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let flag, !flag.isEmpty { return flag }
        return (try? DefaultModel.locate(environment: environment).path) ?? ""
    }

    public func validate(model: String) throws {
        if model == ScheduledNoiseGenerator.modelName { return }
        guard !model.isEmpty else {
            throw EngineError("no model given and no default model found (looked in: "
                + DefaultModel.candidates().map(\.path).joined(separator: ", ")
                + "): name a Z-Image folder in the job's `model`, start the engine with --model DIR, or set SCENEFORGE_MODEL")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: model, isDirectory: &isFolder) else {
            throw EngineError("model '\(model)' not found: no such folder, and not a built-in model "
                + "(built-in: \(ScheduledNoiseGenerator.modelName))")
        }
        guard isFolder.boolValue, FileManager.default.fileExists(atPath: (model as NSString).appendingPathComponent("model_index.json")) else {
            throw EngineError("model '\(model)' is not a diffusers-layout Z-Image folder (no model_index.json in it)")
        }
    }

    /// The folder's declared size (`ModelImageSize`): 128x256 for the embedded model, Z-Image's 1024x1024 otherwise.
    public func defaultSize(model: String) -> (width: Int, height: Int) {
        model == ScheduledNoiseGenerator.modelName ? ModelImageSize.zImageDefault : ModelImageSize.default(forModel: model)
    }

    public func load(model: String, dtype: DType, device: Device) throws -> ImageGenerator {
        guard dtype.isFloatingPoint else { throw EngineError("dtype \(dtype) is not a floating-point type") }
        try validate(model: model)
        if model == ScheduledNoiseGenerator.modelName { return ScheduledNoiseGenerator(dtype: dtype, device: device) }
        return try ZImageGenerator(folder: URL(fileURLWithPath: model).standardizedFileURL, dtype: dtype, device: device)
    }
}
