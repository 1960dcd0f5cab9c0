import Foundation
import SceneForgeModels
import SceneForgeScenes

/// Turns one `[[scenes]]` table into a `SceneSpec`: applies the defaults, looks up the anomaly
/// type and layout, expands the prompt and lists the seeds. Errors point at the scene's fields.
struct SceneResolver {
    let catalog: SceneCatalog
    let entry: TableReader
    let defaults: ScenarioSettings
    let baseDirectory: String
    let defaultModel: String?

    func resolve() throws -> SceneSpec {
        try entry.rejectUnknownKeys(allowed: ScenarioLoader.sceneOnlyFields.union(SettingsParser.fields))
        let name = try entry.requiredString("name")
        guard Self.isValidName(name) else {
            throw entry.error("name", "'\(name)' must be lowercase letters, digits, _ or -, starting with a letter or digit (it names output files)")
        }
        let settings = defaults.overlaid(by: try SettingsParser.parse(entry, baseDirectory: baseDirectory))
        let (anomaly, layout) = try anomalyAndLayout()
        // A scene that names no model gets the default one; its id then says "" for the model, the same on every machine.
        guard let (model, modelPath) = settings.model.map({ ($0.value, $0.resolvedPath) }) ?? defaultModel.map({ ("", $0) }) else {
            throw entry.error("model", "no model: set model = \"PATH\" in this scene or in [defaults] (no default model was found either)")
        }
        // No size given: the model's own (the embedded model's 128x256), as it was trained to draw. Otherwise a phone
        // width, and the height from the layout's aspect.
        let sizeGiven = settings.width != nil && settings.height != nil
        let modelSize = sizeGiven ? nil : ModelImageSize.declared(byModelAt: URL(fileURLWithPath: modelPath))
        let ownSize = settings.width == nil && settings.height == nil ? modelSize : nil
        let width = settings.width ?? modelSize?.width ?? ScenarioLoader.defaultWidth
        let height = settings.height ?? ownSize?.height
            ?? layout.map { $0.aspect.height(forWidth: width, multiple: SettingsParser.sideMultiple) }
            ?? modelSize.map { size in
                let aspect = CanvasAspect(width: Double(size.width), height: Double(size.height))
                return min(SettingsParser.maximumSide, aspect.height(forWidth: width, multiple: SettingsParser.sideMultiple))
            }
            ?? ScenarioLoader.defaultHeight
        guard height <= SettingsParser.maximumSide else {
            throw entry.error("height", "the layout's aspect gives height \(height) for width \(width), over \(SettingsParser.maximumSide); set height")
        }
        let controlScale = settings.controlScale ?? 0
        if controlScale > 0 && layout == nil {
            throw entry.error("control_scale", "control_scale \(TableReader.format(controlScale)) needs a layout to draw the control image from; set layout")
        }
        let (controlStart, controlEnd) = (settings.controlStart ?? 0, settings.controlEnd ?? 1)
        guard controlStart < controlEnd else {
            throw entry.error("control_end", "control_start \(TableReader.format(controlStart)) must be below control_end \(TableReader.format(controlEnd))")
        }
        var spec = SceneSpec(
            name: name,
            prompt: try prompt(anomaly: anomaly, language: settings.language ?? .en),
            negativePrompt: settings.negativePrompt ?? "",
            anomaly: anomaly, layout: layout,
            model: model, modelPath: modelPath,
            style: settings.style?.value, styleStrength: settings.style == nil ? nil : settings.styleStrength ?? 1,
            loras: settings.loras ?? [],
            width: width, height: height,
            steps: settings.steps ?? ScenarioLoader.defaultSteps,
            guidance: settings.guidance ?? 0,
            controlScale: controlScale,
            seeds: try seeds(settings, scene: name),
            location: "\(entry.file.displayName):\(entry.file.error(entry.path, "").line ?? 1)")
        (spec.controlStart, spec.controlEnd) = (controlStart, controlEnd)
        // Resolved against the file that names it, as the model is, so a batch runs from any folder.
        spec.stylePath = try settings.style.map { try existingPath($0, key: "style", what: "style reference") }
        spec.edit = try edit(settings, layout: layout)
        spec.guidanceOptions = try guidanceOptions(settings, controlScale: controlScale)
        return spec
    }

    /// The scene's guidance options, refused where they would do nothing: style guidance needs a style reference,
    /// cfg truncation / normalization need guidance, where the control goes under guidance needs both, and a control
    /// region needs a control (`control_outside` a region).
    private func guidanceOptions(_ settings: ScenarioSettings, controlScale: Double) throws -> GuidanceOptions {
        let options = settings.guidanceOptions, guided = (settings.guidance ?? 0) > 0
        if options.styleGuidance != nil, settings.style == nil {
            throw entry.error("style_guidance", "style_guidance pushes towards a style reference: set style = \"reference.png\" (in this scene or in [defaults])")
        }
        for (key, isSet) in [("cfg_truncation", options.cfgTruncation != nil), ("cfg_normalization", options.cfgNormalization != nil)]
        where isSet && !guided {
            throw entry.error(key, "\(key) shapes classifier-free guidance: set guidance > 0 (in this scene or in [defaults])")
        }
        if options.controlOnNegative != nil, !guided || controlScale == 0 {
            throw entry.error("control_on_negative", "control_on_negative says which guidance branches the layout's control reaches: "
                + "set guidance > 0 and control_scale > 0 (in this scene or in [defaults])")
        }
        if options.controlRegion != nil, controlScale == 0 {
            throw entry.error("control_region", "control_region says where the layout's control applies: set control_scale > 0 (in this scene or in [defaults])")
        }
        if options.controlOutside != nil, options.controlRegion == nil {
            throw entry.error("control_outside", "control_outside is the control kept outside its region: set control_region = \"from-layout\"")
        }
        return options
    }

