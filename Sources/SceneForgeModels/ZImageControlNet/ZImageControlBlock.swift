import SceneForgeTorch

/// diffusers' `ZImageControlTransformerBlock`: a Z-Image block run over the control stream `c`, which the
/// first block (block_id 0) starts from `before_proj(c) + x` (x: the stream it controls); every block emits
/// the hint `after_proj(c)` and passes `c` on. Both projections are zero-initialised in training, so an
/// untrained ControlNet changes nothing.
struct ZImageControlBlock {
    let block: ZImageTransformerBlock
    let beforeProj: Linear?
    let afterProj: Linear

    init(_ w: Weights, config: ZImageTransformerConfig, blockID: Int) throws {
        block = try ZImageTransformerBlock(w, config: config, modulation: true)
        beforeProj = blockID == 0
            ? try Linear(w.scoped("before_proj"), inFeatures: config.dim, outFeatures: config.dim)
            : nil
        afterProj = try Linear(w.scoped("after_proj"), inFeatures: config.dim, outFeatures: config.dim)
    }

    /// One block: returns this block's hint and the control stream for the next block.
    func callAsFunction(_ c: Tensor, controlling x: Tensor, rotary: ZImageRotary, mask: Tensor?,
                        adaln: Tensor) throws -> (hint: Tensor, next: Tensor) {
        let start = try beforeProj.map { try $0(c) + x } ?? c
        let next = try block(start, rotary: rotary, mask: mask, adaln: adaln)
        return (try afterProj(next), next)
    }
}

extension Array where Element == ZImageControlBlock {
    /// Runs the blocks in order; returns every hint and the final control stream.
    func run(_ c: Tensor, controlling x: Tensor, rotary: ZImageRotary, mask: Tensor?,
             adaln: Tensor) throws -> (hints: [Tensor], last: Tensor) {
        var stream = c
        var hints: [Tensor] = []
        for block in self {
            let (hint, next) = try block(stream, controlling: x, rotary: rotary, mask: mask, adaln: adaln)
            hints.append(hint)
            stream = next
        }
        return (hints, stream)
    }
}
