import SceneForgeTorch

/// What drives the adaLN modulation of a block or the final layer. Basic mode: one time embedding per sample.
/// Omni mode (Z-Image-Edit): every sample has two — the noisy target's `t` and `t = 1` for the clean reference
/// images — and each token takes the one its noise flag selects (`select_per_token`, 1 = noisy, 0 = clean).
enum ZImageTimeConditioning {
    case global(Tensor)
    /// `noisy`, `clean`: (B, adaln_dim); `isNoisy`: (B, S, 1) bool.
    case perToken(noisy: Tensor, clean: Tensor, isNoisy: Tensor)

    /// Applies `project` to the conditioning and returns (B, 1, N) or, per token, (B, S, N) values; `post`
    /// (the tanh of a gate, the 1 + of a scale) runs on each vector before the per-token choice, as in the reference.
    func modulate(_ project: (Tensor) throws -> Tensor, chunks: Int,
                  post: [(Tensor) throws -> Tensor]) throws -> [Tensor] {
        switch self {
        case .global(let adaln):
            let parts = try project(adaln).unsqueeze(1).chunk(chunks, dim: 2)
            return try zip(parts, post).map { try $1($0) }
        case .perToken(let noisy, let clean, let isNoisy):
            let noisyParts = try project(noisy).unsqueeze(1).chunk(chunks, dim: 2)
            let cleanParts = try project(clean).unsqueeze(1).chunk(chunks, dim: 2)
            return try (0..<chunks).map {
                try Tensor.where(isNoisy, post[$0](noisyParts[$0]), post[$0](cleanParts[$0]))
            }
        }
    }
}
