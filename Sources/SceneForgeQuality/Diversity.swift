import SceneForgeImaging

/// How different images of one prompt are across seeds: the mean, over all pairs, of the mean absolute
/// per-channel difference (RGB in 0...1). 0 for identical images; about 0.1-0.2 for unrelated screens.
public enum Diversity {
    /// A model passes when its seeds differ at least this much. Justification (docs/quality-bars.md): the
    /// renderer's own seed-to-seed distance for one layout and style is the scale of "visibly different
    /// content"; the floor is set well under it and well above what blur or 8-bit noise alone produce.
    public static let floor = 0.03

    public static func distance(_ a: RGBAImage, _ b: RGBAImage) throws -> Double {
        guard a.width == b.width, a.height == b.height else {
            throw QualityError("cannot compare a \(a.width)x\(a.height) image with a \(b.width)x\(b.height) one")
        }
        var sum = 0
        for i in 0..<(a.width * a.height) {
            for c in 0..<3 { sum += abs(Int(a.pixels[i * 4 + c]) - Int(b.pixels[i * 4 + c])) }
        }
        return Double(sum) / Double(a.width * a.height * 3 * 255)
    }

    /// Mean pairwise distance of `images` (at least two).
    public static func meanPairwise(_ images: [RGBAImage]) throws -> Double {
        guard images.count >= 2 else { throw QualityError("diversity needs at least two images (got \(images.count))") }
        var total = 0.0, pairs = 0
        for i in images.indices { for j in images.indices where j > i { total += try distance(images[i], images[j]); pairs += 1 } }
        return total / Double(pairs)
    }
}
