import Foundation
import SceneForgeImaging
import SceneForgeModels
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

public struct GenerationResult: Sendable {
    public var image: RGBAImage
    /// The full generation record, written into the PNG (and sent in `done`).
    public var record: GenerationRecord
    /// The job extras the generator acted on; the engine copies the others into the record as they came.
    public var usedExtras: Set<String>

    public init(image: RGBAImage, record: GenerationRecord, usedExtras: Set<String> = []) {
        self.image = image
        self.record = record
        self.usedExtras = usedExtras
    }
}

/// A loaded text-to-image model. The engine calls it from one worker thread, one job at a time.
public protocol ImageGenerator: AnyObject {
    /// Runs one job; calls `onStep` after each denoising step with the latents to preview ([1, C, H/8, W/8]:
    /// the current estimate of the final latents, the denoised x̂0 for a diffusion model). Returning false
    /// cancels: `generate` then throws the pipeline's `GenerationCancelled` and releases the job's tensors first.
    func generate(_ job: GenerationJob, onStep: (StepInfo, Tensor) -> Bool) throws -> GenerationResult
    /// A full-resolution decode of latents (the VAE for a real model), for `decode_preview` requests.
    func decode(_ latents: Tensor) throws -> RGBAImage
    /// One line naming the model, its size and where it came from.
    var modelDescription: String { get }
}

/// Loads models by name or path; what the engine uses for `load` requests and for each job's `model`.
public protocol ImageGeneratorLoader {
    /// The name a job's absent `model` resolves to; "" when none is configured (`validate` then says so).
    var defaultModel: String { get }
    /// A quick check (no loading) that `model` names something loadable; throws an error naming the problem.
    func validate(model: String) throws
    /// The size a job on `model` gets when it names none (read from the model's configs, no loading).
    func defaultSize(model: String) -> (width: Int, height: Int)
    /// Throws an error naming the model and what is wrong (missing file, unknown name, bad checkpoint).
    func load(model: String, dtype: DType, device: Device) throws -> ImageGenerator
}
