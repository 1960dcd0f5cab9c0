import Foundation
import SceneForgeTorch

/// diffusers' `ZImageControlNetModel` (controlnet_z_image.py). It owns only the control weights; the time,
/// image and caption embedders and both refiners are the transformer's (`from_transformer`), reached
/// through the transformer's control hook. Stored names are the checkpoint's keys.
///
///     control latents ─ patchify ─ control_all_x_embedder ─┬─ [v1] control_noise_refiner (plain blocks)
///                                                           └─ [v2] control blocks vs. embedded image → refiner hints
///     [control stream, caption] ─ control_layers (vs. [image, caption]) ─ after_proj ─ × scale → hint per main layer
public struct ZImageControlNet {
    public let config: ZImageControlNetConfig
    /// Keyed "<patch>-<frame patch>", like the transformer's embedders.
    let controlAllXEmbedder: [String: Linear]
    let controlLayers: [ZImageControlBlock]
    /// v1: plain Z-Image blocks over the control stream.
    let plainNoiseRefiner: [ZImageTransformerBlock]
    /// v2.1: control blocks that produce the noise-refiner hints (v2.0 uses `controlLayers`).
    let controlNoiseRefiner: [ZImageControlBlock]

    public init(_ w: Weights, config: ZImageControlNetConfig, transformer: ZImageTransformerConfig) throws {
        try config.validate(against: transformer, source: w.prefix.isEmpty ? "ZImageControlNet" : w.prefix)
        self.config = config
        let blocks = config.blockConfig(from: transformer)
        var embedders: [String: Linear] = [:]
        for (p, pF) in zip(config.allPatchSize, config.allFPatchSize) {
            let key = ZImageTransformer.patchKey(p, pF)
            embedders[key] = try Linear(w.scoped("control_all_x_embedder").scoped(key),
                                        inFeatures: pF * p * p * config.controlInDim, outFeatures: config.dim)
        }
        controlAllXEmbedder = embedders
        controlLayers = try config.controlLayersPlaces.indices.map {
            try ZImageControlBlock(w.scoped("control_layers").scoped($0), config: blocks, blockID: $0)
        }
        switch config.addControlNoiseRefiner {
        case nil:
            plainNoiseRefiner = try (0..<config.nRefinerLayers).map {
                try ZImageTransformerBlock(w.scoped("control_noise_refiner").scoped($0), config: blocks, modulation: true)
            }
            controlNoiseRefiner = []
        case .controlLayers:
            plainNoiseRefiner = []
            controlNoiseRefiner = []
        case .controlNoiseRefiner:
            plainNoiseRefiner = []
            controlNoiseRefiner = try (0..<config.nRefinerLayers).map {
                try ZImageControlBlock(w.scoped("control_noise_refiner").scoped($0), config: blocks, blockID: $0)
            }
        }
    }

