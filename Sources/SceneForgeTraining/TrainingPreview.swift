import Foundation
import SceneForgeImaging
import SceneForgeModels
import SceneForgeTorch

extension Trainer {
    public var samplesFolder: URL { output.appendingPathComponent("samples") }

    /// A look at the model mid-training, written as a PNG and handed to `onPreview` (the CLI prints
    /// a terminal thumbnail): in the VAE stage the reconstruction of the first sample, in the
    /// transformer stage an 8-step generation of the first sample's prompt from the exported EMA model (in the
    /// ControlNet stage, guided by that sample's layout control image through the exported ControlNet).
    public func preview() throws {
        try FileManager.default.createDirectory(at: samplesFolder, withIntermediateDirectories: true)
        let name = String(format: "%@-step-%06d.png", stage.rawValue, stageStep)
        let url = samplesFolder.appendingPathComponent(name)
        let image: RGBAImage
        switch stage {
        case .vae:
            image = try withNoGrad {
                let (mean, _) = try model.vae.encode(data.samples[0].image.unsqueeze(0))
                return try ZImagePipeline.rgbaImage(model.vae.decode(mean).to(.float32).to(.cpu).squeeze(0))
            }
        case .transformer, .controlnet, .done:
            image = try generatePreview()
        }
        try PNGFile.write(image, record: nil, to: url)
        onPreview(url, image)
    }

    /// Exports the current EMA model next to the samples and runs the real pipeline on it.
    func generatePreview() throws -> RGBAImage {
        let folder = output.appendingPathComponent("preview-model")
        try export(to: folder, dtype: .float32)
        let pipeline = try ZImagePipeline.load(folder: folder, dtype: config.parsedDType, device: config.parsedDevice)
        var request = TextToImageRequest(prompts: [data.samples[0].prompt])
        request.width = config.data.width
        request.height = config.data.height
        request.steps = 8
        request.seed = config.seed
        if stage == .controlnet, let control = data.samples[0].control {
            let net = try ZImageControlNet.load(folder.appendingPathComponent(SmallModel.controlNetFolderName),
                                                transformer: pipeline.transformer.config, dtype: config.parsedDType,
                                                device: config.parsedDevice)
            request.control = ControlGuidance(controlNet: net, image: try control.unsqueeze(0),
                                              scale: config.controlnet.conditioningScale)
        }
        guard let image = try pipeline.generate(request).first else { throw TrainingError("the preview produced no image") }
        return image
    }
}
