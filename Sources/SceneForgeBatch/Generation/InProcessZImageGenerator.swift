import Foundation
import SceneForgeImaging
import SceneForgeModels
import SceneForgeTorch

/// Runs jobs on the Z-Image pipeline inside this process, keeping each loaded model folder for
/// the next job that names it.
public final class InProcessZImageGenerator: BatchImageGenerator {
    public let name = "the in-process Z-Image pipeline"
    public let capabilities = GeneratorCapabilities(controlNet: false, loras: false, styleReference: false)
    public static let sampler = "flow_match_euler"

    private let dtype: DType
    private let device: Device
    private var pipelines: [String: (pipeline: ZImagePipeline, fingerprint: String)] = [:]

    public init(dtype: DType = .float32, device: Device = .cpu) {
        self.dtype = dtype
        self.device = device
    }

    public func generate(_ job: BatchJob, createdAt: Date, progress: (JobProgress) -> Void) throws -> GeneratedImage {
        let (pipeline, fingerprint) = try loaded(job.modelPath)
        var request = TextToImageRequest(prompts: [job.prompt])
        request.negativePrompts = [job.negativePrompt]
        (request.width, request.height, request.steps, request.guidance, request.seed) = (job.width, job.height, job.steps, job.guidance, job.seed)
        let images = try pipeline.generate(request) { step, _ in
            progress(JobProgress(step: step.index + 1, totalSteps: step.total, elapsed: step.elapsed))
            return true
        }
        guard let image = images.first else { throw PipelineError.invalidRequest("the pipeline returned no image") }
        let record = BatchRecord.make(job, modelHash: fingerprint, sampler: Self.sampler, createdAt: createdAt)
        return GeneratedImage(image: image, record: record)
    }

    private func loaded(_ path: String) throws -> (ZImagePipeline, String) {
        if let hit = pipelines[path] { return hit }
        let folder = URL(fileURLWithPath: path)
        let entry = (try ZImagePipeline.load(folder: folder, dtype: dtype, device: device), ModelFingerprint.of(folder: folder))
        pipelines[path] = entry
        return entry
    }
}
