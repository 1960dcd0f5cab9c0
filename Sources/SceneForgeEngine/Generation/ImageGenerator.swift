import Foundation
import SceneForgeTorch

/// A validated job, with every default filled in: what a generator runs.
public struct GenerationJob: Sendable {
    public var id: String
    public var prompt: String
    public var negativePrompt: String
    public var width: Int
    public var height: Int
    public var steps: Int
    public var guidance: Double
    public var seed: UInt64
    /// The model path or name as requested; nil: the engine's default model.
    public var model: String?
    public var dtype: DType
    public var device: Device
    public var outputPath: String
    public var preview: PreviewPolicy
    public var extras: [String: JSONValue]

    public init(id: String, prompt: String, negativePrompt: String = "", width: Int, height: Int, steps: Int,
                guidance: Double = 0, seed: UInt64, model: String? = nil, dtype: DType = .float32, device: Device = .cpu,
                outputPath: String, preview: PreviewPolicy = .throttled(minimumInterval: 0.1, size: 64),
                extras: [String: JSONValue] = [:]) {
        self.id = id
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.width = width
        self.height = height
        self.steps = steps
        self.guidance = guidance
        self.seed = seed
        self.model = model
        self.dtype = dtype
        self.device = device
        self.outputPath = outputPath
        self.preview = preview
        self.extras = extras
    }
}

/// When the engine sends thumbnails of a running job.
public enum PreviewPolicy: Equatable, Sendable {
    case off
    /// Every `steps` steps (1: every step).
    case everySteps(Int, size: Int)
    /// At most one every `minimumInterval` seconds.
    case throttled(minimumInterval: Double, size: Int)
}

/// Where a job stands after one denoising step.
public struct StepInfo: Sendable {
    /// 1-based: `index == total` is the last step.
    public var index: Int
    public var total: Int
    public var sigma: Float

    public init(index: Int, total: Int, sigma: Float) {
        self.index = index
        self.total = total
        self.sigma = sigma
    }
}

/// An 8-bit RGB image, row-major, 3 bytes per pixel.
public struct RGBImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

public struct GenerationResult: Sendable {
    public var image: RGBImage
    /// What the generator adds to the job's record (model hash, sampler, scheduler settings...).
    public var record: [String: JSONValue]

    public init(image: RGBImage, record: [String: JSONValue]) {
        self.image = image
        self.record = record
    }
}

/// Thrown by `generate` when `onStep` returned false.
public struct GenerationCancelled: Error, Sendable {
    public init() {}
}

/// A loaded text-to-image model. The engine calls it from one worker thread, one job at a time.
public protocol ImageGenerator: AnyObject {
    /// Runs one job; calls `onStep` after each denoising step with the latents to preview ([1, C, H/8, W/8]:
    /// the current estimate of the final latents). Returning false cancels: `generate` then throws
    /// `GenerationCancelled` and releases the job's tensors before returning.
    func generate(_ job: GenerationJob, onStep: (StepInfo, Tensor) -> Bool) throws -> GenerationResult
    /// A full-resolution decode of latents (the VAE for a real model), for `decode_preview` requests.
    func decode(_ latents: Tensor) throws -> RGBImage
    /// One line naming the model, its size and where it came from.
    var modelDescription: String { get }
}

/// Loads models by name or path; what the engine uses for `load` requests and for each job's `model`.
public protocol ImageGeneratorLoader {
    /// The name a job's absent `model` resolves to.
    var defaultModel: String { get }
    /// A quick check (no loading) that `model` names something loadable; throws an error naming the problem.
    func validate(model: String) throws
    /// Throws an error naming the model and what is wrong (missing file, unknown name, bad checkpoint).
    func load(model: String, dtype: DType, device: Device) throws -> ImageGenerator
}
