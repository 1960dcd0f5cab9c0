import SceneForgeTorch

/// The evaluations of one denoising step, each a copy of the batch in this order: the prompts (with the style
/// reference, if any), the negative prompts (classifier-free guidance; no reference, as IP-Adapter's empty image
/// embeddings), and the prompts without the reference (style guidance, as InstructPix2Pix's image guidance).
struct GuidanceBranches {
    enum Branch { case prompt, negative, unstyled }

    let batch: Int
    let order: [Branch]

    init(batch: Int, negative: Bool, unstyled: Bool) {
        self.batch = batch
        order = [.prompt] + (negative ? [.negative] : []) + (unstyled ? [.unstyled] : [])
    }

    var count: Int { order.count }

    /// Each branch's captions: the negative branch's are the negative prompts', the others the prompts'.
    func captions(positive: [[Tensor]], negative: [[Tensor]]) -> [[Tensor]] {
        order.flatMap { $0 == .negative ? negative : positive }
    }

    /// `perSample` (one entry per sample of the batch) once per branch.
    func repeated<T>(_ perSample: [T]) -> [T] {
        Array([[T]](repeating: perSample, count: count).joined())
    }

    /// (count × batch, 1, 1): 0 for the samples of `branch`, 1 elsewhere; nil when there is no such branch.
    func weights(zeroing branch: Branch, device: Device) throws -> Tensor? {
        guard order.contains(branch) else { return nil }
        let values = order.flatMap { Array(repeating: Float($0 == branch ? 0 : 1), count: batch) }
        return try Tensor(values, shape: [values.count, 1, 1], device: device)
    }

    /// Sample j's velocity: v + g·(v − v_negative) + s·(v − v_unstyled), its norm capped at `normalization` × |v|
    /// when that is above 0 (diffusers' cfg_normalization). One branch: the prompt's own velocity.
    func velocity(_ outputs: [Tensor], sample j: Int, guidance: Double, styleGuidance: Double,
                  normalization: Double) throws -> Tensor {
        let prompt = try outputs[j].to(.float32)
        guard count > 1 else { return prompt }
        var combined = prompt
        for (index, branch) in order.enumerated() where branch != .prompt {
            let other = try outputs[index * batch + j].to(.float32)
            combined = try combined + (prompt - other) * (branch == .negative ? guidance : styleGuidance)
        }
        if normalization > 0 {
            let limit = try prompt.square().sum().sqrt().item() * normalization
            let norm = try combined.square().sum().sqrt().item()
            if norm > limit { combined = try combined * (limit / norm) }
        }
        return combined
    }
}
