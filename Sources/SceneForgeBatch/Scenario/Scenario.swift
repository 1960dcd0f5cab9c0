import SceneForgeScenes

/// One named scene of a scenario, fully resolved: defaults applied, prompt expanded, anomaly type
/// and layout looked up, seeds listed. Each seed becomes one job.
public struct SceneSpec: Equatable, Sendable {
    public var name: String
    public var prompt: String
    public var negativePrompt: String
    public var anomaly: AnomalyType?
    public var layout: Layout?
    /// The model as written in the file (part of job ids) and where it resolves on this machine.
    public var model: String
    public var modelPath: String
    /// The style reference as written in the file (part of job ids) and where it resolves on this machine.
    public var style: String?
    public var stylePath: String?
    public var styleStrength: Double?
    public var loras: [LoRASpec]
    public var width: Int
    public var height: Int
    public var steps: Int
    public var guidance: Double
    /// Style guidance, cfg truncation / normalization, control on the negative branch (nil fields: the engine's defaults).
    public var guidanceOptions = GuidanceOptions()
    /// ControlNet conditioning scale for the layout's control image; 0 = the layout gives ground truth only.
    public var controlScale: Double
    /// The part of the run the control applies to (0 and 1: all of it).
    public var controlStart = 0.0
    public var controlEnd = 1.0
    /// An edit of a source screenshot (nil: a fresh image).
    public var edit: SceneEdit?
    public var seeds: [UInt64]
    /// Where the scene is declared ("scenes/food.toml:12"), for messages.
    public var location: String
}

/// A scenario file and everything it includes, flattened into scenes: an included file's scenes
/// come first (where its `include` is), then the including file's own, in file order.
public struct Scenario: Equatable, Sendable {
    /// The batch name: the root file's `name`, else its file name without extension.
    public var name: String
    public var scenes: [SceneSpec]
    /// Every file read, root first.
    public var files: [String]

    public init(name: String, scenes: [SceneSpec], files: [String]) {
        self.name = name
        self.scenes = scenes
        self.files = files
    }
}
