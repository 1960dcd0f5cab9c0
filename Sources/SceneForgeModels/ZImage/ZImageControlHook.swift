import SceneForgeTorch

/// A control model's hook into one transformer evaluation: given the evaluation's embedded inputs, it
/// returns hints keyed by main-layer index; the transformer adds each after that layer.
public typealias ZImageControlHook = (ZImageControlInputs) throws -> [Int: Tensor]

/// What a control model sees of one transformer evaluation. A ControlNet reuses the transformer's own
/// embedders and refiners (diffusers' `from_transformer`), so it gets them through this value rather than
/// holding copies.
public struct ZImageControlInputs {
    let transformer: ZImageTransformer
    let embedded: ZImageEmbeddedInputs
    /// The image tokens after the (unhinted) noise refiner, (B, S_img, dim).
    let refinedImage: Tensor
}

/// One evaluation's inputs up to the point where the image tokens enter the noise refiner.
struct ZImageEmbeddedInputs {
    let patchKey: String
    let patchSize: Int
    let framePatchSize: Int
    let layouts: [ZImageSampleLayout]
    /// Time conditioning, (B, adaln_dim).
    let adaln: Tensor
    /// Embedded image tokens (pads replaced by x_pad_token), before the noise refiner.
    let image: ZImageBatch
    let imageRotary: ZImageRotary
    let caption: ZImageBatch
    /// Caption tokens after the context refiner, (B, S_cap, dim).
    let refinedCaption: Tensor
    let unifiedRotary: ZImageRotary
    let finalLayer: ZImageFinalLayer

    /// Per sample [image tokens, caption tokens] (basic mode), batch-padded; `imageTokens` is (B, S_img, dim):
    /// the refined image, or a control model's own stream in its place.
    func unified(imageTokens: Tensor) throws -> ZImageBatch {
        try ZImageBatch(layouts.indices.map {
            try Tensor.cat([image.sample($0, of: imageTokens), caption.sample($0, of: refinedCaption)], dim: 0)
        })
    }
}
