import Foundation
import SceneForgeImaging

/// The output record of a job: every field of domain.md's output records that the job decides.
/// Generators add what only they know (model hash, sampler).
public enum BatchRecord {
    public static func make(_ job: BatchJob, modelHash: String?, sampler: String, createdAt: Date) -> GenerationRecord {
        var extra = ["scene": job.scene, "modelPath": job.modelPath, "jobIndex": "\(job.index)"]
        if let layoutId = job.layoutId { extra["layout"] = layoutId }
        return GenerationRecord(
            id: job.id, prompt: job.prompt, negativePrompt: job.negativePrompt, model: job.model, modelHash: modelHash,
            loras: job.loras.map { GenerationRecord.LoRA(name: $0.name, weight: $0.weight) },
            seed: job.seed, steps: job.steps, sampler: sampler, guidance: job.guidance, width: job.width, height: job.height,
            controlLayout: job.layoutId, controlStrength: job.layoutId == nil ? nil : job.controlScale,
            styleReference: job.style, styleStrength: job.styleStrength,
            anomalyType: job.anomalyType, anomalyBoxes: job.anomalyBoxes, expectedAction: job.expectedAction,
            createdAt: createdAt, extra: extra)
    }
}
