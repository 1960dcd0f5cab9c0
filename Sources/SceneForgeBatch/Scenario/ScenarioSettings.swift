import Foundation

/// A LoRA to apply, with its strength.
public struct LoRASpec: Equatable, Hashable, Sendable, Codable {
    public var name: String
    public var weight: Double
    public init(name: String, weight: Double) {
        self.name = name
        self.weight = weight
    }
}

/// The prompt language an anomaly's built-in prompt fragment is taken in.
public enum PromptLanguage: String, Sendable, CaseIterable, Codable {
    case en, zh
}

/// Generation settings as a scenario file states them: every field optional, so `[defaults]`,
/// included files and scenes can be layered (`overlaid(by:)`), the most specific winning.
public struct ScenarioSettings: Equatable, Sendable {
    public var model: Source<String>?
    public var style: Source<String>?
    public var styleStrength: Double?
    public var loras: [LoRASpec]?
    public var width: Int?
    public var height: Int?
    public var steps: Int?
    public var guidance: Double?
    /// Style guidance, cfg truncation / normalization and control on the negative branch; each field layered alone.
    public var guidanceOptions = GuidanceOptions()
    public var negativePrompt: String?
    public var controlScale: Double?
    /// The part of the run the layout's control applies to (fractions, as `generate --control-start/--control-end`).
    public var controlStart: Double?
    public var controlEnd: Double?
    /// An edit of a source screenshot instead of a fresh image (as `generate --init/--strength/--mask/...`).
    public var initImage: Source<String>?
    public var strength: Double?
    /// A PNG (white = regenerate), or "from-layout": the scene layout's anomaly boxes.
    public var mask: Source<String>?
    public var pasteBack: Bool?
    public var feather: Int?
    public var fitSteps: Int?
    public var language: PromptLanguage?
    public var seeds: [UInt64]?
    public var count: Int?

    public init() {}

    /// `self` with every field `top` sets replaced. Seeds and count replace each other: a scene that
    /// says `count = 3` is not also bound to the defaults' explicit seed list.
    public func overlaid(by top: ScenarioSettings) -> ScenarioSettings {
        var merged = self
        if let v = top.model { merged.model = v }
        if let v = top.style { merged.style = v }
        if let v = top.styleStrength { merged.styleStrength = v }
        if let v = top.loras { merged.loras = v }
        if let v = top.width { merged.width = v }
        if let v = top.height { merged.height = v }
        if let v = top.steps { merged.steps = v }
        if let v = top.guidance { merged.guidance = v }
        merged.guidanceOptions = guidanceOptions.overlaid(by: top.guidanceOptions)
        if let v = top.negativePrompt { merged.negativePrompt = v }
        if let v = top.controlScale { merged.controlScale = v }
        if let v = top.controlStart { merged.controlStart = v }
        if let v = top.controlEnd { merged.controlEnd = v }
        if let v = top.initImage { merged.initImage = v }
        if let v = top.strength { merged.strength = v }
        if let v = top.mask { merged.mask = v }
        if let v = top.pasteBack { merged.pasteBack = v }
        if let v = top.feather { merged.feather = v }
        if let v = top.fitSteps { merged.fitSteps = v }
        if let v = top.language { merged.language = v }
        if top.seeds != nil || top.count != nil {
            merged.seeds = top.seeds
            merged.count = top.count
        }
        return merged
    }
}

/// A value plus the folder of the file that stated it, so relative paths (`model`, `style`)
/// resolve against that file, wherever the batch is started from.
public struct Source<Value: Equatable & Sendable>: Equatable, Sendable {
    public var value: Value
    public var baseDirectory: String

    public init(_ value: Value, baseDirectory: String) {
        self.value = value
        self.baseDirectory = baseDirectory
    }
}

extension Source where Value == String {
    /// An absolute path as is; a relative one against the declaring file's folder.
    public var resolvedPath: String {
        ((value.hasPrefix("/") ? value : (baseDirectory as NSString).appendingPathComponent(value)) as NSString).standardizingPath
    }
}