    /// The hints for one transformer evaluation: `control` holds per sample (control_in_dim, F, H, W) latents
    /// with the same spatial size as the sample's latents; every hint is multiplied by `scale`. `regions`, when
    /// given, holds per sample a (1, F, H, W) weight map at the same size: each image token's hints are further
    /// multiplied by its patch's mean weight (a regional control, as ComfyUI's ControlNet mask); caption tokens'
    /// hints are not. Returns hints keyed by the main-layer index they are added after.
    public func hints(_ inputs: ZImageControlInputs, control: [Tensor], scale: Double, regions: [Tensor]? = nil) throws -> [Int: Tensor] {
        let e = inputs.embedded
        let transformer = inputs.transformer
        let weights = try regions.map { try tokenWeights($0, inputs: e, device: transformer.device, dtype: transformer.dtype) }
        guard let embedder = controlAllXEmbedder[e.patchKey] else {
            throw ZImageError("the ControlNet has no embedder for patch size \(e.patchKey)")
        }
        guard control.count == e.layouts.count else {
            throw ZImageError("ControlNet: \(control.count) control inputs for a batch of \(e.layouts.count)")
        }
        // The control stream: patchified and padded exactly like the image tokens, pads → the transformer's x_pad_token.
        let rows = try zip(control, e.layouts).enumerated().map { i, pair in
            let (latent, layout) = pair
            let expected = [config.controlInDim, layout.latentSize.f, layout.latentSize.h, layout.latentSize.w]
            guard latent.shape == expected else {
                throw ZImageError("ControlNet: control input \(i) has shape \(latent.shape), expected \(expected) "
                    + "(control_in_dim \(config.controlInDim) and the latent's frames/height/width)")
            }
            return try ZImagePatches.padRepeatingLast(
                ZImagePatches.patchify(latent.to(transformer.device, transformer.dtype), patchSize: e.patchSize,
                                       framePatchSize: e.framePatchSize),
                to: layout.paddedImageLength)
        }
        let embedded = try embedder(Tensor.cat(rows, dim: 0))
        var stream = try ZImageBatch(zip(embedded.split(sizes: e.layouts.map(\.paddedImageLength), dim: 0), e.layouts).map {
            try ZImagePatches.replacePads($0, keep: $1.imageLength, padToken: transformer.xPadToken)
        }).hidden

        // The image stream the control layers compare against: v2 refines its own copy with refiner hints.
        let image: Tensor
        if let mode = config.addControlNoiseRefiner {
            let producers = mode == .controlLayers ? controlLayers : controlNoiseRefiner
            let (refinerHints, last) = try producers.run(stream, controlling: e.image.hidden, rotary: e.imageRotary,
                                                         mask: e.image.mask, adaln: e.adaln)
            stream = last
            var byBlock: [Int: Tensor] = [:]
            for (hint, place) in zip(refinerHints, config.controlRefinerLayersPlaces ?? []) {
                byBlock[place] = try weights.map { try hint * $0.image * scale } ?? hint * scale
            }
            image = try transformer.refineImage(e, hints: byBlock)
        } else {
            for block in plainNoiseRefiner {
                stream = try block(stream, rotary: e.imageRotary, mask: e.image.mask, adaln: e.adaln)
            }
            image = inputs.refinedImage
        }

        let controlUnified = try e.unified(imageTokens: stream)
        let imageUnified = try e.unified(imageTokens: image)
        let (layerHints, _) = try controlLayers.run(controlUnified.hidden, controlling: imageUnified.hidden,
                                                    rotary: e.unifiedRotary, mask: imageUnified.mask, adaln: e.adaln)
        var byLayer: [Int: Tensor] = [:]
        for (hint, place) in zip(layerHints, config.controlLayersPlaces) {
            byLayer[place] = try weights.map { try hint * $0.unified * scale } ?? hint * scale
        }
        return byLayer
    }

    /// Per-token weights of a regional control, (B, S, 1): over the image tokens alone (v2's refiner hints) and over
    /// the unified sequence (the main layers' hints), where caption tokens weigh 1. A token's weight is the mean of
    /// its patch's map, patchified and padded like the image itself.
    private func tokenWeights(_ maps: [Tensor], inputs e: ZImageEmbeddedInputs, device: Device,
                              dtype: DType) throws -> (image: Tensor, unified: Tensor) {
        guard maps.count == e.layouts.count else {
            throw ZImageError("ControlNet: \(maps.count) control regions for a batch of \(e.layouts.count)")
        }
        let rows = try zip(maps, e.layouts).enumerated().map { i, pair in
            let (map, layout) = pair
            let expected = [1, layout.latentSize.f, layout.latentSize.h, layout.latentSize.w]
            guard map.shape == expected else {
                throw ZImageError("ControlNet: control region \(i) has shape \(map.shape), expected \(expected)")
            }
            let patches = try ZImagePatches.patchify(map.to(device, dtype), patchSize: e.patchSize, framePatchSize: e.framePatchSize)
            return try ZImagePatches.padRepeatingLast(patches.mean(dim: 1, keepDim: true), to: layout.paddedImageLength)
        }
        let unified = try zip(rows, e.layouts).map { row, layout in
            try Tensor.cat([row, Tensor.ones([layout.paddedCaptionLength, 1], dtype: dtype, device: device)], dim: 0)
        }
        // Batch padding weighs 1 too, so that a region of ones is exactly no region.
        return (try ZImageBatch(rows, padValue: 1).hidden, try ZImageBatch(unified, padValue: 1).hidden)
    }
}
