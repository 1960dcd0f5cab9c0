import Foundation
import SceneForgeImaging
import SceneForgeModels
import SceneForgeScenes
import SceneForgeTorch

/// A job's image conditioning: ControlNet control (a layout id or a PNG control image), a source image for
/// img2img/inpainting, its mask (a PNG or a layout's anomaly boxes), paste-back, and a style reference for the
/// model's style adapter. One implementation for
/// `sceneforge generate`, the engine's jobs and batches; each front end only maps its own inputs onto it
/// (flags, job extras, scenario settings).
public struct ImageConditioning {
    public var controlnet: String?
    public var control: String?
    public var controlStyle: String
    public var controlScale: Double
    public var controlStart: Double
    public var controlEnd: Double
    /// With guidance, whether the negative branch gets the ControlNet's hints too (`ControlGuidance.onNegative`).
    public var controlOnNegative: Bool
    /// Where the control applies (`ControlGuidance.region`): "from-layout" (the control layout's anomaly region, as
    /// the inpainting mask draws it) or a PNG (white: full scale); nil: everywhere. Elsewhere the hints keep
    /// `controlOutside` of their scale.
    public var controlRegion: String?
    public var controlOutside: Double
    public var strength: Double?
    public var mask: String?
    public var maskLayout: String?
    public var pasteBack: Bool
    public var feather: Int
    /// Optimiser steps fitting the latents outside the mask to the source after denoising (`ImageEdit.fitSteps`).
    public var fitSteps: Int
    /// A control the front end wants only where the model has a ControlNet of its own (the workbench's layout
    /// picker): without one, the job runs unguided, as it would on a model that predates ControlNets.
    public var controlIfModelHasControlNet = false
    /// A layout given in full (the workbench's, nudged, or one of the user's own): a control, mask or control region
    /// that names its id draws it instead of looking the id up among the built-in layouts.
    public var layout: GivenLayout?
    public let initPath: String?
    public let source: RGBAImage?
    /// A style reference screenshot (PNG) for the model's style adapter, and the adapter scale (nil: the adapter's own).
    public let stylePath: String?
    public let styleImage: RGBAImage?
    public var styleScale: Double?
    /// Style guidance (`StyleReference.guidance`; nil: the adapter's own).
    public let styleGuidance: Double?

