import Foundation
import SceneForgeEngine
import SceneForgeImaging
import SceneForgeModels
import SceneForgeTorch

/// Runs jobs on the engine's Z-Image generator inside this process (no child engine), keeping each loaded
/// model folder for the next job that names it. The same code as the engine runs; what it saves is the child
/// process: useful for debugging and profiling a batch, and for library callers with no `sceneforge` binary.
public final class InProcessZImageGenerator: BatchImageGenerator {
    public let name = "the in-process Z-Image pipeline"
    public var capabilities: GeneratorCapabilities { GeneratorCapabilities(controlNet: controlNet != nil, loras: false, styleReference: true) }

    private let dtype: DType
    private let device: Device
    private let controlNet: String?
    private let scratch: URL
    private let loader = ZImageGeneratorLoader()
    private var generators: [String: ImageGenerator] = [:]

    /// `controlNet`: a Z-Image ControlNet for jobs with `control_scale > 0`.
    public init(dtype: DType = .float32, device: Device = .cpu, controlNet: String? = nil) {
        self.dtype = dtype
        self.device = device
        self.controlNet = controlNet
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sceneforge-batch-\(getpid())-\(UUID().uuidString.prefix(8))")
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    public func generate(_ job: BatchJob, createdAt: Date, progress: (JobProgress) -> Void) throws -> GeneratedImage {
        let generator = try loaded(job.modelPath)
        let request = try BatchJobRequest(job, controlNet: controlNet, scratch: scratch)
        let start = Date()
        let result = try generator.generate(request.generationJob(job, outputPath: "")) { step, _ in
            progress(JobProgress(step: step.index, totalSteps: step.total, elapsed: Date().timeIntervalSince(start)))
            return true
        }
        return GeneratedImage(image: result.image, record: BatchRecord.make(job, generated: result.record, createdAt: createdAt))
    }

    private func loaded(_ path: String) throws -> ImageGenerator {
        if let hit = generators[path] { return hit }
        let generator = try loader.load(model: path, dtype: dtype, device: device)
        generators[path] = generator
        return generator
    }
}
