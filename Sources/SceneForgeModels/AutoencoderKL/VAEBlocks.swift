import SceneForgeTorch

// The building blocks of diffusers' VAE encoder and decoder (unets/resnet.py, downsampling.py,
// upsampling.py, attention_processor.py). Every norm in these VAEs uses eps 1e-6.

let vaeNormEps = 1e-6

/// `norm1 → SiLU → conv1 → norm2 → SiLU → conv2`, added to the input (through a 1x1 `conv_shortcut`
/// when the channel count changes). No time embedding in a VAE; dropout is off at inference.
struct ResnetBlock2D {
    let norm1: GroupNorm
    let conv1: Conv2d
    let norm2: GroupNorm
    let conv2: Conv2d
    let conv_shortcut: Conv2d?

    init(_ w: Weights, inChannels: Int, outChannels: Int, groups: Int) throws {
        norm1 = try GroupNorm(w.scoped("norm1"), groups: groups, channels: inChannels, eps: vaeNormEps)
        conv1 = try Conv2d(w.scoped("conv1"), inChannels: inChannels, outChannels: outChannels, kernel: 3, padding: 1)
        norm2 = try GroupNorm(w.scoped("norm2"), groups: groups, channels: outChannels, eps: vaeNormEps)
        conv2 = try Conv2d(w.scoped("conv2"), inChannels: outChannels, outChannels: outChannels, kernel: 3, padding: 1)
        conv_shortcut = inChannels == outChannels ? nil
            : try Conv2d(w.scoped("conv_shortcut"), inChannels: inChannels, outChannels: outChannels, kernel: 1)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = try conv1(norm1(x).silu())
        h = try conv2(norm2(h).silu())
        let shortcut = try conv_shortcut.map { try $0(x) } ?? x
        return try shortcut + h
    }
}

/// Single-head self-attention over the pixels of a feature map, with a GroupNorm in front and the
/// input added back (diffusers `Attention` built from the old VAE attention block).
struct VAEAttention {
    let group_norm: GroupNorm
    let to_q: Linear
    let to_k: Linear
    let to_v: Linear
    let to_out: [Linear]

    init(_ w: Weights, channels: Int, groups: Int) throws {
        group_norm = try GroupNorm(w.scoped("group_norm"), groups: groups, channels: channels, eps: vaeNormEps)
        to_q = try Linear(w.scoped("to_q"), inFeatures: channels, outFeatures: channels)
        to_k = try Linear(w.scoped("to_k"), inFeatures: channels, outFeatures: channels)
        to_v = try Linear(w.scoped("to_v"), inFeatures: channels, outFeatures: channels)
        to_out = [try Linear(w.scoped("to_out").scoped(0), inFeatures: channels, outFeatures: channels)]
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let (b, c, h, w) = (x.size(0), x.size(1), x.size(2), x.size(3))
        // (B, C, H, W) → (B, 1 head, H·W, C): every pixel is a token.
        let tokens = try group_norm(x).reshape([b, c, h * w]).transpose(1, 2).unsqueeze(1)
        let attended = try Tensor.attention(query: to_q(tokens), key: to_k(tokens), value: to_v(tokens))
        let out = try to_out[0](attended.squeeze(1))
        return try out.transpose(1, 2).reshape([b, c, h, w]) + x
    }
}

/// ResnetBlock2D → attention → ResnetBlock2D at the lowest resolution (`UNetMidBlock2D`, no time embedding).
struct VAEMidBlock {
    let resnets: [ResnetBlock2D]
    let attentions: [VAEAttention]

    init(_ w: Weights, channels: Int, groups: Int, addAttention: Bool) throws {
        let r = w.scoped("resnets")
        resnets = try (0..<2).map { try ResnetBlock2D(r.scoped($0), inChannels: channels, outChannels: channels, groups: groups) }
        attentions = addAttention ? [try VAEAttention(w.scoped("attentions").scoped(0), channels: channels, groups: groups)] : []
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = try resnets[0](x)
        if let attention = attentions.first { h = try attention(h) }
        return try resnets[1](h)
    }
}

/// Halves the resolution: zero-pad one row at the bottom and one column at the right, then a 3x3
/// stride-2 convolution without padding (the asymmetric padding of the original LDM code).
struct Downsample2D {
    let conv: Conv2d

    init(_ w: Weights, channels: Int) throws {
        conv = try Conv2d(w.scoped("conv"), inChannels: channels, outChannels: channels, kernel: 3, stride: 2, padding: 0)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor { try conv(x.pad([0, 1, 0, 1])) }
}

/// Doubles the resolution: nearest-neighbour ×2, then a 3x3 convolution.
struct Upsample2D {
    let conv: Conv2d

    init(_ w: Weights, channels: Int) throws {
        conv = try Conv2d(w.scoped("conv"), inChannels: channels, outChannels: channels, kernel: 3, padding: 1)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try conv(x.interpolate(height: x.size(2) * 2, width: x.size(3) * 2, mode: .nearest))
    }
}

/// `DownEncoderBlock2D`: resnets, then (except in the last block) a Downsample2D.
struct DownEncoderBlock2D {
    let resnets: [ResnetBlock2D]
    let downsamplers: [Downsample2D]

    init(_ w: Weights, inChannels: Int, outChannels: Int, layers: Int, groups: Int, downsample: Bool) throws {
        let r = w.scoped("resnets")
        resnets = try (0..<layers).map {
            try ResnetBlock2D(r.scoped($0), inChannels: $0 == 0 ? inChannels : outChannels, outChannels: outChannels, groups: groups)
        }
        downsamplers = downsample ? [try Downsample2D(w.scoped("downsamplers").scoped(0), channels: outChannels)] : []
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = x
        for resnet in resnets { h = try resnet(h) }
        for downsampler in downsamplers { h = try downsampler(h) }
        return h
    }
}

/// `UpDecoderBlock2D`: resnets, then (except in the last block) an Upsample2D.
struct UpDecoderBlock2D {
    let resnets: [ResnetBlock2D]
    let upsamplers: [Upsample2D]

    init(_ w: Weights, inChannels: Int, outChannels: Int, layers: Int, groups: Int, upsample: Bool) throws {
        let r = w.scoped("resnets")
        resnets = try (0..<layers).map {
            try ResnetBlock2D(r.scoped($0), inChannels: $0 == 0 ? inChannels : outChannels, outChannels: outChannels, groups: groups)
        }
        upsamplers = upsample ? [try Upsample2D(w.scoped("upsamplers").scoped(0), channels: outChannels)] : []
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = x
        for resnet in resnets { h = try resnet(h) }
        for upsampler in upsamplers { h = try upsampler(h) }
        return h
    }
}