    /// Reads the source image and checks that the settings fit together; errors name the setting.
    public init(controlnet: String? = nil, control: String? = nil, controlStyle: String = "segmentation",
                controlScale: Double = 0.75, controlStart: Double = 0, controlEnd: Double = 1, controlOnNegative: Bool = true,
                controlRegion: String? = nil, controlOutside: Double = 0, initImage: String? = nil, strength: Double? = nil, mask: String? = nil, maskLayout: String? = nil,
                pasteBack: Bool = false, feather: Int = 0, fitSteps: Int = 0, style: String? = nil, styleScale: Double? = nil,
                styleGuidance: Double? = nil) throws {
        (self.controlnet, self.control, self.controlStyle, self.controlScale) = (controlnet, control, controlStyle, controlScale)
        (self.controlStart, self.controlEnd, self.strength, self.mask) = (controlStart, controlEnd, strength, mask)
        (self.maskLayout, self.pasteBack, self.feather, self.fitSteps, initPath) = (maskLayout, pasteBack, feather, fitSteps, initImage)
        source = try initImage.map { try PNGFile.read(contentsOf: URL(fileURLWithPath: $0)) }
        (stylePath, self.styleScale, self.styleGuidance, self.controlOnNegative) = (style, styleScale, styleGuidance, controlOnNegative)
        (self.controlRegion, self.controlOutside) = (controlRegion, controlOutside)
        // A layout file as the control: drawn like a built-in layout, under its own id.
        if let control, control.lowercased().hasSuffix(".toml") {
            let text: String
            do { text = try String(contentsOfFile: control, encoding: .utf8) } catch {
                throw ConditioningError("cannot read the layout file \(control): \(error.localizedDescription)")
            }
            let given = try GivenLayout(text: text, source: "the layout file \(control)")
            (layout, self.control) = (given, given.layout.id)
        }
        styleImage = try style.map { try PNGFile.read(contentsOf: URL(fileURLWithPath: $0)) }
        guard styleScale == nil || style != nil else { throw ConditioningError("a style scale needs a style reference image") }
        if let styleScale, !(styleScale.isFinite && styleScale >= 0) {
            throw ConditioningError("the style scale must be a number ≥ 0 (got \(styleScale))")
        }
        guard styleGuidance == nil || style != nil else { throw ConditioningError("a style guidance needs a style reference image") }
        if let styleGuidance, !(styleGuidance.isFinite && styleGuidance >= 0) {
            throw ConditioningError("the style guidance must be a number ≥ 0 (got \(styleGuidance))")
        }
        // A control without a ControlNet is settled in `apply`, which knows the model: its own controlnet/ is used.
        guard controlnet == nil || control != nil else {
            throw ConditioningError("a ControlNet needs a control: a layout id or a PNG control image")
        }
        guard controlScale.isFinite, controlScale >= 0 else {
            throw ConditioningError("the control scale must be a number ≥ 0 (got \(controlScale))")
        }
        guard controlStart >= 0, controlEnd <= 1, controlStart < controlEnd else {
            throw ConditioningError("control start/end must satisfy 0 ≤ start < end ≤ 1 (got \(controlStart), \(controlEnd))")
        }
        guard controlRegion == nil || control != nil else { throw ConditioningError("a control region needs a control") }
        guard controlOutside.isFinite, (0...1).contains(controlOutside) else {
            throw ConditioningError("the control outside its region must be a fraction in 0...1 (got \(controlOutside))")
        }
        guard controlOutside == 0 || controlRegion != nil else {
            throw ConditioningError("a control outside its region needs a control region (from-layout or a PNG)")
        }
        guard mask == nil || initImage != nil else { throw ConditioningError("a mask needs an init image (the image to inpaint)") }
        guard !pasteBack || mask != nil else { throw ConditioningError("paste-back needs a mask (what to keep is outside it)") }
        guard feather >= 0 else { throw ConditioningError("feather must not be negative (got \(feather))") }
        guard fitSteps >= 0 else { throw ConditioningError("fit steps must not be negative (got \(fitSteps))") }
        guard fitSteps == 0 || mask != nil else { throw ConditioningError("fit steps need a mask (they fit what is outside it)") }
    }

    public var isEmpty: Bool { control == nil && source == nil && styleImage == nil }

