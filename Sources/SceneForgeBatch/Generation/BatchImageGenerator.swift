import Foundation
import SceneForgeEngine
import SceneForgeImaging

/// Progress inside one job, as a generator reports it.
public struct JobProgress: Sendable {
    public var step: Int
    public var totalSteps: Int
    public var elapsed: TimeInterval

    public init(step: Int, totalSteps: Int, elapsed: TimeInterval) {
        self.step = step
        self.totalSteps = totalSteps
        self.elapsed = elapsed
    }
}

/// What a generator can honour; a batch asking for more is refused before any job runs,
/// so no image's record claims conditioning the image never had.
public struct GeneratorCapabilities: Sendable {
    public var controlNet: Bool
    public var loras: Bool
    public var styleReference: Bool

    public init(controlNet: Bool, loras: Bool, styleReference: Bool) {
        self.controlNet = controlNet
        self.loras = loras
        self.styleReference = styleReference
    }
}

/// A generated image with the facts only the generator knows (model hash, sampler...).
public struct GeneratedImage: Sendable {
    public var image: RGBAImage
    public var record: GenerationRecord

    public init(image: RGBAImage, record: GenerationRecord) {
        self.image = image
        self.record = record
    }
}

/// The seam between the batch runner and whatever makes pixels: the engine process (design.md §3,
/// `EngineBatchGenerator`) or the same generator in this process (`InProcessZImageGenerator`).
public protocol BatchImageGenerator: AnyObject {
    var name: String { get }
    var capabilities: GeneratorCapabilities { get }
    /// `record` is filled from the job (`BatchRecord.make`) plus the generator's own facts; `createdAt` is given
    /// so a batch can make it reproducible.
    func generate(_ job: BatchJob, createdAt: Date, progress: (JobProgress) -> Void) throws -> GeneratedImage
}

extension BatchImageGenerator {
    /// Why this generator cannot run `job` as asked, or nil when it can.
    public func unsupportedFeature(of job: BatchJob) -> String? {
        let modelHasControlNet = ImageConditioning.ownControlNet(ofModel: URL(fileURLWithPath: job.modelPath)) != nil
        if job.controlScale > 0 && !capabilities.controlNet && !modelHasControlNet {
            return "control_scale \(job.controlScale) (\(name) has no ControlNet: pass --controlnet PATH, or set control_scale = 0 "
                + "to use the layout as ground truth only)"
        }
        if !job.loras.isEmpty && !capabilities.loras { return "LoRAs (\(name) cannot apply LoRAs yet)" }
        if job.style != nil && !capabilities.styleReference { return "a style reference (\(name) has no style conditioning yet)" }
        return nil
    }
}
