import SceneForgeTorch

/// `image_encoder`: the trainable head over the frozen VAE's latents of the reference screenshot (and, with
/// `colour_input`, its RGB area-pooled to the same grid, as three more channels).
/// There is no CLIP in this project, so the model's own VAE encoder is the image backbone (it already
/// knows colours and flat panels); two small convolutions then turn its latents into style features,
/// average-pooled to a coarse grid that keeps "header band" apart from "page".
///
///     latents (B, 16, h, w) ─ conv_in ─ SiLU ─ conv_down (stride 2) ─ SiLU ─ avg-pool to grid ─ flatten
struct StyleImageEncoder {
    let convIn: Conv2d
    let convDown: Conv2d
    let gridHeight: Int
    let gridWidth: Int

    init(_ w: Weights, config: StyleAdapterConfig) throws {
        convIn = try Conv2d(w.scoped("conv_in"), inChannels: config.encoderInputChannels, outChannels: config.encoderChannels[0],
                            kernel: 3, padding: 1)
        convDown = try Conv2d(w.scoped("conv_down"), inChannels: config.encoderChannels[0],
                              outChannels: config.encoderChannels[1], kernel: 3, stride: 2, padding: 1)
        gridHeight = config.gridHeight
        gridWidth = config.gridWidth
    }

    /// `input`: (B, encoder input channels, h, w) from `StyleAdapter.encoderInput`. Returns (B, features).
    func callAsFunction(_ input: Tensor) throws -> Tensor {
        let features = try convDown(convIn(input).silu()).silu()
        let (h, w) = (features.size(2), features.size(3))
        let pooled = try features.avgPool2d(kernel: (h / gridHeight, w / gridWidth))
        return try pooled.flatten(start: 1)
    }
}

/// `image_proj`: IP-Adapter's `ImageProjModel` — one linear map from the image features to
/// `num_tokens` tokens of the transformer's width, then a LayerNorm over each token.
struct StyleImageProjection {
    let proj: Linear
    let norm: LayerNorm
    let numTokens: Int
    let dim: Int

    init(_ w: Weights, config: StyleAdapterConfig) throws {
        proj = try Linear(w.scoped("proj"), inFeatures: config.pooledFeatures, outFeatures: config.numTokens * config.dim)
        norm = try LayerNorm(w.scoped("norm"), dim: config.dim, eps: 1e-5)
        numTokens = config.numTokens
        dim = config.dim
    }

    /// (B, features) → (B, num_tokens, dim).
    func callAsFunction(_ features: Tensor) throws -> Tensor {
        try norm(proj(features).reshape([features.size(0), numTokens, dim]))
    }
}

/// `layers.<i>`: the decoupled cross-attention's own key and value projections for main layer i
/// (IP-Adapter's `to_k_ip` / `to_v_ip`), with a per-head RMSNorm on the keys like the block's own.
/// The queries are the block's: only keys and values are new.
struct StyleLayerProjections {
    let toKIP: Linear
    let toVIP: Linear
    let normKIP: RMSNorm?

    init(_ w: Weights, config: StyleAdapterConfig) throws {
        toKIP = try Linear(w.scoped("to_k_ip"), inFeatures: config.dim, outFeatures: config.dim, bias: false)
        toVIP = try Linear(w.scoped("to_v_ip"), inFeatures: config.dim, outFeatures: config.dim, bias: false)
        normKIP = config.qkNorm ? try RMSNorm(w.scoped("norm_k_ip"), dim: config.dim / config.nHeads, eps: 1e-5) : nil
    }

    /// Keys and values of `tokens` (B, N, dim), each (B, heads, N, head_dim).
    func keysAndValues(_ tokens: Tensor, heads: Int) throws -> (key: Tensor, value: Tensor) {
        let (batch, count) = (tokens.size(0), tokens.size(1))
        var k = try toKIP(tokens).reshape([batch, count, heads, -1])
        if let normKIP { k = try normKIP(k) }
        let v = try toVIP(tokens).reshape([batch, count, heads, -1])
        return (try k.transpose(1, 2), try v.transpose(1, 2))
    }
}