    /// A model folder's own ControlNet (`controlnet/` with a config.json, as `sceneforge train` exports it), if any.
    /// The one rule for every front end: a job that names a control but no ControlNet uses this one.
    public static func ownControlNet(ofModel folder: URL) -> URL? {
        let url = folder.appendingPathComponent("controlnet")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path) ? url : nil
    }

    /// The ControlNet this job uses for `control`: the one it names, else the model's own.
    func controlNetURL(model folder: URL) throws -> URL {
        if let controlnet { return URL(fileURLWithPath: controlnet) }
        if let own = Self.ownControlNet(ofModel: folder) { return own }
        throw ConditioningError("a control (layout id or PNG) needs a ControlNet: give one (controlnet PATH), "
            + "or use a model with its own controlnet/ (\(folder.path) has none)")
    }

    public var sourceSize: (width: Int, height: Int)? { source.map { ($0.width, $0.height) } }

    /// Fills the request's edit and control for its size; the result finishes the decoded image and the record.
    /// `loadControlNet` lets a long-lived caller (the engine) keep ControlNets loaded between jobs.
    public func apply(to request: inout TextToImageRequest, pipeline: ZImagePipeline, dtype: DType, device: Device,
                      loadControlNet: ((URL) throws -> ZImageControlNet)? = nil) throws -> PreparedConditioning {
        var prepared = PreparedConditioning()
        let (width, height) = (request.width, request.height)
        var editMask: RGBAImage?
        if let source {
            try Self.expectSize(source, width, height, what: "the init image \(initPath ?? "")")
            var edit = ImageEdit(image: try ZImagePipeline.imageTensor(source), strength: strength ?? (mask == nil ? 0.6 : 1.0))
            prepared.recordExtra["init"] = initPath
            prepared.recordExtra["strength"] = "\(edit.strength)"
            if let mask {
                let layoutID = maskLayout ?? controlLayoutID
                let image = try maskImage(mask, layoutID: layoutID, width: width, height: height, what: "the mask", prepared: &prepared)
                if mask == "from-layout" { prepared.recordExtra["maskLayout"] = layoutID }
                edit.mask = try ZImagePipeline.maskTensor(image)
                editMask = image
                prepared.recordExtra["mask"] = mask
                if fitSteps > 0 {
                    edit.fitSteps = fitSteps
                    prepared.recordExtra["fitSteps"] = "\(fitSteps)"
                }
            }
            request.edit = edit
        }
        if let control, !controlIfModelHasControlNet || controlnet != nil || Self.ownControlNet(ofModel: pipeline.folder) != nil {
            let url = try controlNetURL(model: pipeline.folder)
            let net = try loadControlNet?(url)
                ?? ZImageControlNet.load(url, transformer: pipeline.transformer.config, dtype: dtype, device: device)
            let image = try controlImage(control, width: width, height: height, prepared: &prepared)
            var guidance = ControlGuidance(controlNet: net, image: try ZImagePipeline.imageTensor(image), scale: controlScale)
            (guidance.start, guidance.end, guidance.onNegative) = (controlStart, controlEnd, controlOnNegative)
            if let controlRegion {
                let layoutID = controlLayoutID ?? maskLayout
                let region = try ZImagePipeline.maskTensor(maskImage(controlRegion, layoutID: layoutID, width: width, height: height,
                                                                     what: "the control region", prepared: &prepared))
                guidance.region = controlOutside > 0 ? try region * (1 - controlOutside) + controlOutside : region
                prepared.recordExtra["controlRegion"] = controlRegion
                prepared.recordExtra["controlOutside"] = "\(controlOutside)"
            }
            if let edit = request.edit, let mask = edit.mask, net.config.controlInDim > pipeline.transformer.config.inChannels {
                guidance.inpaint = (edit.image, mask)   // v2: the ControlNet's own mask and masked-image channels
            }
            request.control = guidance
            prepared.controlName = control
            prepared.recordExtra.merge(["controlnet": url.path, "controlnetVersion": net.config.versionName,
                                        "controlStyle": controlStyle, "controlStart": "\(controlStart)",
                                        "controlEnd": "\(controlEnd)"]) { _, new in new }
            if !controlOnNegative { prepared.recordExtra["controlOnNegative"] = "false" }
        }
        if let styleImage, let stylePath {
            guard let adapter = pipeline.styleAdapter else {
                throw ConditioningError("a style reference needs a model with a style adapter (style_adapter/); \(pipeline.folder.path) has none")
            }
            let scale = styleScale ?? adapter.config.scale
            let guidance = styleGuidance ?? adapter.config.guidance   // the config's own is checked when the adapter loads
            request.style = StyleReference(image: styleImage, scale: scale, guidance: guidance)
            prepared.recordExtra["style"] = stylePath
            prepared.recordExtra["styleScale"] = "\(scale)"
            prepared.recordExtra["styleGuidance"] = "\(guidance)"
        }
        if pasteBack, let source, let editMask {
            prepared.pasteBack = (source, PasteBack.region(of: editMask), feather)
            prepared.recordExtra["pasteBack"] = "true"
            prepared.recordExtra["feather"] = "\(feather)"
        }
        return prepared
    }

    private func controlImage(_ control: String, width: Int, height: Int, prepared: inout PreparedConditioning) throws -> RGBAImage {
        if Self.isImagePath(control) {
            let image = try PNGFile.read(contentsOf: URL(fileURLWithPath: control))
            try Self.expectSize(image, width, height, what: "the control image \(control)")
            return image
        }
        let rasterizer = try LayoutRasterizer(layout: layout(named: control), width: width, height: height)
        prepared.noteAnomalies(of: rasterizer)
        prepared.noteLayout(layout, drawn: control)
        return try Self.controlImage(rasterizer, style: controlStyle)
    }

    /// A PNG mask, or "from-layout": the anomaly region of `layoutID`'s layout.
    private func maskImage(_ mask: String, layoutID: String?, width: Int, height: Int, what: String,
                           prepared: inout PreparedConditioning) throws -> RGBAImage {
        guard mask == "from-layout" else {
            let image = try PNGFile.read(contentsOf: URL(fileURLWithPath: mask))
            try Self.expectSize(image, width, height, what: "\(what) \(mask)")
            return image
        }
        guard let layoutID else {
            throw ConditioningError("\(what) from-layout needs a layout: a layout id as the control, or a mask layout id")
        }
        let rasterizer = try LayoutRasterizer(layout: layout(named: layoutID), width: width, height: height)
        prepared.noteAnomalies(of: rasterizer)
        prepared.noteLayout(layout, drawn: layoutID)
        return try rasterizer.inpaintingMask().rgba()
    }

    /// The control's layout id, when the control is a layout rather than a PNG.
    private var controlLayoutID: String? { control.flatMap { Self.isImagePath($0) ? nil : $0 } }

    /// A control is an image when it names a PNG or an existing file; otherwise it is a layout id.
    static func isImagePath(_ control: String) -> Bool {
        control.lowercased().hasSuffix(".png") || FileManager.default.fileExists(atPath: control)
    }

    /// A layout's control image in one of the `ControlStyle`s, as the ControlNet sees it.
    public static func controlImage(_ rasterizer: LayoutRasterizer, style: String) throws -> RGBAImage {
        guard let style = ControlStyle(rawValue: style) else {
            throw ConditioningError("the control style must be one of \(ControlStyle.allCases.map(\.rawValue)) (got \(style))")
        }
        return try rasterizer.controlImage(style: style).rgba()
    }

    /// The given layout when `id` is its id, else the built-in layout `id`.
    func layout(named id: String) throws -> Layout { try Self.layout(id, given: layout) }

    static func layout(_ id: String, given: GivenLayout?) throws -> Layout {
        if let given, given.layout.id == id { return given.layout }
        return try layout(id)
    }

    static func layout(_ id: String) throws -> Layout {
        let catalog = try SceneCatalog.builtIn()
        guard let layout = catalog.layout(id: id) else {
            throw ConditioningError("no layout '\(id)' (known: \(catalog.layouts.map(\.id).sorted().joined(separator: ", ")))")
        }
        return layout
    }

    static func expectSize(_ image: RGBAImage, _ width: Int, _ height: Int, what: String) throws {
        guard image.width == width, image.height == height else {
            throw ConditioningError("\(what) is \(image.width)x\(image.height) but the output is \(width)x\(height)")
        }
    }
}

