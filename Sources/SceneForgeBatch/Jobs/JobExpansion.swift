import SceneForgeImaging
import SceneForgeScenes

public struct JobExpansionError: Error, CustomStringConvertible {
    public let description: String
}

/// Scenes × seeds, in scene order then seed order, each job with its stable id.
public enum JobExpansion {
    public static func jobs(for scenario: Scenario) throws -> [BatchJob] {
        var jobs: [BatchJob] = []
        var seen: [String: String] = [:]
        for scene in scenario.scenes {
            let boxes = try anomalyBoxes(scene)
            for seed in scene.seeds {
                var job = BatchJob(
                    id: "", index: jobs.count, scene: scene.name, prompt: scene.prompt, negativePrompt: scene.negativePrompt,
                    model: scene.model, modelPath: scene.modelPath, loras: scene.loras, seed: seed, steps: scene.steps,
                    guidance: scene.guidance, width: scene.width, height: scene.height, layoutId: scene.layout?.id,
                    controlScale: scene.controlScale, style: scene.style, styleStrength: scene.styleStrength,
                    anomalyType: scene.anomaly?.id, expectedAction: scene.anomaly?.expectedAction,
                    anomalyBoxes: boxes, layout: scene.layout)
                (job.controlStart, job.controlEnd, job.edit) = (scene.controlStart, scene.controlEnd, scene.edit)
                (job.stylePath, job.guidanceOptions) = (scene.stylePath, scene.guidanceOptions)
                job.id = StableJobID.id(of: job)
                if let other = seen[job.id] {
                    throw JobExpansionError(description: "\(scene.location): scene '\(scene.name)' seed \(seed) has the same settings as \(other); remove one")
                }
                seen[job.id] = "scene '\(scene.name)' seed \(seed)"
                jobs.append(job)
            }
        }
        return jobs
    }

    /// The layout's anomaly boxes rasterised at the image size (the same mapping as its control image and mask).
    static func anomalyBoxes(_ scene: SceneSpec) throws -> [GenerationRecord.AnomalyBox] {
        guard let layout = scene.layout else { return [] }
        let rasterizer = try LayoutRasterizer(layout: layout, width: scene.width, height: scene.height)
        return rasterizer.anomalyGroundTruth().map {
            GenerationRecord.AnomalyBox(kind: $0.kind.rawValue, x: $0.rect.x, y: $0.rect.y, width: $0.rect.w, height: $0.rect.h)
        }
    }
}
