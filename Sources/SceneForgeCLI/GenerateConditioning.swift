import ArgumentParser
import Foundation
import SceneForgeImaging
import SceneForgeModels
import SceneForgeScenes
import SceneForgeTorch

/// `generate`'s image conditioning: ControlNet control (a layout or a PNG), a source image for
/// img2img/inpainting, its mask (a PNG or a layout's anomaly boxes) and paste-back.
struct GenerateConditioning {
    var controlnet: String?
    var control: String?
    var controlStyle: String
    var controlScale: Double
    var controlStart: Double
    var controlEnd: Double
    var strength: Double?
    var mask: String?
    var maskLayout: String?
    var pasteBack: Bool
    var feather: Int
    let initPath: String?
    let source: RGBAImage?

    init(controlnet: String?, control: String?, controlStyle: String, controlScale: Double, controlStart: Double,
         controlEnd: Double, initImage: String?, strength: Double?, mask: String?, maskLayout: String?, pasteBack: Bool,
         feather: Int) throws {
        (self.controlnet, self.control, self.controlStyle, self.controlScale) = (controlnet, control, controlStyle, controlScale)
        (self.controlStart, self.controlEnd, self.strength, self.mask) = (controlStart, controlEnd, strength, mask)
        (self.maskLayout, self.pasteBack, self.feather, initPath) = (maskLayout, pasteBack, feather, initImage)
        source = try initImage.map { try PNGFile.read(contentsOf: URL(fileURLWithPath: $0)) }
        guard (controlnet == nil) == (control == nil) else {
            throw ValidationError(controlnet == nil ? "--control needs --controlnet PATH" : "--controlnet needs --control LAYOUT_ID|IMAGE.png")
        }
        guard controlStart >= 0, controlEnd <= 1, controlStart < controlEnd else {
            throw ValidationError("--control-start/--control-end must satisfy 0 ≤ start < end ≤ 1 (got \(controlStart), \(controlEnd))")
        }
        guard mask == nil || initImage != nil else { throw ValidationError("--mask needs --init IMAGE (the image to inpaint)") }
        guard !pasteBack || mask != nil else { throw ValidationError("--paste-back needs --mask (what to keep is outside it)") }
        guard feather >= 0 else { throw ValidationError("--feather must not be negative (got \(feather))") }
    }

    var sourceSize: (width: Int, height: Int)? { source.map { ($0.width, $0.height) } }

    /// Fills the request's edit and control for its size; the result finishes the decoded image and the record.
    func apply(to request: inout TextToImageRequest, pipeline: ZImagePipeline, dtype: DType,
               device: Device) throws -> PreparedConditioning {
        var prepared = PreparedConditioning()
        let (width, height) = (request.width, request.height)
        var editMask: RGBAImage?
        if let source {
            try Self.expectSize(source, width, height, what: "--init \(initPath ?? "")")
            var edit = ImageEdit(image: try ZImagePipeline.imageTensor(source), strength: strength ?? (mask == nil ? 0.6 : 1.0))
            prepared.recordExtra["init"] = initPath
            prepared.recordExtra["strength"] = "\(edit.strength)"
            if let mask {
                let image = try maskImage(mask, width: width, height: height, prepared: &prepared)
                edit.mask = try ZImagePipeline.maskTensor(image)
                editMask = image
                prepared.recordExtra["mask"] = mask
            }
            request.edit = edit
        }
        if let controlnet, let control {
            let net = try ZImageControlNet.load(URL(fileURLWithPath: controlnet), transformer: pipeline.transformer.config,
                                                dtype: dtype, device: device)
            let image = try controlImage(control, width: width, height: height, prepared: &prepared)
            var guidance = ControlGuidance(controlNet: net, image: try ZImagePipeline.imageTensor(image), scale: controlScale)
            (guidance.start, guidance.end) = (controlStart, controlEnd)
            if let edit = request.edit, let mask = edit.mask, net.config.controlInDim > pipeline.transformer.config.inChannels {
                guidance.inpaint = (edit.image, mask)   // v2: the ControlNet's own mask and masked-image channels
            }
            request.control = guidance
            prepared.controlName = control
            prepared.recordExtra.merge(["controlnet": controlnet, "controlnetVersion": net.config.versionName,
                                        "controlStyle": controlStyle, "controlStart": "\(controlStart)",
                                        "controlEnd": "\(controlEnd)"]) { _, new in new }
        }
        if pasteBack, let source, let editMask {
            prepared.pasteBack = (source, PasteBack.region(of: editMask), feather)
            prepared.recordExtra["pasteBack"] = "true"
            prepared.recordExtra["feather"] = "\(feather)"
        }
        return prepared
    }

