import Foundation
import SafeTensors
import SceneForgeTorch

/// diffusers' `ZImageTransformer2DModel` in basic (text-to-image) mode: a single-stream DiT over
/// [image tokens, caption tokens] with 3-axis RoPE and tanh-gated adaLN time conditioning
/// (docs/zimage-notes.md §2). Stored names are the checkpoint's keys.
///
///     t ─ t_embedder ─────────────────────────────┬──────────────┬────────────────┐ (adaln)
///     image ─ patchify ─ all_x_embedder ─ noise_refiner ──┐      │                │
///     caption ─ cap_embedder ─ context_refiner ───────────┴─ [x, cap] ─ layers ─ all_final_layer ─ unpatchify
public struct ZImageTransformer {
    public let config: ZImageTransformerConfig
    let xPadToken: Tensor
    let capPadToken: Tensor
    /// Keyed "<patch>-<frame patch>", e.g. "2-1".
    let allXEmbedder: [String: Linear]
    let allFinalLayer: [String: ZImageFinalLayer]
    let noiseRefiner: [ZImageTransformerBlock]
    let contextRefiner: [ZImageTransformerBlock]
    let tEmbedder: ZImageTimestepEmbedder
    let capEmbedder: ZImageCaptionEmbedder
    let layers: [ZImageTransformerBlock]
    /// Omni variant only (config `siglip_feat_dim`): embeds and refines the reference images' SigLIP features.
    let siglipEmbedder: ZImageCaptionEmbedder?
    let siglipRefiner: [ZImageTransformerBlock]
    let siglipPadToken: Tensor?
    let rope: ZImageRope
    let dtype: DType
    let device: Device

    /// A stored intermediate's name (the reference module it comes from) and value, for layer-by-layer checks.
    public typealias Observer = (_ module: String, _ value: Tensor) throws -> Void

    public init(_ w: Weights, config: ZImageTransformerConfig) throws {
        try config.validate()
        self.config = config
        let dim = config.dim
        xPadToken = try w.tensor("x_pad_token", shape: [1, dim])
        capPadToken = try w.tensor("cap_pad_token", shape: [1, dim])
        var embedders: [String: Linear] = [:]
        var finals: [String: ZImageFinalLayer] = [:]
        for (p, pF) in zip(config.allPatchSize, config.allFPatchSize) {
            let key = Self.patchKey(p, pF)
            let patchFeatures = pF * p * p * config.inChannels
            embedders[key] = try Linear(w.scoped("all_x_embedder").scoped(key), inFeatures: patchFeatures, outFeatures: dim)
            finals[key] = try ZImageFinalLayer(
                w.scoped("all_final_layer").scoped(key), dim: dim, adalnDim: config.adalnDim, outFeatures: patchFeatures)
        }
        allXEmbedder = embedders
        allFinalLayer = finals
        noiseRefiner = try (0..<config.nRefinerLayers).map {
            try ZImageTransformerBlock(w.scoped("noise_refiner").scoped($0), config: config, modulation: true)
        }
        contextRefiner = try (0..<config.nRefinerLayers).map {
            try ZImageTransformerBlock(w.scoped("context_refiner").scoped($0), config: config, modulation: false)
        }
        tEmbedder = try ZImageTimestepEmbedder(w.scoped("t_embedder"), outDim: config.adalnDim)
        capEmbedder = try ZImageCaptionEmbedder(
            w.scoped("cap_embedder"), capFeatDim: config.capFeatDim, dim: dim, eps: config.normEps)
        layers = try (0..<config.nLayers).map {
            try ZImageTransformerBlock(w.scoped("layers").scoped($0), config: config, modulation: true)
        }
        if let siglipDim = config.siglipFeatDim {
            siglipEmbedder = try ZImageCaptionEmbedder(
                w.scoped("siglip_embedder"), capFeatDim: siglipDim, dim: dim, eps: config.normEps)
            siglipRefiner = try (0..<config.nRefinerLayers).map {
                try ZImageTransformerBlock(w.scoped("siglip_refiner").scoped($0), config: config, modulation: false)
            }
            siglipPadToken = try w.tensor("siglip_pad_token", shape: [1, dim])
        } else {
            siglipEmbedder = nil
            siglipRefiner = []
            siglipPadToken = nil
        }
        rope = ZImageRope(theta: config.ropeTheta, axesDims: config.axesDims, axesLens: config.axesLens)
        dtype = w.dtype
        device = w.device
    }

    static func patchKey(_ patchSize: Int, _ framePatchSize: Int) -> String { "\(patchSize)-\(framePatchSize)" }

    /// Reads `folder/config.json` and the folder's safetensors (single file or sharded), converted to
    /// `dtype` on `device`. Missing, wrongly shaped and unexpected keys are errors that name the key.
    public static func load(folder: URL, dtype: DType = .float32, device: Device = .cpu) throws -> ZImageTransformer {
        let config = try ZImageTransformerConfig.load(contentsOf: folder.appendingPathComponent("config.json"))
        let checkpoint = try SafeTensorsCheckpoint(url: folder)
        return try Weights.checkedBuild(from: checkpoint, dtype: dtype, device: device) {
            try ZImageTransformer($0, config: config)
        }
    }