    /// The scene's edit settings, checked together: a mask needs a source image, paste-back and the latent fit need
    /// a mask, and a mask from the layout needs a layout.
    private func edit(_ settings: ScenarioSettings, layout: Layout?) throws -> SceneEdit? {
        guard let source = settings.initImage else {
            let set = [("strength", settings.strength != nil), ("mask", settings.mask != nil), ("paste_back", settings.pasteBack != nil),
                       ("feather", settings.feather != nil), ("fit_steps", settings.fitSteps != nil)]
            if let (key, _) = set.first(where: { $0.1 }) {
                throw entry.error(key, "\(key) edits a source image: set init = \"screenshot.png\" (in this scene or in [defaults])")
            }
            return nil
        }
        let sourcePath = try existingPath(source, key: "init", what: "init image")
        var mask: SceneEdit.Mask?
        if let given = settings.mask {
            if given.value == "from-layout" {
                guard layout != nil else { throw entry.error("mask", "mask = \"from-layout\" needs a layout; set layout") }
                mask = .fromLayout
            } else {
                mask = .image(written: given.value, path: try existingPath(given, key: "mask", what: "mask", hint: "; or give \"from-layout\""))
            }
        }
        let (pasteBack, fitSteps) = (settings.pasteBack ?? false, settings.fitSteps ?? 0)
        if mask == nil, pasteBack || fitSteps > 0 {
            let key = pasteBack ? "paste_back" : "fit_steps"
            throw entry.error(key, "\(key) keeps what is outside a mask: set mask")
        }
        return SceneEdit(source: source.value, sourcePath: sourcePath, strength: settings.strength, mask: mask,
                         pasteBack: pasteBack, feather: settings.feather ?? 0, fitSteps: fitSteps)
    }

    /// Where `source` resolves on this machine, refused at `key` when no file is there (`what` names it, `hint` may
    /// follow the message).
    private func existingPath(_ source: Source<String>, key: String, what: String, hint: String = "") throws -> String {
        let path = source.resolvedPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw entry.error(key, "\(what) '\(source.value)' does not exist (looked for \(path))\(hint)")
        }
        return path
    }

    /// The anomaly comes from `anomaly`, else from the layout; when both are given they must agree.
    private func anomalyAndLayout() throws -> (AnomalyType?, Layout?) {
        var anomaly: AnomalyType?
        if let id = try entry.optionalString("anomaly") {
            guard let found = catalog.anomalyType(id: id) else {
                let known = catalog.anomalyTypes.map(\.id).joined(separator: ", ")
                throw entry.error("anomaly", "unknown anomaly type '\(id)' (known: \(known))")
            }
            anomaly = found
        }
        guard let reference = try entry.optionalString("layout") else { return (anomaly, nil) }
        let layout = try loadLayout(reference)
        if let anomaly, anomaly.id != layout.anomalyType {
            throw entry.error("layout", "layout '\(layout.id)' shows a '\(layout.anomalyType)' anomaly, but this scene's anomaly is '\(anomaly.id)'")
        }
        return (anomaly ?? catalog.anomalyType(id: layout.anomalyType), layout)
    }

    /// A name ("centre_modal") is looked up in the catalog; a path ("layouts/x.toml") is parsed,
    /// relative to the scenario file, and its own errors name its own file and line.
    private func loadLayout(_ reference: String) throws -> Layout {
        guard reference.hasSuffix(".toml") || reference.contains("/") else {
            guard let layout = catalog.layout(id: reference) else {
                let known = catalog.layouts.map(\.id).joined(separator: ", ")
                throw entry.error("layout", "unknown layout '\(reference)' (known: \(known); or give a path ending in .toml)")
            }
            return layout
        }
        let path = try existingPath(Source(reference, baseDirectory: baseDirectory), key: "layout", what: "layout file")
        return try catalog.parseLayout(at: URL(fileURLWithPath: path), displayName: reference)
    }

    private func prompt(anomaly: AnomalyType?, language: PromptLanguage) throws -> String {
        if let explicit = try SettingsParser.nonEmpty(entry, "prompt") { return explicit }
        guard let anomaly else {
            throw entry.error("prompt", "no prompt: give prompt = \"...\", or anomaly (or layout) plus app to build one")
        }
        guard let app = try SettingsParser.nonEmpty(entry, "app") else {
            throw entry.error("app", "no app: give app = \"...\" (e.g. \"Meituan store page\") to expand the '\(anomaly.id)' prompt, or give prompt")
        }
        return PromptExpansion.prompt(app: app, anomaly: anomaly, language: language)
    }

    private func seeds(_ settings: ScenarioSettings, scene: String) throws -> [UInt64] {
        if let seeds = settings.seeds { return seeds }
        guard let count = settings.count else {
            throw entry.error("seeds", "no seeds: give seeds = [1, 2, ...] or count = N (in this scene or in [defaults])")
        }
        return (0..<count).map { SeedDerivation.seed(scene: scene, index: $0) }
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isLowerAlphanumeric else { return false }
        return name.unicodeScalars.allSatisfy { $0.isLowerAlphanumeric || $0 == "_" || $0 == "-" } && name.count <= 64
    }
}

private extension Unicode.Scalar {
    var isLowerAlphanumeric: Bool { ("a"..."z").contains(self) || ("0"..."9").contains(self) }
}

/// The prompt of a scene given as app + anomaly type.
public enum PromptExpansion {
    public static func prompt(app: String, anomaly: AnomalyType, language: PromptLanguage) -> String {
        switch language {
        case .en: return "\(app), \(anomaly.promptEN)"
        case .zh: return "\(app)，\(anomaly.promptZH)"
        }
    }
}
