import Foundation
import SceneForgeImaging
import SceneForgeText
import SceneForgeTorch

/// The parts a Z-Image-Edit / Omni folder (diffusers' `ZImageOmniPipeline`) adds: the SigLIP2 tower and its
/// processor. With them the pipeline runs the transformer in omni mode, conditioned on reference images.
public struct ZImageOmniComponents {
    public let siglip: Siglip2VisionModel
    public let siglipProcessor: Siglip2ImageProcessor

    public init(siglip: Siglip2VisionModel, siglipProcessor: Siglip2ImageProcessor) {
        self.siglip = siglip
        self.siglipProcessor = siglipProcessor
    }
}

/// One evaluation's reference-image conditioning: per reference, its clean VAE latents (16, 1, h, w) and its
/// SigLIP grid (gh, gw, C).
struct ZImageReferenceConditioning {
    let latents: [Tensor]
    let siglip: [Tensor]
}

extension ZImagePipeline {
    /// Whether `model_index.json` names diffusers' Omni/Edit pipeline class.
    static func isOmniFolder(_ folder: URL) -> Bool {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("model_index.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let className = object["_class_name"] as? String else { return false }
        return className.contains("Omni") || className.contains("Edit")
    }

    /// siglip/ and siglip_processor/ of an Omni folder; each missing piece is an error naming it.
    static func loadOmniComponents(folder: URL, transformer: ZImageTransformer, dtype: DType,
                                   device: Device) throws -> ZImageOmniComponents {
        let what = "\(folder.path) is a Z-Image Omni/Edit model (model_index.json)"
        guard let featureDim = transformer.config.siglipFeatDim else {
            throw PipelineError.invalidRequest("\(what), but transformer/config.json has no 'siglip_feat_dim'")
        }
        for name in ["siglip", "siglip_processor"] {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isFolder),
                  isFolder.boolValue else {
                throw PipelineError.missingComponent(name, folder: folder.path)
            }
        }
        let siglip = try Siglip2VisionModel.load(folder: folder.appendingPathComponent("siglip"), dtype: dtype, device: device)
        guard siglip.config.hiddenSize == featureDim else {
            throw PipelineError.invalidRequest("\(what), but siglip/config.json 'hidden_size' \(siglip.config.hiddenSize) "
                + "differs from transformer 'siglip_feat_dim' \(featureDim)")
        }
        let processor = try Siglip2ImageProcessor.load(
            contentsOf: folder.appendingPathComponent("siglip_processor/preprocessor_config.json"))
        guard processor.patchSize == siglip.config.patchSize else {
            throw PipelineError.invalidRequest("\(what), but siglip_processor 'patch_size' \(processor.patchSize) differs "
                + "from siglip 'patch_size' \(siglip.config.patchSize)")
        }
        return ZImageOmniComponents(siglip: siglip, siglipProcessor: processor)
    }

    /// The omni pipeline's caption: the prompt split into segments around each reference image's vision markers
    /// (`ZImageOmniPipeline._encode_prompt`); each segment is encoded on its own. With no image it is the plain
    /// chat-templated prompt.
    static func omniSegments(prompt: String, images: Int) -> [String] {
        guard images > 0 else { return ["<|im_start|>user\n" + prompt + "<|im_end|>\n<|im_start|>assistant\n"] }
        return ["<|im_start|>user\n<|vision_start|>"]
            + Array(repeating: "<|vision_end|><|vision_start|>", count: images - 1)
            + ["<|vision_end|>" + prompt + "<|im_end|>\n<|im_start|>assistant\n<|vision_start|>", "<|vision_end|><|im_end|>"]
    }

    /// Per prompt, its segments' second-to-last hidden states (valid tokens only).
    func encodeOmni(prompts: [String], images: Int, maxSequenceLength: Int) throws -> [[Tensor]] {
        try withNoGrad {
            try prompts.map { prompt in
                let batch = try tokenizer.encodeBatch(Self.omniSegments(prompt: prompt, images: images),
                                                      maxLength: maxSequenceLength, padding: .maxLength, truncation: true)
                return try zip(batch.ids, batch.attentionMask).map { ids, mask in
                    let length = mask.reduce(0, +)
                    let tokens = try Tensor(ids.prefix(length).map(Int64.init), shape: [1, length], device: device)
                    return try textEncoder.hiddenStates(inputIDs: tokens).squeeze(0)
                }
            }
        }
    }

    /// The reference images as the Omni pipeline conditions on them: centre-cropped to multiples of 16 for the
    /// VAE (rounded to bfloat16 first, as the reference casts its input), the uncropped image for SigLIP.
    func referenceConditioning(_ images: [RGBAImage], omni: ZImageOmniComponents) throws -> ZImageReferenceConditioning {
        let multiple = vaeScaleFactor * 2
        var latents: [Tensor] = []
        var siglip: [Tensor] = []
        for (i, image) in images.enumerated() {
            let (w, h) = (image.width / multiple * multiple, image.height / multiple * multiple)
            // Flux2ImageProcessor.check_image_input's limits; above 1 MP the reference LANCZOS-resizes, which this
            // port does not reproduce, so such images are refused rather than conditioned on differently.
            let size = "reference image \(i + 1) is \(image.width)x\(image.height)"
            guard min(image.width, image.height) >= 64, max(image.width, image.height) <= 8 * min(image.width, image.height) else {
                throw PipelineError.invalidRequest("\(size); both sides must be at least 64 pixels and the aspect at most 8:1")
            }
            guard image.width * image.height <= 1024 * 1024 else {
                throw PipelineError.invalidRequest("\(size), over 1024x1024 pixels in area; downscale it first")
            }
            // Flux2ImageProcessor's crop: no resampling, just the centred w x h window.
            let pixels = try Self.imageTensor(image)
                .narrow(dim: 2, start: (image.height - h) / 2, length: h).narrow(dim: 3, start: (image.width - w) / 2, length: w)
            let latent = try vae.imageToLatents(pixels.to(.bfloat16).to(device, dtype)).to(.float32)
            latents.append(try latent.squeeze(0).unsqueeze(1))
            let (patches, grid) = try omni.siglipProcessor(image)
            let features = try omni.siglip(pixels: patches.to(device, dtype), grid: grid)
            siglip.append(try features.reshape([grid.h, grid.w, features.size(1)]).to(.float32))
        }
        return ZImageReferenceConditioning(latents: latents, siglip: siglip)
    }

    /// The omni transformer call for one step: every sample gets the references' clean latents before its noisy
    /// target, its own caption segments, and the references' SigLIP grids (none when there is no reference).
    func omniVelocities(targets: [Tensor], captions: [[Tensor]], references: ZImageReferenceConditioning,
                        time: Double) throws -> [Tensor] {
        let samples = try zip(targets, captions).map { target, segments in
            ZImageOmniSample(images: try references.latents.map { try $0.to(dtype) } + [target],
                             captionSegments: segments,
                             siglip: references.siglip.isEmpty ? nil : try references.siglip.map { try $0.to(dtype) })
        }
        return try transformer.forwardOmni(samples, timesteps: Tensor.full([samples.count], time, device: device))
    }
}
