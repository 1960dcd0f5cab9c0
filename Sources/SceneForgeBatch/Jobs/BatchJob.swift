import SceneForgeImaging
import SceneForgeScenes

/// One image to make: a scene at one seed, with every setting spelled out.
public struct BatchJob: Equatable, Sendable {
    /// Stable: a hash of every setting (see `StableJobID`), equal on every machine.
    public var id: String
    /// Position in the expanded batch (scene order, then seed order).
    public var index: Int
    public var scene: String
    public var prompt: String
    public var negativePrompt: String
    public var model: String
    /// `model` resolved on this machine; not part of the id.
    public var modelPath: String
    public var loras: [LoRASpec]
    public var seed: UInt64
    public var steps: Int
    public var guidance: Double
    public var guidanceOptions = GuidanceOptions()
    public var width: Int
    public var height: Int
    public var layoutId: String?
    public var controlScale: Double
    public var controlStart = 0.0
    public var controlEnd = 1.0
    public var edit: SceneEdit?
    /// The style reference as written in the scenario (part of the id) and resolved on this machine (not).
    public var style: String?
    public var stylePath: String?
    public var styleStrength: Double?
    public var anomalyType: String?
    public var expectedAction: String?
    /// The layout's anomaly boxes in this job's pixel coordinates.
    public var anomalyBoxes: [GenerationRecord.AnomalyBox]
    /// The layout itself, for generators that draw a control image from it.
    public var layout: Layout?

    /// Output file name, readable and unique: "<scene>-<seed>-<id>.png".
    public var fileName: String { "\(scene)-\(seed)-\(id).png" }
}
