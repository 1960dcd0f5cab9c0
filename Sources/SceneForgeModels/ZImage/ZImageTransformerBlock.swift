import SceneForgeTorch

/// One Z-Image block (noise refiner, context refiner, main layer): sandwich-normed attention and SwiGLU,
/// each with a residual. With modulation, `adaLN_modulation.0` (no SiLU before it) maps the time
/// conditioning to (scale_msa, gate_msa, scale_mlp, gate_mlp); scales enter as `1 + s`, gates as `tanh(g)`,
/// and there are no shift terms. The context refiner has no modulation (scale = gate = 1).
struct ZImageTransformerBlock {
    let attention: ZImageAttention
    let feedForward: ZImageFeedForward
    let attentionNorm1: RMSNorm
    let ffnNorm1: RMSNorm
    let attentionNorm2: RMSNorm
    let ffnNorm2: RMSNorm
    let adaLNModulation0: Linear?

    init(_ w: Weights, config: ZImageTransformerConfig, modulation: Bool) throws {
        let dim = config.dim
        attention = try ZImageAttention(w.scoped("attention"), dim: dim, heads: config.nHeads, qkNorm: config.qkNorm)
        feedForward = try ZImageFeedForward(w.scoped("feed_forward"), dim: dim, hiddenDim: config.feedForwardDim)
        attentionNorm1 = try RMSNorm(w.scoped("attention_norm1"), dim: dim, eps: config.normEps)
        ffnNorm1 = try RMSNorm(w.scoped("ffn_norm1"), dim: dim, eps: config.normEps)
        attentionNorm2 = try RMSNorm(w.scoped("attention_norm2"), dim: dim, eps: config.normEps)
        ffnNorm2 = try RMSNorm(w.scoped("ffn_norm2"), dim: dim, eps: config.normEps)
        adaLNModulation0 = modulation
            ? try Linear(w.scoped("adaLN_modulation").scoped(0), inFeatures: config.adalnDim, outFeatures: 4 * dim)
            : nil
    }

    /// `x`: (B, S, dim); `adaln`: (B, adalnDim), required exactly when the block is modulated.
    /// `style`: a style adapter's cross-attention for this block (main layers only).
    func callAsFunction(_ x: Tensor, rotary: ZImageRotary, mask: Tensor?, adaln: Tensor?,
                        style: ZImageStyleAttentionInput? = nil) throws -> Tensor {
        try callAsFunction(x, rotary: rotary, mask: mask, conditioning: adaln.map { .global($0) }, style: style)
    }

    func callAsFunction(_ x: Tensor, rotary: ZImageRotary, mask: Tensor?,
                        conditioning: ZImageTimeConditioning?, style: ZImageStyleAttentionInput? = nil) throws -> Tensor {
        guard let adaLNModulation0 else {
            let h = try x + attentionNorm2(attention(attentionNorm1(x), rotary: rotary, mask: mask, style: style))
            return try h + ffnNorm2(feedForward(ffnNorm1(h)))
        }
        guard let conditioning else { throw ZImageError("a modulated Z-Image block was called without time conditioning") }
        let scale: (Tensor) throws -> Tensor = { try $0 + 1 }
        let gate: (Tensor) throws -> Tensor = { try $0.tanh() }
        let mod = try conditioning.modulate({ try adaLNModulation0($0) }, chunks: 4, post: [scale, gate, scale, gate])
        let (scaleMSA, gateMSA, scaleMLP, gateMLP) = (mod[0], mod[1], mod[2], mod[3])
        let h = try x + gateMSA * attentionNorm2(attention(attentionNorm1(x) * scaleMSA, rotary: rotary, mask: mask, style: style))
        return try h + gateMLP * ffnNorm2(feedForward(ffnNorm1(h) * scaleMLP))
    }
}
