import SceneForgeTorch

/// A style adapter's contribution to every transformer evaluation of one generation (IP-Adapter's
/// decoupled cross-attention): per main layer, the keys and values of the adapter's image tokens, and
/// the scale. Keys and values do not depend on the timestep, so they are computed once per generation.
/// Made by `StyleAdapter.conditioning(tokens:scale:)`.
public struct ZImageStyleConditioning {
    /// Per main layer, (B, heads, num_tokens, head_dim); B is 1 (shared by every sample) or the batch size.
    let keys: [Tensor]
    let values: [Tensor]
    public let scale: Double
    /// Only the first this many samples of an evaluation take the style (nil: all). A guided run evaluates the
    /// prompts then the negative prompts; as with IP-Adapter's empty image embeddings, the negative half gets no
    /// reference, so guidance pushes towards the style instead of cancelling it.
    let styledSamples: Int?

    init(keys: [Tensor], values: [Tensor], scale: Double, styledSamples: Int? = nil) {
        self.keys = keys
        self.values = values
        self.scale = scale
        self.styledSamples = styledSamples
    }

    /// The same style for the first `count` samples of each evaluation and none for the rest.
    public func onlyFirst(_ count: Int) -> ZImageStyleConditioning {
        ZImageStyleConditioning(keys: keys, values: values, scale: scale, styledSamples: count)
    }

    /// The per-layer input of one evaluation, with `weight` = scale on real image tokens and 0 on caption and
    /// padding tokens, (B, 1, S, 1): Z-Image is single-stream, and like Flux IP-Adapters the style reaches
    /// the image tokens only.
    func layers(imageTokenMask: Tensor, batch: Int) throws -> [ZImageStyleAttentionInput] {
        var weight = try imageTokenMask * scale
        if let styledSamples, styledSamples < batch {
            let styled = (0..<batch).map { Float($0 < styledSamples ? 1 : 0) }
            weight = try weight * Tensor(styled, shape: [batch, 1, 1, 1], device: imageTokenMask.device)
        }
        return try zip(keys, values).map { key, value in
            func fit(_ t: Tensor) throws -> Tensor {
                guard t.size(0) != batch else { return t }
                guard t.size(0) == 1 else {
                    throw ZImageError("the style conditioning holds \(t.size(0)) references for a batch of \(batch)")
                }
                return try t.expand([batch, t.size(1), t.size(2), t.size(3)])
            }
            return ZImageStyleAttentionInput(key: try fit(key), value: try fit(value), weight: weight)
        }
    }
}

/// One main layer's decoupled cross-attention: the block's own (q-normed, un-rotated: the style tokens
/// have no position) queries attend to the adapter's keys and values.
struct ZImageStyleAttentionInput {
    let key: Tensor
    let value: Tensor
    let weight: Tensor

    /// `query`: (B, heads, S, head_dim) → the weighted style attention, same shape, added to the block's
    /// attention output before `to_out` (as diffusers' IPAdapterAttnProcessor).
    func attend(query: Tensor) throws -> Tensor {
        let out = try Tensor.attention(query: query, key: key.to(query.dtype), value: value.to(query.dtype))
        return try out * weight.to(query.dtype)
    }
}