    private func controlImage(_ control: String, width: Int, height: Int, prepared: inout PreparedConditioning) throws -> RGBAImage {
        if control.lowercased().hasSuffix(".png") || FileManager.default.fileExists(atPath: control) {
            let image = try PNGFile.read(contentsOf: URL(fileURLWithPath: control))
            try Self.expectSize(image, width, height, what: "--control \(control)")
            return image
        }
        guard let style = ControlStyle(rawValue: controlStyle) else {
            throw ValidationError("--control-style must be one of \(ControlStyle.allCases.map(\.rawValue)) (got \(controlStyle))")
        }
        let rasterizer = try LayoutRasterizer(layout: Self.layout(control), width: width, height: height)
        prepared.noteAnomalies(of: rasterizer)
        return try Self.rgba(rasterizer.controlImage(style: style))
    }

    private func maskImage(_ mask: String, width: Int, height: Int, prepared: inout PreparedConditioning) throws -> RGBAImage {
        guard mask == "from-layout" else {
            let image = try PNGFile.read(contentsOf: URL(fileURLWithPath: mask))
            try Self.expectSize(image, width, height, what: "--mask \(mask)")
            return image
        }
        let isImage = control.map { $0.lowercased().hasSuffix(".png") || FileManager.default.fileExists(atPath: $0) } ?? true
        guard let id = maskLayout ?? (isImage ? nil : control) else {
            throw ValidationError("--mask from-layout needs --mask-layout ID (or a layout id as --control)")
        }
        let rasterizer = try LayoutRasterizer(layout: Self.layout(id), width: width, height: height)
        prepared.noteAnomalies(of: rasterizer)
        prepared.recordExtra["maskLayout"] = id
        return try Self.rgba(rasterizer.inpaintingMask())
    }

    static func layout(_ id: String) throws -> Layout {
        let catalog = try SceneCatalog.builtIn()
        guard let layout = catalog.layout(id: id) else {
            throw ValidationError("no layout '\(id)' (known: \(catalog.layouts.map(\.id).sorted().joined(separator: ", ")))")
        }
        return layout
    }

    static func rgba(_ raster: RasterImage) throws -> RGBAImage {
        var pixels = [UInt8](repeating: 255, count: raster.width * raster.height * 4)
        for p in 0..<raster.width * raster.height {
            for c in 0..<3 { pixels[4 * p + c] = raster.pixels[p * raster.channels + (raster.channels == 3 ? c : 0)] }
        }
        return try RGBAImage(width: raster.width, height: raster.height, pixels: pixels)
    }

    static func expectSize(_ image: RGBAImage, _ width: Int, _ height: Int, what: String) throws {
        guard image.width == width, image.height == height else {
            throw ValidationError("\(what) is \(image.width)x\(image.height) but the output is \(width)x\(height)")
        }
    }
}

/// What `apply` leaves for after decoding: paste-back and the record's fields.
struct PreparedConditioning {
    var controlName: String?
    var anomalyBoxes: [GenerationRecord.AnomalyBox] = []
    var anomalyType: String?
    var recordExtra: [String: String] = [:]
    var pasteBack: (source: RGBAImage, region: [Bool], feather: Int)?

    mutating func noteAnomalies(of rasterizer: LayoutRasterizer) {
        guard anomalyBoxes.isEmpty else { return }
        anomalyType = rasterizer.layout.anomalyType
        anomalyBoxes = rasterizer.anomalyGroundTruth().map {
            GenerationRecord.AnomalyBox(kind: $0.kind.rawValue, x: $0.rect.x, y: $0.rect.y, width: $0.rect.w, height: $0.rect.h)
        }
    }

    func finish(_ image: RGBAImage) throws -> RGBAImage {
        guard let pasteBack else { return image }
        return try PasteBack.apply(generated: image, source: pasteBack.source, mask: pasteBack.region, feather: pasteBack.feather)
    }
}
