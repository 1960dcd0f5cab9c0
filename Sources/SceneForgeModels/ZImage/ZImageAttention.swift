import SceneForgeTorch

/// `attention` of a Z-Image block: bias-free q/k/v/out projections, per-head RMSNorm on q and k
/// (eps fixed at 1e-5), interleaved RoPE, scaled dot-product attention over all tokens with an optional
/// key-padding mask. `n_kv_heads` plays no part: it is plain multi-head attention.
struct ZImageAttention {
    let toQ: Linear
    let toK: Linear
    let toV: Linear
    let toOut0: Linear
    let normQ: RMSNorm?
    let normK: RMSNorm?
    let heads: Int

    init(_ w: Weights, dim: Int, heads: Int, qkNorm: Bool) throws {
        let headDim = dim / heads
        toQ = try Linear(w.scoped("to_q"), inFeatures: dim, outFeatures: dim, bias: false)
        toK = try Linear(w.scoped("to_k"), inFeatures: dim, outFeatures: dim, bias: false)
        toV = try Linear(w.scoped("to_v"), inFeatures: dim, outFeatures: dim, bias: false)
        toOut0 = try Linear(w.scoped("to_out").scoped(0), inFeatures: dim, outFeatures: dim, bias: false)
        normQ = qkNorm ? try RMSNorm(w.scoped("norm_q"), dim: headDim, eps: 1e-5) : nil
        normK = qkNorm ? try RMSNorm(w.scoped("norm_k"), dim: headDim, eps: 1e-5) : nil
        self.heads = heads
    }

    /// `x`: (B, S, dim); `mask`: (B, 1, 1, S) bool, true = attend, or nil when every sample is full length.
    /// `style`: a style adapter's decoupled cross-attention for this layer, added before `to_out`.
    func callAsFunction(_ x: Tensor, rotary: ZImageRotary, mask: Tensor?, style: ZImageStyleAttentionInput? = nil) throws -> Tensor {
        let (batch, length) = (x.size(0), x.size(1))
        func split(_ t: Tensor) throws -> Tensor { try t.reshape([batch, length, heads, -1]) }
        var q = try split(toQ(x))
        var k = try split(toK(x))
        let v = try split(toV(x))
        if let normQ { q = try normQ(q) }
        if let normK { k = try normK(k) }
        let unrotatedQuery = q
        q = try rotary.apply(q)
        k = try rotary.apply(k)
        // (B, S, H, hd) → (B, H, S, hd) for attention, and back.
        var out = try Tensor.attention(query: q.transpose(1, 2), key: k.transpose(1, 2), value: v.transpose(1, 2), mask: mask)
        if let style { out = try out + style.attend(query: unrotatedQuery.transpose(1, 2)) }
        return try toOut0(out.transpose(1, 2).reshape([batch, length, -1]))
    }
}

/// `feed_forward`: SwiGLU, `w2(silu(w1 x) · w3 x)`, no biases.
struct ZImageFeedForward {
    let w1: Linear
    let w2: Linear
    let w3: Linear

    init(_ w: Weights, dim: Int, hiddenDim: Int) throws {
        w1 = try Linear(w.scoped("w1"), inFeatures: dim, outFeatures: hiddenDim, bias: false)
        w2 = try Linear(w.scoped("w2"), inFeatures: hiddenDim, outFeatures: dim, bias: false)
        w3 = try Linear(w.scoped("w3"), inFeatures: dim, outFeatures: hiddenDim, bias: false)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor { try w2(w1(x).silu() * w3(x)) }
}
