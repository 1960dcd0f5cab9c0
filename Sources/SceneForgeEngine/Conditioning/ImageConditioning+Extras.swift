import Foundation

/// A job's `extras` as image conditioning (docs/protocol.md, "Image conditioning extras"): the same settings as
/// `sceneforge generate`'s flags, in snake_case.
extension ImageConditioning {
    /// The extras keys this reads; any other key is only copied into the record.
    public static let extrasKeys: Set<String> = [
        "controlnet", "control", "control_style", "control_scale", "control_start", "control_end", "control_on_negative",
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
        func string(_ key: String) throws -> String? {
            guard let value = extras[key] else { return nil }
            guard let text = value.stringValue, !text.isEmpty else { throw ConditioningError("field 'job.extras.\(key)' must be a non-empty string") }
            return text
        }
        func number(_ key: String) throws -> Double? {
            guard let value = extras[key] else { return nil }
            guard let number = value.doubleValue, number.isFinite else { throw ConditioningError("field 'job.extras.\(key)' must be a number") }
            return number
        }
        func flag(_ key: String, default value: Bool) throws -> Bool {
            guard let given = extras[key] else { return value }
            guard case .bool(let flag) = given else { throw ConditioningError("field 'job.extras.\(key)' must be true or false") }
            return flag
        }
        let pasteBack = try flag("paste_back", default: false)
        func whole(_ key: String, _ range: ClosedRange<Int64>, of unit: String) throws -> Int {
            guard let value = extras[key] else { return 0 }
            guard let whole = value.intValue, range.contains(whole) else {
                throw ConditioningError("field 'job.extras.\(key)' must be a whole number of \(unit) in \(range)")
            }
            return Int(whole)
        }
        let (feather, fitSteps) = (try whole("feather", 0...4096, of: "pixels"), try whole("fit_steps", 0...100_000, of: "steps"))
        try self.init(controlnet: string("controlnet"), control: string("control"),
                      controlStyle: string("control_style") ?? "segmentation", controlScale: number("control_scale") ?? 0.75,
                      controlStart: number("control_start") ?? 0, controlEnd: number("control_end") ?? 1,
                      initImage: string("init"), strength: number("strength"), mask: string("mask"),
                      maskLayout: string("mask_layout"), pasteBack: pasteBack, feather: feather, fitSteps: fitSteps,
                      style: string("style"), styleScale: number("style_scale"))
        controlOnNegative = try flag("control_on_negative", default: true)
        styleGuidance = try number("style_guidance")
        guard styleGuidance == nil || stylePath != nil else { throw ConditioningError("a style guidance needs a style reference image") }
        // The workbench's layout picker and control strength (`layout_id`, `control_strength`, recorded as extras):
        // a built-in layout guides the job through the model's own ControlNet when it has one.
        if extras["control"] == nil, let id = extras["layout_id"]?.stringValue, (try? Self.layout(id)) != nil,
           let strength = extras["control_strength"]?.doubleValue, strength.isFinite, strength > 0 {
            (control, controlScale, controlIfModelHasControlNet) = (id, strength, true)
        }
    }
}
