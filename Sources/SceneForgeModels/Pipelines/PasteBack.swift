import SceneForgeImaging

/// Puts the source pixels back outside the edited region after decoding. The VAE round trip changes every
/// pixel a little (and inpainting's latent mask is 8-pixel blocky), so an "edit only the anomaly" result
/// keeps exactly the source outside the mask. Inside, the generated pixels fade in over `feather` pixels from
/// the mask's edge, hiding the seam; outside the mask the output bytes are the source's.
public enum PasteBack {
    /// `mask`: width·height values, true = edited (the regenerate region). Throws on a size mismatch.
    public static func apply(generated: RGBAImage, source: RGBAImage, mask: [Bool], feather: Int = 0) throws -> RGBAImage {
        guard generated.width == source.width, generated.height == source.height else {
            throw PipelineError.invalidRequest("paste-back: generated image is \(generated.width)x\(generated.height), "
                + "the source \(source.width)x\(source.height)")
        }
        guard mask.count == source.width * source.height else {
            throw PipelineError.invalidRequest("paste-back: the mask has \(mask.count) values for a \(source.width)x\(source.height) image")
        }
        guard feather >= 0 else { throw PipelineError.invalidRequest("paste-back: feather must not be negative (got \(feather))") }
        let weights = alpha(mask: mask, width: source.width, height: source.height, feather: feather)
        var pixels = source.pixels
        for (p, a) in weights.enumerated() where a > 0 {
            for c in 0..<4 {
                let i = 4 * p + c
                let mixed = a * Double(generated.pixels[i]) + (1 - a) * Double(source.pixels[i])
                pixels[i] = UInt8(mixed.rounded())
            }
        }
        return try RGBAImage(width: source.width, height: source.height, pixels: pixels)
    }

    /// The generated image's weight per pixel: 0 outside the mask, rising to 1 at `feather + 1` pixels inside
    /// (distance to the nearest unedited pixel, chamfer 3-4 approximation of the Euclidean distance).
    static func alpha(mask: [Bool], width: Int, height: Int, feather: Int) -> [Double] {
        guard feather > 0 else { return mask.map { $0 ? 1 : 0 } }
        let far = Int.max / 4
        var d = mask.map { $0 ? far : 0 }
        func relax(_ x: Int, _ y: Int, _ dx: Int, _ dy: Int, _ cost: Int) {
            let (nx, ny) = (x + dx, y + dy)
            guard (0..<width).contains(nx), (0..<height).contains(ny) else { return }
            d[y * width + x] = min(d[y * width + x], d[ny * width + nx] + cost)
        }
        for y in 0..<height {
            for x in 0..<width where d[y * width + x] > 0 {
                relax(x, y, -1, 0, 3); relax(x, y, 0, -1, 3); relax(x, y, -1, -1, 4); relax(x, y, 1, -1, 4)
            }
        }
        for y in stride(from: height - 1, through: 0, by: -1) {
            for x in stride(from: width - 1, through: 0, by: -1) where d[y * width + x] > 0 {
                relax(x, y, 1, 0, 3); relax(x, y, 0, 1, 3); relax(x, y, 1, 1, 4); relax(x, y, -1, 1, 4)
            }
        }
        // A mask touching no unedited pixel (the whole image) keeps d = far: fully generated.
        return d.map { $0 == 0 ? 0 : min(1, Double($0) / 3 / Double(feather + 1)) }
    }

    /// A mask image's edited region as diffusers reads a mask: grayscale ≥ 0.5 (see `ZImagePipeline.maskTensor`).
    public static func region(of maskImage: RGBAImage) -> [Bool] {
        (0..<maskImage.width * maskImage.height).map { p in
            let r = UInt32(maskImage.pixels[4 * p]), g = UInt32(maskImage.pixels[4 * p + 1]), b = UInt32(maskImage.pixels[4 * p + 2])
            return (19595 * r + 38470 * g + 7471 * b + 32768) >> 16 >= 128
        }
    }
}
