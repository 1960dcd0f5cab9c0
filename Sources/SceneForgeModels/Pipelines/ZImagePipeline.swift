import Foundation
import SafeTensors
import SceneForgeImaging
import SceneForgeText
import SceneForgeTorch

/// What one text-to-image run asks for. Defaults follow Z-Image Turbo's published settings.
public struct TextToImageRequest: Sendable {
    public var prompts: [String]
    public var negativePrompts: [String]?
    public var width = 1024
    public var height = 1024
    public var steps = 8
    /// Z-Image's guidance: extra weight on (positive − negative); 0 runs one pass per step (Turbo).
    public var guidance = 0.0
    public var cfgTruncation = 1.0
    public var cfgNormalization = 0.0
    public var seed: UInt64 = 0
    /// Initial latents [B, C, H/s, W/s] in float32; drawn from `seed` when nil. With an `edit` this is the
    /// noise that is mixed into the source latents (the reference's `randn_tensor` draw).
    public var latents: Tensor?
    public var maxSequenceLength = 512
    /// Image-to-image / inpainting from a source image (see `ImageEdit`).
    public var edit: ImageEdit?
    /// ControlNet guidance (see `ControlGuidance`).
    public var control: ControlGuidance?
    /// Reference images for a Z-Image-Edit / Omni model (diffusers' ZImageOmniPipeline `image=`): each is VAE-encoded
    /// as clean latents and SigLIP-encoded. Needs an Omni folder (siglip/, transformer `siglip_feat_dim`).
    public var references: [RGBAImage] = []
    /// A style reference for the model's style adapter (`style_adapter/`; see `StyleReference`).
    public var style: StyleReference?

    public init(prompts: [String]) { self.prompts = prompts }
}

/// A reference screenshot whose app style the image should take, through the model's style adapter
/// (IP-Adapter-like decoupled cross-attention). `scale` multiplies the adapter's attention; nil takes the
/// adapter config's `scale`, 0 is exactly the model without the adapter. `guidance` is style guidance (as
/// InstructPix2Pix's image guidance): one more pass per step on the prompt without the reference, and the
/// prediction pushed away from it by this weight; nil takes the adapter config's `guidance`, 0 runs no such pass.
public struct StyleReference: Sendable {
    public var image: RGBAImage
    public var scale: Double?
    public var guidance: Double?

    public init(image: RGBAImage, scale: Double? = nil, guidance: Double? = nil) {
        self.image = image
        self.scale = scale
        self.guidance = guidance
    }
}

/// The denoising loop's report after each step; `elapsed` counts from the first step.
public struct DenoisingStep: Sendable {
    /// 0-based among the steps that run (an edit skips the schedule's first steps).
    public let index: Int
    public let total: Int
    public let elapsed: TimeInterval
    /// The noise level of the latents after this step (0 after the last one).
    public let sigma: Float
    /// The model's current estimate of the clean latents, [B, C, h, w] float32: x̂0 = x_t − σ_t·v, with x_t the
    /// latents this step started from at noise level σ_t and v the velocity it stepped with (flow matching:
    /// x_t = (1 − σ)·x0 + σ·noise, so v = noise − x0). Inpainting blends it with the source latents outside the
    /// mask, like the latents. Equal to the latents after the last step. What a preview should show.
    public let denoised: Tensor

    public init(index: Int, total: Int, elapsed: TimeInterval, sigma: Float, denoised: Tensor) {
        self.index = index
        self.total = total
        self.elapsed = elapsed
        self.sigma = sigma
        self.denoised = denoised
    }
}

public struct GenerationCancelled: Error, CustomStringConvertible, Sendable {
    public let afterStep: Int
    public var description: String { "generation cancelled after step \(afterStep)" }
    public init(afterStep: Int) { self.afterStep = afterStep }
}

public enum PipelineError: Error, CustomStringConvertible {
    case missingComponent(String, folder: String)
    case invalidRequest(String)
    case noDefaultModel(searched: [String])

    public var description: String {
        switch self {
        case .missingComponent(let name, let folder): return "\(folder): the model has no '\(name)' component (expected the folder \(folder)/\(name))"
        case .invalidRequest(let why): return "invalid generation request: \(why)"
        case .noDefaultModel(let searched):
            return "no model given and no default model found; pass --model DIR or set SCENEFORGE_MODEL. Looked in:\n"
                + searched.map { "  " + $0 }.joined(separator: "\n")
        }
    }
}