/// What `apply` leaves for after decoding: paste-back and the record's fields.
public struct PreparedConditioning {
    public var controlName: String?
    public var anomalyBoxes: [GenerationRecord.AnomalyBox] = []
    public var anomalyType: String?
    public var recordExtra: [String: String] = [:]
    public var pasteBack: (source: RGBAImage, region: [Bool], feather: Int)?

    public init() {}

    mutating func noteAnomalies(of rasterizer: LayoutRasterizer) {
        guard anomalyBoxes.isEmpty else { return }
        anomalyType = rasterizer.layout.anomalyType
        anomalyBoxes = rasterizer.anomalyGroundTruth().map {
            GenerationRecord.AnomalyBox(kind: $0.kind.rawValue, x: $0.rect.x, y: $0.rect.y, width: $0.rect.w, height: $0.rect.h)
        }
    }

    /// A given layout that was drawn is recorded whole (`layoutFile`), so `generate --from` draws it again.
    mutating func noteLayout(_ given: GivenLayout?, drawn id: String) {
        if let given, given.layout.id == id { recordExtra["layoutFile"] = given.text }
    }

    public func finish(_ image: RGBAImage) throws -> RGBAImage {
        guard let pasteBack else { return image }
        return try PasteBack.apply(generated: image, source: pasteBack.source, mask: pasteBack.region, feather: pasteBack.feather)
    }
}

/// Conditioning settings that do not fit together, or an input that cannot be used.
public struct ConditioningError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A layout given as a layout file's text (the format `SceneCatalog` reads), checked against the taxonomy the workbench
/// loads: the built-in anomaly types and the user's own (`SceneSources.standard`), so that a user layout of a user
/// anomaly type is accepted; the built-in ones alone when the user's files do not load.
public struct GivenLayout: Sendable {
    public let layout: Layout
    public let text: String

    /// `source` names where the text came from in errors.
    public init(text: String, source: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        do {
            let catalog = try (try? SceneCatalog.load(SceneSources.standard(environment: environment))) ?? SceneCatalog.builtIn()
            layout = try catalog.parseLayout(text: text, displayName: "layout")
        } catch {
            throw ConditioningError("\(source) is not a layout: \(error)")
        }
        self.text = text
    }
}