    /// One denoising evaluation. `latents`: per sample (in_channels, F, H, W); `timesteps`: (B,) in the
    /// model's convention (1000 - t_scheduler)/1000; `captions`: per sample (L_i, cap_feat_dim), unpadded.
    /// Returns per sample (in_channels, F, H, W) in the model dtype; the pipeline negates it.
    public func callAsFunction(latents: [Tensor], timesteps: Tensor, captions: [Tensor]) throws -> [Tensor] {
        try forward(latents: latents, timesteps: timesteps, captions: captions)
    }

    /// `callAsFunction` with a choice of patch size (one of the config's pairs), an optional observer
    /// that sees each stage's output under the reference module's name, and an optional control hook:
    /// it sees this evaluation's embedded inputs and returns hints keyed by main-layer index, each added to
    /// the hidden state after that layer (diffusers' `controlnet_block_samples`); and an optional style
    /// adapter's decoupled cross-attention, added to the image tokens' attention in every main layer.
    public func forward(latents: [Tensor], timesteps: Tensor, captions: [Tensor], patchSize: Int = 2,
                        framePatchSize: Int = 1, observe: Observer? = nil, style: ZImageStyleConditioning? = nil,
                        control: ZImageControlHook? = nil) throws -> [Tensor] {
        let notify = observe ?? { _, _ in }
        let inputs = try embed(latents: latents, timesteps: timesteps, captions: captions, patchSize: patchSize,
                               framePatchSize: framePatchSize, notify: notify)
        let x = try refineImage(inputs, hints: [:], notify: notify)
        let hints = try control?(ZImageControlInputs(transformer: self, embedded: inputs, refinedImage: x)) ?? [:]
        if let bad = hints.keys.first(where: { !layers.indices.contains($0) }) {
            throw ZImageError("a control hint targets main layer \(bad); the transformer has \(layers.count) layers")
        }

        // Joint sequence, image first then caption (basic mode), through the main layers.
        let unified = try inputs.unified(imageTokens: x)
        var h = unified.hidden
        let styleLayers = try style.map { try styleInputs($0, layouts: inputs.layouts, length: h.size(1)) }
        for (i, block) in layers.enumerated() {
            h = try block(h, rotary: inputs.unifiedRotary, mask: unified.mask, adaln: inputs.adaln, style: styleLayers?[i])
            if let hint = hints[i] { h = try h + hint.to(h.dtype) }
            try notify("layers.\(i)", h)
        }
        let out = try inputs.finalLayer(h, adaln: inputs.adaln)
        try notify("all_final_layer.\(inputs.patchKey)", out)
        return try inputs.layouts.indices.map {
            try ZImagePatches.unpatchify(unified.sample($0, of: out), layout: inputs.layouts[$0], channels: config.inChannels)
        }
    }

    /// The style adapter's per-layer inputs for a unified sequence of `length` tokens: the real image
    /// tokens (first in basic mode) get the style, caption and padding tokens do not.
    private func styleInputs(_ style: ZImageStyleConditioning, layouts: [ZImageSampleLayout],
                             length: Int) throws -> [ZImageStyleAttentionInput] {
        guard style.keys.count == layers.count else {
            throw ZImageError("the style adapter has \(style.keys.count) layers; the transformer has \(layers.count)")
        }
        let rows = layouts.flatMap { layout in
            (0..<length).map { Float($0 < layout.imageLength ? 1 : 0) }
        }
        let mask = try Tensor(rows, shape: [layouts.count, 1, length, 1], device: device)
        return try style.layers(imageTokenMask: mask, batch: layouts.count)
    }

