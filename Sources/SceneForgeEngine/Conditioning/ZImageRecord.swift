import Foundation
import SceneForgeImaging
import SceneForgeModels

/// The generation record of one Z-Image run, as `sceneforge generate` and the engine write it into the PNG:
/// everything `generate --from IMAGE.png` needs to make the same pixels again.
public enum ZImageRecord {
    public static let sampler = "flow_match_euler"

    public static func make(request: TextToImageRequest, negativePrompt: String, folder: URL, modelHash: String,
                            prepared: PreparedConditioning, dtype: String, device: String, id: String? = nil,
                            createdAt: Date = Date(), extra: [String: String] = [:]) -> GenerationRecord {
        GenerationRecord(
            id: id, prompt: request.prompts.first ?? "", negativePrompt: negativePrompt, model: folder.lastPathComponent,
            modelHash: modelHash, seed: request.seed, steps: request.steps, sampler: sampler, guidance: request.guidance,
            width: request.width, height: request.height, controlLayout: prepared.controlName,
            controlStrength: request.control?.scale, styleReference: prepared.recordExtra["style"],
            styleStrength: request.style?.scale, anomalyType: prepared.anomalyType, anomalyBoxes: prepared.anomalyBoxes,
            createdAt: createdAt,
            extra: ["modelPath": folder.path, "dtype": dtype, "device": device]
                .merging(extra) { _, new in new }
                .merging(prepared.recordExtra) { _, new in new })
    }
}
