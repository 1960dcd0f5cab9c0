import Foundation

/// A job's `extras` as image conditioning (docs/protocol.md, "Image conditioning extras"): the same settings as
/// `sceneforge generate`'s flags, in snake_case.
extension ImageConditioning {
    /// The extras keys this reads; any other key is only copied into the record.
    public static let extrasKeys: Set<String> = [
        "controlnet", "control", "control_style", "control_scale", "control_start", "control_end", "control_on_negative",
        "control_region", "control_outside", "layout_toml",
        "init", "strength", "mask", "mask_layout", "paste_back", "feather", "fit_steps", "style", "style_scale", "style_guidance",
    ]

    /// The extras that ask for a style reference (`style`, and `style_scale` when a scale is given), as every front
    /// end that fills in a job's extras writes them.
    public static func styleExtras(path: String, scale: Double?) -> [String: JSONValue] {
        var extras: [String: JSONValue] = ["style": .string(path)]
        if let scale { extras["style_scale"] = .double(scale) }
        return extras
    }

    public init(extras: [String: JSONValue]) throws {
        let read = JobExtrasReader(extras: extras)
        // A layout's file text (the workbench sends the layout as the user left it): drawn wherever its id is named.
        let given = try read.string("layout_toml").map { try GivenLayout(text: $0, source: "field 'job.extras.layout_toml'") }
        // The workbench's layout picker and control strength (`layout_id`, `control_strength`, recorded as extras): when
        // the job names no control, the layout (built in, or given in full) guides the job through the model's own
        // ControlNet when it has one.
        var picked: (id: String, strength: Double)?
        if extras["control"] == nil, let id = extras["layout_id"]?.stringValue, (try? Self.layout(id, given: given)) != nil,
           let strength = extras["control_strength"]?.doubleValue, strength.isFinite, strength > 0 {
            picked = (id, strength)
        }
        try self.init(controlnet: read.string("controlnet"), control: read.string("control") ?? picked?.id,
                      controlStyle: read.string("control_style") ?? "segmentation",
                      controlScale: picked?.strength ?? read.number("control_scale") ?? 0.75,
                      controlStart: read.number("control_start") ?? 0, controlEnd: read.number("control_end") ?? 1,
                      controlOnNegative: read.flag("control_on_negative", default: true),
                      controlRegion: read.string("control_region"), controlOutside: read.number("control_outside") ?? 0,
                      initImage: read.string("init"), strength: read.number("strength"), mask: read.string("mask"),
                      maskLayout: read.string("mask_layout"), pasteBack: read.flag("paste_back", default: false),
                      feather: read.whole("feather", 0...4096, of: "pixels"), fitSteps: read.whole("fit_steps", 0...100_000, of: "steps"),
                      style: read.string("style"), styleScale: read.number("style_scale"), styleGuidance: read.number("style_guidance"))
        if let given { layout = given }
        controlIfModelHasControlNet = picked != nil
    }
}
