import SceneForgeTorch

/// Image → posterior moments: `conv_in`, down blocks (each halving the resolution but the last),
/// the mid block, then GroupNorm → SiLU → `conv_out` to 2 × latent_channels (mean and log-variance).
struct VAEEncoder {
    let conv_in: Conv2d
    let down_blocks: [DownEncoderBlock2D]
    let mid_block: VAEMidBlock
    let conv_norm_out: GroupNorm
    let conv_out: Conv2d

    init(_ w: Weights, config c: AutoencoderKLConfig) throws {
        let channels = c.blockOutChannels
        let groups = c.normNumGroups
        conv_in = try Conv2d(w.scoped("conv_in"), inChannels: c.inChannels, outChannels: channels[0], kernel: 3, padding: 1)
        let blocks = w.scoped("down_blocks")
        down_blocks = try channels.indices.map { i in
            try DownEncoderBlock2D(blocks.scoped(i), inChannels: i == 0 ? channels[0] : channels[i - 1], outChannels: channels[i],
                                   layers: c.layersPerBlock, groups: groups, downsample: i < channels.count - 1)
        }
        let deepest = channels[channels.count - 1]
        mid_block = try VAEMidBlock(w.scoped("mid_block"), channels: deepest, groups: groups, addAttention: c.midBlockAddAttention)
        conv_norm_out = try GroupNorm(w.scoped("conv_norm_out"), groups: groups, channels: deepest, eps: vaeNormEps)
        conv_out = try Conv2d(w.scoped("conv_out"), inChannels: deepest, outChannels: 2 * c.latentChannels, kernel: 3, padding: 1)
    }

    func callAsFunction(_ image: Tensor) throws -> Tensor {
        var h = try conv_in(image)
        for block in down_blocks { h = try block(h) }
        h = try mid_block(h)
        return try conv_out(conv_norm_out(h).silu())
    }
}
