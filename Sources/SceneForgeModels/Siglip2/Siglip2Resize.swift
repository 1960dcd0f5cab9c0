/// The weights of a 1-D antialiased linear resize (`F.interpolate(mode="bilinear", align_corners=False,
/// antialias=True)` along one axis), in float32 as transformers computes them for SigLIP2's position table:
/// a triangle filter widened by the downscale factor, normalised to sum to one.
enum Siglip2Resize {
    /// `weights[o][s]`: how much source cell s contributes to output cell o.
    static func weights(from source: Int, to output: Int) -> [[Float]] {
        let scale = Float(source) / Float(output)
        let support = max(scale, 1)
        return (0..<output).map { o in
            let center = (Float(o) + 0.5) * scale - 0.5
            let raw = (0..<source).map { s in max(0, 1 - abs(Float(s) - center) / support) }
            let total = raw.reduce(0, +)
            return raw.map { $0 / total }
        }
    }
}
