import SceneForgeTorch

// One Qwen3 decoder layer (transformers' modeling_qwen3.py): pre-norm attention and SwiGLU MLP,
// each added back to the residual stream.

/// RoPE in the rotate-half layout: a head vector's first and second halves form the (re, im) pairs.
struct Qwen3Rotary {
    let cos: Tensor
    let sin: Tensor

    /// Tables for `positions` ([B, L] float32) with inverse frequencies `1 / θ^(2k/headDim)` computed
    /// in float32 as transformers does; the result broadcasts over heads: [B, 1, L, headDim].
    init(positions: Tensor, headDim: Int, theta: Double, dtype: DType) throws {
        let exponents = try Tensor.arange(0, Double(headDim), step: 2) / Double(headDim)
        let inverse = try Tensor.scalar(theta).pow(exponents).reciprocal().to(positions.device)
        let angles = try positions.unsqueeze(-1) * inverse            // [B, L, headDim/2]
        let doubled = try Tensor.cat([angles, angles], dim: -1).unsqueeze(1)
        cos = try doubled.cos().to(dtype)
        sin = try doubled.sin().to(dtype)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let halves = try x.chunk(2, dim: -1)
        let rotated = try Tensor.cat([-halves[1], halves[0]], dim: -1)
        return try x * cos + rotated * sin
    }
}

/// Grouped-query attention: `num_key_value_heads` K/V heads each serve a group of query heads;
/// per-head RMSNorm on queries and keys (`q_norm`, `k_norm`, Qwen3's addition) before RoPE.
struct Qwen3Attention {
    let q_proj: Linear
    let k_proj: Linear
    let v_proj: Linear
    let o_proj: Linear
    let q_norm: RMSNorm
    let k_norm: RMSNorm
    let heads: Int
    let kvHeads: Int
    let headDim: Int

    init(_ w: Weights, config c: Qwen3Config) throws {
        heads = c.numAttentionHeads
        kvHeads = c.numKeyValueHeads
        headDim = c.headDim
        let bias = c.attentionBias
        q_proj = try Linear(w.scoped("q_proj"), inFeatures: c.hiddenSize, outFeatures: heads * headDim, bias: bias)
        k_proj = try Linear(w.scoped("k_proj"), inFeatures: c.hiddenSize, outFeatures: kvHeads * headDim, bias: bias)
        v_proj = try Linear(w.scoped("v_proj"), inFeatures: c.hiddenSize, outFeatures: kvHeads * headDim, bias: bias)
        o_proj = try Linear(w.scoped("o_proj"), inFeatures: heads * headDim, outFeatures: c.hiddenSize, bias: bias)
        q_norm = try RMSNorm(w.scoped("q_norm"), dim: headDim, eps: c.rmsNormEps)
        k_norm = try RMSNorm(w.scoped("k_norm"), dim: headDim, eps: c.rmsNormEps)
    }

    /// `x` [B, L, hidden]; `mask` bool [B, 1, L, L], true where a query may attend to a key.
    func callAsFunction(_ x: Tensor, rotary: Qwen3Rotary, mask: Tensor) throws -> Tensor {
        let (b, l) = (x.size(0), x.size(1))
        // [B, L, heads·D] → [B, heads, L, D]
        func split(_ t: Tensor, _ count: Int) throws -> Tensor { try t.reshape([b, l, count, headDim]) }
        let q = try rotary(q_norm(split(q_proj(x), heads)).transpose(1, 2))
        let k = try repeatGroups(rotary(k_norm(split(k_proj(x), kvHeads)).transpose(1, 2)))
        let v = try repeatGroups(split(v_proj(x), kvHeads).transpose(1, 2))
        let attended = try Tensor.attention(query: q, key: k, value: v, mask: mask, scale: 1 / Double(headDim).squareRoot())
        return try o_proj(attended.transpose(1, 2).reshape([b, l, heads * headDim]))
    }

    /// [B, kvHeads, L, D] → [B, heads, L, D], each K/V head repeated for its consecutive query heads.
    private func repeatGroups(_ t: Tensor) throws -> Tensor {
        let group = heads / kvHeads
        guard group > 1 else { return t }
        let (b, l) = (t.size(0), t.size(2))
        return try t.unsqueeze(2).expand([b, kvHeads, group, l, headDim]).reshape([b, heads, l, headDim])
    }
}

/// `down_proj(silu(gate_proj(x)) * up_proj(x))`.
struct Qwen3MLP {
    let gate_proj: Linear
    let up_proj: Linear
    let down_proj: Linear

    init(_ w: Weights, config c: Qwen3Config) throws {
        gate_proj = try Linear(w.scoped("gate_proj"), inFeatures: c.hiddenSize, outFeatures: c.intermediateSize, bias: false)
        up_proj = try Linear(w.scoped("up_proj"), inFeatures: c.hiddenSize, outFeatures: c.intermediateSize, bias: false)
        down_proj = try Linear(w.scoped("down_proj"), inFeatures: c.intermediateSize, outFeatures: c.hiddenSize, bias: false)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor { try down_proj(gate_proj(x).silu() * up_proj(x)) }
}

struct Qwen3DecoderLayer {
    let self_attn: Qwen3Attention
    let mlp: Qwen3MLP
    let input_layernorm: RMSNorm
    let post_attention_layernorm: RMSNorm

    init(_ w: Weights, config c: Qwen3Config) throws {
        self_attn = try Qwen3Attention(w.scoped("self_attn"), config: c)
        mlp = try Qwen3MLP(w.scoped("mlp"), config: c)
        input_layernorm = try RMSNorm(w.scoped("input_layernorm"), dim: c.hiddenSize, eps: c.rmsNormEps)
        post_attention_layernorm = try RMSNorm(w.scoped("post_attention_layernorm"), dim: c.hiddenSize, eps: c.rmsNormEps)
    }

    func callAsFunction(_ x: Tensor, rotary: Qwen3Rotary, mask: Tensor) throws -> Tensor {
        let h = try x + self_attn(input_layernorm(x), rotary: rotary, mask: mask)
        return try h + mlp(post_attention_layernorm(h))
    }
}