/// Z-Image text-to-image, as diffusers' ZImagePipeline: chat-templated prompt → Qwen3's second-to-last
/// hidden state → flow-matching Euler over the DiT's (negated) velocity → VAE decode.
public final class ZImagePipeline {
    public let folder: URL
    public let tokenizer: BPETokenizer
    public let textEncoder: Qwen3TextEncoder
    public let transformer: ZImageTransformer
    public let vae: AutoencoderKL
    public let schedulerConfig: FlowMatchEulerConfig
    public let device: Device
    public let dtype: DType
    /// Present for a Z-Image-Edit / Omni folder: the pipeline then runs the transformer in omni mode.
    public let omni: ZImageOmniComponents?
    /// The optional style adapter (`style_adapter/` in the model folder), loaded with the model when present.
    public var styleAdapter: StyleAdapter?

    /// Loads a diffusers-layout folder: model_index.json, tokenizer/, text_encoder/, transformer/, vae/, scheduler/,
    /// and for an Omni/Edit model (model_index `_class_name` ZImageOmniPipeline) siglip/ and siglip_processor/.
    public static func load(folder: URL, dtype: DType = .float32, device: Device = .cpu) throws -> ZImagePipeline {
        func component(_ name: String) throws -> URL {
            let url = folder.appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else {
                throw PipelineError.missingComponent(name, folder: folder.path)
            }
            return url
        }
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("model_index.json").path) else {
            throw PipelineError.missingComponent("model_index.json", folder: folder.path)
        }
        let scheduler = try component("scheduler").appendingPathComponent("scheduler_config.json")
        let transformer = try ZImageTransformer.load(folder: component("transformer"), dtype: dtype, device: device)
        let omni = isOmniFolder(folder)
            ? try loadOmniComponents(folder: folder, transformer: transformer, dtype: dtype, device: device) : nil
        let pipeline = try ZImagePipeline(
            folder: folder,
            tokenizer: BPETokenizer(folder: component("tokenizer")),
            textEncoder: Qwen3TextEncoder.load(folder: component("text_encoder"), dtype: dtype, device: device),
            transformer: transformer,
            vae: AutoencoderKL.load(folder: component("vae"), dtype: dtype, device: device),
            schedulerConfig: FlowMatchEulerConfig.load(contentsOf: scheduler),
            device: device, dtype: dtype, omni: omni)
        if StyleAdapter.exists(in: folder) {
            pipeline.styleAdapter = try StyleAdapter.load(folder: StyleAdapter.folder(in: folder), transformer: transformer.config,
                                                          vae: pipeline.vae.config, dtype: dtype, device: device)
        }
        return pipeline
    }

    public init(folder: URL, tokenizer: BPETokenizer, textEncoder: Qwen3TextEncoder, transformer: ZImageTransformer,
                vae: AutoencoderKL, schedulerConfig: FlowMatchEulerConfig, device: Device, dtype: DType,
                omni: ZImageOmniComponents? = nil) {
        self.folder = folder
        self.tokenizer = tokenizer
        self.textEncoder = textEncoder
        self.transformer = transformer
        self.vae = vae
        self.schedulerConfig = schedulerConfig
        self.device = device
        self.dtype = dtype
        self.omni = omni
    }

    /// Pixels per latent cell.
    public var vaeScaleFactor: Int { vae.config.scaleFactor }

    /// One caption per prompt: the encoder's second-to-last hidden state on the chat-templated prompt,
    /// only the real (unpadded) tokens, shape [L_i, hidden].
    public func encode(prompts: [String], maxSequenceLength: Int = 512) throws -> [Tensor] {
        let batch = try tokenizer.encodeZImagePrompts(prompts, maxLength: maxSequenceLength)
        return try withNoGrad {
            try zip(batch.ids, batch.attentionMask).map { ids, mask in
                // Right padding under a causal mask: the real tokens do not see the padding, so each
                // prompt runs alone on just its real tokens (the reference's rows, verified in the fixtures).
                let length = mask.reduce(0, +)
                let tokens = try Tensor(ids.prefix(length).map(Int64.init), shape: [1, length], device: device)
                return try textEncoder.hiddenStates(inputIDs: tokens).squeeze(0)
            }
        }
    }

    /// The denoising loop; returns the final latents [B, C, h, w] in float32. `onStep` sees each step
    /// and the current latents, and returns false to cancel (the loop then throws `GenerationCancelled`).
    public func denoise(_ request: TextToImageRequest, onStep: (DenoisingStep, Tensor) throws -> Bool = { _, _ in true }) throws -> Tensor {
        try withNoGrad {
            let batch = request.prompts.count
            guard batch > 0 else { throw PipelineError.invalidRequest("no prompt") }
            let multiple = vaeScaleFactor * 2
            guard request.width > 0, request.height > 0, request.width % multiple == 0, request.height % multiple == 0 else {
                throw PipelineError.invalidRequest("width and height must be positive multiples of \(multiple) (got \(request.width)x\(request.height))")
            }
            guard request.steps >= 1 else { throw PipelineError.invalidRequest("steps must be at least 1") }
            let (h, w) = (request.height / vaeScaleFactor, request.width / vaeScaleFactor)
            let shape = [batch, transformer.config.inChannels, h, w]

            if !request.references.isEmpty, omni == nil {
                throw PipelineError.invalidRequest("reference images need a Z-Image-Edit/Omni model (model_index.json "
                    + "ZImageOmniPipeline with siglip/); \(folder.path) is a text-to-image model")
            }
            if request.style != nil, styleAdapter == nil {
                throw PipelineError.invalidRequest("a style reference needs a model with a style adapter (style_adapter/); "
                    + "\(folder.path) has none")
            }
            if omni != nil, request.edit != nil || request.control != nil || request.style != nil {
                throw PipelineError.invalidRequest("img2img/inpainting and ControlNet are not supported with a Z-Image "
                    + "Omni/Edit model; give reference images instead")
            }
            var styleGuidance = 0.0
            let style = try request.style.flatMap { reference -> ZImageStyleConditioning? in
                guard let adapter = styleAdapter else { return nil }
                let scale = reference.scale ?? adapter.config.scale
                guard scale.isFinite else { throw PipelineError.invalidRequest("style scale must be a finite number (got \(scale))") }
                styleGuidance = reference.guidance ?? adapter.config.guidance
                guard styleGuidance.isFinite, styleGuidance >= 0 else {
                    throw PipelineError.invalidRequest("style guidance must be a number ≥ 0 (got \(styleGuidance))")
                }
                return try adapter.conditioning(tokens: adapter.tokens(reference: reference.image, vae: vae), scale: scale)
            }
            // Omni models caption in segments around each reference image (and always run the omni sequence).
            let omniReferences = try omni.map { try referenceConditioning(request.references, omni: $0) }
            let encodeAll: ([String]) throws -> [[Tensor]] = { prompts in
                self.omni == nil
                    ? try self.encode(prompts: prompts, maxSequenceLength: request.maxSequenceLength).map { [$0] }
                    : try self.encodeOmni(prompts: prompts, images: request.references.count,
                                          maxSequenceLength: request.maxSequenceLength)
            }
            let positive = try encodeAll(request.prompts)
            let guided = request.guidance > 0
            var negative: [[Tensor]] = []
            if guided {
                let negatives = request.negativePrompts ?? Array(repeating: "", count: batch)
                guard negatives.count == batch else {
                    throw PipelineError.invalidRequest("\(negatives.count) negative prompts for \(batch) prompts")
                }
                negative = try encodeAll(negatives)
            }

            var noise: Tensor
            if let given = request.latents {
                guard given.shape == shape else {
                    throw PipelineError.invalidRequest("initial latents have shape \(given.shape), this request needs \(shape)")
                }
                noise = try given.to(device, .float32)
            } else {
                noise = try Tensor.randn(shape, generator: Generator(seed: request.seed), device: device)
            }

            let scheduler = try ZImageSchedule.scheduler(config: schedulerConfig, numInferenceSteps: request.steps,
                                                         latentHeight: h, latentWidth: w)
            var steps = scheduler.steps
            var latents = noise
            // An edit starts part-way: the source latents noised to the first kept step (img2img / inpaint).
            var source: (latents: Tensor, mask: Tensor?)?
            if let edit = request.edit {
                guard edit.fitSteps >= 0, edit.fitSteps == 0 || edit.mask != nil else {
                    throw PipelineError.invalidRequest("fit steps must be ≥ 0 and need a mask: they fit what is outside it "
                        + "(got \(edit.fitSteps)\(edit.mask == nil ? " without a mask" : ""))")
                }
                let skipped = try Self.skippedSteps(total: steps.count, strength: edit.strength)
                steps.removeFirst(skipped)
                let image = try imageLatents(edit.image, what: "the source image", height: request.height, width: request.width)
                    .expand(shape)
                latents = try Self.scaleNoise(image, sigma: steps[0].sigma, noise: noise)
                let mask = try edit.mask.map {
                    try Self.latentMask($0, height: request.height, width: request.width, latentHeight: h, latentWidth: w).to(device)
                }
                source = (image, mask)
            }
            let control = try request.control.map { guidance in
                let latents = try controlLatents(guidance, batch: batch, height: request.height, width: request.width)
                return (guidance, latents, try guidance.latentRegions(like: latents))
            }

            let start = Date()
            for (i, step) in steps.enumerated() {
                let applyGuidance = ZImageSchedule.appliesGuidance(guidanceScale: request.guidance, cfgTruncation: request.cfgTruncation,
                                                                   timestep: step.timestep)
                // At style scale 0 the unstyled pass would equal the styled one: skip it, so scale 0 stays exactly no adapter.
                let branches = GuidanceBranches(batch: batch, negative: applyGuidance,
                                                unstyled: styleGuidance > 0 && (style.map { $0.scale != 0 } ?? false))
                let modelInput = try latents.to(dtype)
                let samples = try (0..<batch).map { try modelInput.narrow(dim: 0, start: $0, length: 1).squeeze(0).unsqueeze(1) }
                let time = Double(ZImageSchedule.modelTimestep(step.timestep))
                var hook: ZImageControlHook?
                if let (guidance, hints, regions) = control, guidance.applies(atStep: step.index, of: scheduler.numInferenceSteps) {
                    hook = { try guidance.hints($0, control: hints, regions: regions, branches: branches) }
                }
                let captions = branches.captions(positive: positive, negative: negative)
                let targets = branches.repeated(samples)
                let outputs = try omniReferences.map {
                    try omniVelocities(targets: targets, captions: captions, references: $0, time: time)
                } ?? transformer.forward(
                    latents: targets, timesteps: Tensor.full([targets.count], time, device: device),
                    captions: captions.map { $0[0] }, style: style?.onlyFirst(batch), control: hook)
                let velocities = try (0..<batch).map {
                    try branches.velocity(outputs, sample: $0, guidance: request.guidance, styleGuidance: styleGuidance,
                                          normalization: request.cfgNormalization)
                }
                // The transformer predicts the negated flow; the scheduler steps x ← x + dt·(−out).
                let noisePrediction = try -Tensor.stack(velocities, dim: 0).squeeze(2)
                var denoised = try latents - noisePrediction * Double(step.sigma)
                latents = try latents + noisePrediction * Double(step.dt)
                if let source, let mask = source.mask {
                    // Inpaint blend: outside the mask, the source noised to the next step's level (clean at the end).
                    let kept = i + 1 < steps.count
                        ? try Self.scaleNoise(source.latents, sigma: step.sigmaNext, noise: noise) : source.latents
                    latents = try (1 - mask) * kept + mask * latents
                    denoised = try (1 - mask) * source.latents + mask * denoised
                }
                let last = i + 1 == steps.count
                let report = DenoisingStep(index: i, total: steps.count, elapsed: Date().timeIntervalSince(start),
                                           sigma: last ? 0 : step.sigmaNext, denoised: last ? latents : denoised)
                guard try onStep(report, latents) else { throw GenerationCancelled(afterStep: i + 1) }
            }
            if let edit = request.edit, edit.fitSteps > 0, let source, let latentMask = source.mask, let mask = edit.mask {
                latents = try LatentFit.fit(latents, source: edit.image, mask: mask, latentMask: latentMask, vae: vae,
                                            steps: edit.fitSteps, dtype: dtype)
            }
            return latents
        }
    }

    /// Decodes latents to images in [-1, 1], [B, 3, H, W] float32.
    public func decode(latents: Tensor) throws -> Tensor {
        try withNoGrad { try vae.latentsToImage(latents.to(dtype)).to(.float32) }
    }

    /// The whole run: prompts to 8-bit images, as the reference's PIL output.
    public func generate(_ request: TextToImageRequest, onStep: (DenoisingStep, Tensor) throws -> Bool = { _, _ in true }) throws -> [RGBAImage] {
        let images = try decode(latents: denoise(request, onStep: onStep))
        return try (0..<images.size(0)).map { try Self.rgbaImage(images.narrow(dim: 0, start: $0, length: 1).squeeze(0)) }
    }

    /// A [3, H, W] image in [-1, 1] to 8 bits: `round(clamp(x/2 + 0.5, 0, 1) · 255)`, as diffusers' postprocess.
    public static func rgbaImage(_ image: Tensor) throws -> RGBAImage {
        let (height, width) = (image.size(1), image.size(2))
        let opaque = try Tensor.full([1, height, width], 255)
        let channels = try Tensor.cat([((image / 2 + 0.5).clamp(min: 0, max: 1) * 255).round(), opaque], dim: 0)
        let hwc = try channels.permute(1, 2, 0).contiguous()
        return try RGBAImage(width: width, height: height, pixels: hwc.toArray(as: UInt8.self))
    }
}
