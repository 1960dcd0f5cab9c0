import SceneForgeTorch

/// Latent → image: `conv_in`, the mid block, up blocks over the reversed channel list (each with one
/// more resnet than the encoder's and a ×2 upsampling but the last), then GroupNorm → SiLU → `conv_out`.
struct VAEDecoder {
    let conv_in: Conv2d
    let mid_block: VAEMidBlock
    let up_blocks: [UpDecoderBlock2D]
    let conv_norm_out: GroupNorm
    let conv_out: Conv2d

    init(_ w: Weights, config c: AutoencoderKLConfig) throws {
        let channels = Array(c.blockOutChannels.reversed())
        let groups = c.normNumGroups
        conv_in = try Conv2d(w.scoped("conv_in"), inChannels: c.latentChannels, outChannels: channels[0], kernel: 3, padding: 1)
        mid_block = try VAEMidBlock(w.scoped("mid_block"), channels: channels[0], groups: groups, addAttention: c.midBlockAddAttention)
        let blocks = w.scoped("up_blocks")
        up_blocks = try channels.indices.map { i in
            try UpDecoderBlock2D(blocks.scoped(i), inChannels: i == 0 ? channels[0] : channels[i - 1], outChannels: channels[i],
                                 layers: c.layersPerBlock + 1, groups: groups, upsample: i < channels.count - 1)
        }
        let shallowest = channels[channels.count - 1]
        conv_norm_out = try GroupNorm(w.scoped("conv_norm_out"), groups: groups, channels: shallowest, eps: vaeNormEps)
        conv_out = try Conv2d(w.scoped("conv_out"), inChannels: shallowest, outChannels: c.outChannels, kernel: 3, padding: 1)
    }

    func callAsFunction(_ latents: Tensor) throws -> Tensor {
        var h = try mid_block(conv_in(latents))
        for block in up_blocks { h = try block(h) }
        return try conv_out(conv_norm_out(h).silu())
    }
}
