import SceneForgeTorch

/// Image-to-image and inpainting, as diffusers' ZImageImg2ImgPipeline / ZImageInpaintPipeline: the source
/// image's latents are noised to the first kept timestep (`scale_noise`) and only the last `strength` of the
/// schedule runs (`get_timesteps`). With a mask, after every step the latents outside the mask are replaced by
/// the source latents noised to the next step's level, so the unmasked region follows the source.
public struct ImageEdit: Sendable {
    /// The source image [1, 3, H, W] in [-1, 1], at the request's size (see `ZImagePipeline.imageTensor`).
    public var image: Tensor
    /// Fraction of the schedule that runs, in [0, 1]; 1 starts from pure noise.
    public var strength: Double
    /// Where to regenerate: [1, 1, H, W], 1 = regenerate, 0 = keep (binarized, see `ZImagePipeline.maskTensor`).
    public var mask: Tensor?
    /// With a mask: after denoising, fit the latents outside the mask to the source for this many optimiser steps,
    /// so that the decoded image matches the source there (see `LatentFit`); 0 leaves them as the VAE encoded them.
    public var fitSteps: Int

    public init(image: Tensor, strength: Double = 0.6, mask: Tensor? = nil, fitSteps: Int = 0) {
        self.image = image
        self.strength = strength
        self.mask = mask
        self.fitSteps = fitSteps
    }
}

/// ControlNet guidance, as diffusers' ZImageControlNetPipeline: the control image is VAE-encoded (posterior
/// mode) and the ControlNet's hints, times `scale`, are added after their main transformer layers.
///
/// `start`/`end` limit the hints to part of the run (diffusers has no `control_guidance_start/end` for
/// Z-Image; this follows ComfyUI's ControlNet range): step i of an n-step schedule gets hints when its progress
/// i/n lies in [start, end), and every step up to the last when `end` ≥ 1. With an edit, i counts from the
/// start of the full schedule, so the range means the same denoising progress at any strength.
public struct ControlGuidance: @unchecked Sendable {  // the ControlNet's weights are never mutated
    public var controlNet: ZImageControlNet
    /// The control image [1, 3, H, W] in [-1, 1], at the request's size.
    public var image: Tensor
    public var scale = 0.75
    public var start = 0.0
    public var end = 1.0
    /// With classifier-free guidance, whether the negative branch gets the hints too (diffusers' default). false
    /// gives them to the prompt's branch only (ComfyUI's control on the positive conditioning alone), so that
    /// guidance strengthens the layout along with the prompt instead of pulling the image away from it.
    public var onNegative = true
    /// v2 ControlNets only (diffusers' ZImageControlNetInpaintPipeline): the source image and mask that fill the
    /// ControlNet's mask and masked-image channels. Without it a v2 ControlNet gets zeros there.
    public var inpaint: (image: Tensor, mask: Tensor)?
    /// Where the hints apply, [1, 1, H, W] in [0, 1] at the request's size: each image token's hints are scaled by
    /// its pixels' mean (ComfyUI's ControlNet mask), so that a layout can steer its anomaly's region and leave the
    /// rest of the page to the prompt. nil: everywhere at full scale.
    public var region: Tensor?

    public init(controlNet: ZImageControlNet, image: Tensor, scale: Double = 0.75) {
        self.controlNet = controlNet
        self.image = image
        self.scale = scale
    }

    /// The hints of one evaluation of every branch of a step (`control`: one per sample of the batch; `regions`:
    /// `latentRegions(like: control)`, made once a run).
    func hints(_ inputs: ZImageControlInputs, control: [Tensor], regions: [Tensor]?, branches: GuidanceBranches) throws -> [Int: Tensor] {
        let hints = try controlNet.hints(inputs, control: branches.repeated(control), scale: scale, regions: regions.map(branches.repeated))
        guard !onNegative, let promptsOnly = try branches.weights(zeroing: .negative, device: inputs.transformer.device) else {
            return hints
        }
        return try hints.mapValues { try $0 * promptsOnly.to($0.dtype) }
    }

    /// The region at each control latent's size, one per sample; nil without a region.
    func latentRegions(like control: [Tensor]) throws -> [Tensor]? {
        try region.map { region in try control.map { try Self.latentRegion(region, like: $0) } }
    }

    /// The region map at a control latent's size, (1, F, h, w): each latent's weight is its pixels' mean.
    static func latentRegion(_ region: Tensor, like latent: Tensor) throws -> Tensor {
        let (h, w) = (latent.size(2), latent.size(3))
        guard region.rank == 4, region.size(0) == 1, region.size(1) == 1, region.size(2) % h == 0, region.size(3) % w == 0 else {
            throw ZImageError("the control region has shape \(region.shape); it must be [1, 1, H, W] at the image's size")
        }
        let pooled = try region.avgPool2d(kernel: (region.size(2) / h, region.size(3) / w))   // (1, 1, h, w)
        return try pooled.squeeze(0).unsqueeze(1).expand([1, latent.size(1), h, w])
    }

    /// Whether step `index` of `total` (counted over the full schedule) gets the hints.
    public func applies(atStep index: Int, of total: Int) -> Bool {
        let progress = Double(index) / Double(max(total, 1))
        return progress >= start && (end >= 1 || progress < end)
    }
}
