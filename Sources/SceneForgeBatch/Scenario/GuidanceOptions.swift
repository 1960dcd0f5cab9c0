import SceneForgeEngine

/// How a scene's guidance and control are shaped beyond their weights, as `generate`'s flags: `style_guidance`
/// (`--style-guidance`), `cfg_truncation` / `cfg_normalization` (`--cfg-truncation` / `--cfg-normalization`),
/// `control_on_negative` (false = `--control-prompt-only`), and `control_region` ("from-layout": the scene's layout's
/// anomaly region, `--control-region from-layout`) with `control_outside` (`--control-outside`). A field stays nil
/// until a file sets it; the engine's default then applies (the style adapter's own style guidance, diffusers'
/// guidance, control everywhere), and job ids stay what they were.
public struct GuidanceOptions: Equatable, Sendable {
    public var styleGuidance: Double?
    public var cfgTruncation: Double?
    public var cfgNormalization: Double?
    public var controlOnNegative: Bool?
    public var controlRegion: String?
    public var controlOutside: Double?

    public init(styleGuidance: Double? = nil, cfgTruncation: Double? = nil, cfgNormalization: Double? = nil,
                controlOnNegative: Bool? = nil, controlRegion: String? = nil, controlOutside: Double? = nil) {
        (self.styleGuidance, self.cfgTruncation, self.cfgNormalization) = (styleGuidance, cfgTruncation, cfgNormalization)
        (self.controlOnNegative, self.controlRegion, self.controlOutside) = (controlOnNegative, controlRegion, controlOutside)
    }

    /// The scenario keys, in the order the job id and the extras list them.
    static let fields = ["style_guidance", "cfg_truncation", "cfg_normalization", "control_on_negative", "control_region", "control_outside"]

    /// `self` with every field `top` sets replaced.
    func overlaid(by top: GuidanceOptions) -> GuidanceOptions {
        GuidanceOptions(styleGuidance: top.styleGuidance ?? styleGuidance, cfgTruncation: top.cfgTruncation ?? cfgTruncation,
                        cfgNormalization: top.cfgNormalization ?? cfgNormalization,
                        controlOnNegative: top.controlOnNegative ?? controlOnNegative, controlRegion: top.controlRegion ?? controlRegion,
                        controlOutside: top.controlOutside ?? controlOutside)
    }

    /// The engine's job extras for the fields that are set (docs/protocol.md), keyed as the scenario file keys them.
    var extras: [String: JSONValue] {
        var extras: [String: JSONValue] = [:]
        if let styleGuidance { extras["style_guidance"] = .double(styleGuidance) }
        if let cfgTruncation { extras["cfg_truncation"] = .double(cfgTruncation) }
        if let cfgNormalization { extras["cfg_normalization"] = .double(cfgNormalization) }
        if let controlOnNegative { extras["control_on_negative"] = .bool(controlOnNegative) }
        if let controlRegion { extras["control_region"] = .string(controlRegion) }
        if let controlOutside { extras["control_outside"] = .double(controlOutside) }
        return extras
    }

    /// The set fields as `key=value` pairs in `fields` order, for the job id; nil when none is set.
    var canonicalText: String? {
        let values: [String?] = [styleGuidance.map { "\($0)" }, cfgTruncation.map { "\($0)" }, cfgNormalization.map { "\($0)" },
                                 controlOnNegative.map { "\($0)" }, controlRegion, controlOutside.map { "\($0)" }]
        let set = zip(Self.fields, values).compactMap { key, value in value.map { "\(key)=\($0)" } }
        return set.isEmpty ? nil : set.joined(separator: ";")
    }
}