    /// Everything before the noise refiner and the main layers: time conditioning, embedded image tokens,
    /// the refined caption, and the rotary tables of each sequence.
    func embed(latents: [Tensor], timesteps: Tensor, captions: [Tensor], patchSize: Int, framePatchSize: Int,
               notify: Observer) throws -> ZImageEmbeddedInputs {
        let key = Self.patchKey(patchSize, framePatchSize)
        guard let xEmbedder = allXEmbedder[key], let finalLayer = allFinalLayer[key] else {
            throw ZImageError("patch size \(key) is not one of the model's (config 'all_patch_size' \(config.allPatchSize), "
                + "'all_f_patch_size' \(config.allFPatchSize))")
        }
        let layouts = try validatedLayouts(latents: latents, timesteps: timesteps, captions: captions,
                                           patchSize: patchSize, framePatchSize: framePatchSize)

        let adaln = try tEmbedder(timesteps.to(device, .float32) * config.tScale, dtype: dtype)
        try notify("t_embedder", adaln)

        // Image tokens: patchify, pad to 32 by repeating the last patch, embed, swap pads for x_pad_token.
        let patches = try zip(latents, layouts).map { latent, layout in
            try ZImagePatches.padRepeatingLast(
                ZImagePatches.patchify(latent.to(device, dtype), patchSize: patchSize, framePatchSize: framePatchSize),
                to: layout.paddedImageLength)
        }
        let xEmbedded = try xEmbedder(Tensor.cat(patches, dim: 0))
        try notify("all_x_embedder.\(key)", xEmbedded)
        let image = try ZImageBatch(zip(xEmbedded.split(sizes: layouts.map(\.paddedImageLength), dim: 0), layouts).map {
            try ZImagePatches.replacePads($0, keep: $1.imageLength, padToken: xPadToken)
        })
        let imageRotary = try rope.rotary(for: layouts.map(\.imagePositions), length: image.maxLength, device: device)

        // Caption tokens: the same padding scheme, embedded with cap_embedder, refined without modulation.
        let captionRows = try zip(captions, layouts).map { caption, layout in
            try ZImagePatches.padRepeatingLast(caption.to(device, dtype), to: layout.paddedCaptionLength)
        }
        let capEmbedded = try capEmbedder(Tensor.cat(captionRows, dim: 0))
        try notify("cap_embedder", capEmbedded)
        let caption = try ZImageBatch(zip(capEmbedded.split(sizes: layouts.map(\.paddedCaptionLength), dim: 0), layouts).map {
            try ZImagePatches.replacePads($0, keep: $1.captionLength, padToken: capPadToken)
        })
        let captionRotary = try rope.rotary(for: layouts.map(\.captionPositions), length: caption.maxLength, device: device)
        var c = caption.hidden
        for (i, block) in contextRefiner.enumerated() {
            c = try block(c, rotary: captionRotary, mask: caption.mask, adaln: nil)
            try notify("context_refiner.\(i)", c)
        }
        let unifiedLength = layouts.map { $0.paddedImageLength + $0.paddedCaptionLength }.max() ?? 0
        let unifiedRotary = try rope.rotary(
            for: layouts.map { $0.imagePositions + $0.captionPositions }, length: unifiedLength, device: device)
        return ZImageEmbeddedInputs(patchKey: key, patchSize: patchSize, framePatchSize: framePatchSize, layouts: layouts,
                                    adaln: adaln, image: image, imageRotary: imageRotary, caption: caption,
                                    refinedCaption: c, unifiedRotary: unifiedRotary, finalLayer: finalLayer)
    }

    /// The noise refiner over the embedded image tokens; `hints[i]` is added after refiner block i
    /// (what a version-2 ControlNet does on its own copy of this path).
    func refineImage(_ inputs: ZImageEmbeddedInputs, hints: [Int: Tensor], notify: Observer = { _, _ in }) throws -> Tensor {
        var x = inputs.image.hidden
        for (i, block) in noiseRefiner.enumerated() {
            x = try block(x, rotary: inputs.imageRotary, mask: inputs.image.mask, adaln: inputs.adaln)
            if let hint = hints[i] { x = try x + hint.to(x.dtype) }
            try notify("noise_refiner.\(i)", x)
        }
        return x
    }

    /// Checks the inputs against each other and the config (the reference would assert or index out of range
    /// deep inside) and lays each sample out as tokens.
    private func validatedLayouts(latents: [Tensor], timesteps: Tensor, captions: [Tensor],
                                  patchSize p: Int, framePatchSize pF: Int) throws -> [ZImageSampleLayout] {
        guard !latents.isEmpty else { throw ZImageError("Z-Image transformer: no latents given (batch of 0)") }
        guard captions.count == latents.count else {
            throw ZImageError("Z-Image transformer: \(latents.count) latents but \(captions.count) captions")
        }
        guard timesteps.shape == [latents.count] else {
            throw ZImageError("Z-Image transformer: timesteps have shape \(timesteps.shape), expected [\(latents.count)]")
        }
        return try zip(latents, captions).enumerated().map { i, pair in
            let (latent, caption) = pair
            let s = latent.shape
            guard s.count == 4, s[0] == config.inChannels else {
                throw ZImageError("Z-Image transformer: latent \(i) has shape \(s), expected "
                    + "[\(config.inChannels) (in_channels), frames, height, width]")
            }
            guard s[1] % pF == 0, s[2] % p == 0, s[3] % p == 0, s[1] > 0, s[2] > 0, s[3] > 0 else {
                throw ZImageError("Z-Image transformer: latent \(i) has shape \(s); frames must be a positive multiple "
                    + "of \(pF) and height and width positive multiples of \(p)")
            }
            guard caption.rank == 2, caption.size(1) == config.capFeatDim, caption.size(0) > 0 else {
                throw ZImageError("Z-Image transformer: caption \(i) has shape \(caption.shape), expected "
                    + "[length ≥ 1, \(config.capFeatDim) (cap_feat_dim)]")
            }
            let layout = ZImageSampleLayout(latentSize: (s[1], s[2], s[3]), patchSize: p, framePatchSize: pF,
                                            captionLength: caption.size(0))
            let what = { "sample \(i) (caption of \(caption.size(0)) tokens, latent \(s[1])x\(s[2])x\(s[3]))" }
            try rope.check(ZImagePosition(f: layout.paddedCaptionLength, h: 0, w: 0), what: what)
            try rope.check(ZImagePosition(f: layout.paddedCaptionLength + layout.grid.f, h: layout.grid.h - 1,
                                          w: layout.grid.w - 1), what: what)
            return layout
        }
    }
}
