import Foundation
import SceneForgeTorch

/// `t_embedder`: a 256-wide sinusoidal code of the (already t_scale'd) time, then `Linear → SiLU → Linear`.
/// The hidden width is fixed at 1024 whatever the model width (diffusers passes `mid_size=1024`).
struct ZImageTimestepEmbedder {
    static let frequencyDim = 256
    static let hiddenDim = 1024
    static let maxPeriod = 10000.0

    let mlp0: Linear
    let mlp2: Linear

    init(_ w: Weights, outDim: Int) throws {
        mlp0 = try Linear(w.scoped("mlp").scoped(0), inFeatures: Self.frequencyDim, outFeatures: Self.hiddenDim)
        mlp2 = try Linear(w.scoped("mlp").scoped(2), inFeatures: Self.hiddenDim, outFeatures: outDim)
    }

    /// `t`: (B,) float32 on the compute device → (B, outDim) in `dtype`.
    func callAsFunction(_ t: Tensor, dtype: DType) throws -> Tensor {
        try mlp2(mlp0(Self.sinusoid(t).to(dtype)).silu())
    }

    /// `[cos(t·f_k), sin(t·f_k)]`, cos first, f_k = 10000^(-k/128), in float32 with the reference's op order.
    static func sinusoid(_ t: Tensor) throws -> Tensor {
        let half = frequencyDim / 2
        let steps = try Tensor.arange(0, Double(half), dtype: .float32, device: t.device)
        let freqs = try (steps * -Foundation.log(maxPeriod) / Double(half)).exp()
        let args = try t.to(.float32).unsqueeze(1) * freqs.unsqueeze(0)
        return try Tensor.cat([args.cos(), args.sin()], dim: -1)
    }
}

/// `cap_embedder`: `Sequential(RMSNorm(cap_feat_dim), Linear(cap_feat_dim → dim))`.
struct ZImageCaptionEmbedder {
    let norm: RMSNorm
    let linear: Linear

    init(_ w: Weights, capFeatDim: Int, dim: Int, eps: Double) throws {
        norm = try RMSNorm(w.scoped(0), dim: capFeatDim, eps: eps)
        linear = try Linear(w.scoped(1), inFeatures: capFeatDim, outFeatures: dim)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor { try linear(norm(x)) }
}

/// `all_final_layer.<p>-<f>`: `LayerNorm(no affine, eps 1e-6)(x) · (1 + Linear(SiLU(adaln)))`, then `Linear(dim → patch)`.
/// Unlike the blocks' modulation, SiLU *is* applied to the conditioning here.
struct ZImageFinalLayer {
    let adaLNModulation1: Linear
    let linear: Linear

    init(_ w: Weights, dim: Int, adalnDim: Int, outFeatures: Int) throws {
        adaLNModulation1 = try Linear(w.scoped("adaLN_modulation").scoped(1), inFeatures: adalnDim, outFeatures: dim)
        linear = try Linear(w.scoped("linear"), inFeatures: dim, outFeatures: outFeatures)
    }

    /// `x`: (B, S, dim), `adaln`: (B, adalnDim).
    func callAsFunction(_ x: Tensor, adaln: Tensor) throws -> Tensor {
        try callAsFunction(x, conditioning: .global(adaln))
    }

    func callAsFunction(_ x: Tensor, conditioning: ZImageTimeConditioning) throws -> Tensor {
        let scale = try conditioning.modulate({ try adaLNModulation1($0.silu()) }, chunks: 1, post: [{ try $0 + 1 }])[0]
        return try linear(x.layerNorm(weight: nil, bias: nil, eps: 1e-6) * scale)
    }
}
