import Foundation
import SceneForgeImaging
import SceneForgeTorch

/// transformers' `Siglip2ImageProcessor` (NaFlex, torchvision backend): resize to the largest patch grid with at
/// most `max_num_patches` patches keeping the aspect (binary search on the scale), antialiased bilinear on 8-bit
/// RGB, rescale and normalise, cut into patches. The reference resizes with torch's fixed-point uint8 kernel;
/// this one computes the same filter in float and rounds once, so a pixel may differ by one 8-bit level.
public struct Siglip2ImageProcessor: Equatable, Sendable {
    public var patchSize = 16
    public var maxNumPatches = 256
    public var imageMean: [Double] = [0.5, 0.5, 0.5]
    public var imageStd: [Double] = [0.5, 0.5, 0.5]
    public var rescaleFactor = 1.0 / 255
    public var doResize = true

    public init() {}

    /// Reads `siglip_processor/preprocessor_config.json`.
    public static func load(contentsOf url: URL) throws -> Siglip2ImageProcessor {
        let processor = try ModelConfigFile.load(Siglip2ImageProcessor.self, contentsOf: url)
        guard processor.patchSize > 0, processor.maxNumPatches > 0 else {
            throw Siglip2Error("\(url.path): 'patch_size' and 'max_num_patches' must be positive")
        }
        guard processor.imageMean.count == 3, processor.imageStd.count == 3, processor.imageStd.allSatisfy({ $0 != 0 }) else {
            throw Siglip2Error("\(url.path): 'image_mean' and 'image_std' must have 3 entries, std non-zero")
        }
        return processor
    }

    /// (height, width) in pixels: multiples of the patch size, at least one patch, at most `maxNumPatches`
    /// patches (`get_image_size_for_max_num_patches`, same float64 search).
    public static func targetSize(height: Int, width: Int, patchSize: Int, maxNumPatches: Int) -> (height: Int, width: Int) {
        func scaled(_ scale: Double, _ size: Int) -> Int {
            let s = (Double(size) * scale / Double(patchSize)).rounded(.up) * Double(patchSize)
            return Int(max(Double(patchSize), s))
        }
        let eps = 1e-5
        var low = eps / 10, high = 100.0
        while high - low >= eps {
            let scale = (low + high) / 2
            let patches = Double(scaled(scale, height)) / Double(patchSize) * (Double(scaled(scale, width)) / Double(patchSize))
            if patches <= Double(maxNumPatches) { low = scale } else { high = scale }
        }
        return (scaled(low, height), scaled(low, width))
    }

    /// The model input for one image: (h·w, 3·p·p) patches (features ordered (py, px, c)) and the patch grid.
    public func callAsFunction(_ image: RGBAImage) throws -> (pixels: Tensor, grid: (h: Int, w: Int)) {
        guard image.width > 0, image.height > 0 else { throw Siglip2Error("SigLIP2 processor: empty image") }
        let (height, width) = doResize
            ? Self.targetSize(height: image.height, width: image.width, patchSize: patchSize, maxNumPatches: maxNumPatches)
            : (image.height, image.width)
        guard height % patchSize == 0, width % patchSize == 0 else {
            throw Siglip2Error("SigLIP2 processor: a \(image.width)x\(image.height) image is not a whole number of "
                + "\(patchSize)-pixel patches and resizing is off")
        }
        let rgb = Self.resize(image, height: height, width: width)
        var planes = [Float](repeating: 0, count: 3 * height * width)
        for c in 0..<3 {
            // rescale then normalise, as one affine map: (x · r − mean) / std
            let (scale, mean, std) = (Float(rescaleFactor), Float(imageMean[c]), Float(imageStd[c]))
            for i in 0..<(height * width) { planes[c * height * width + i] = (Float(rgb[i * 3 + c]) * scale - mean) / std }
        }
        let (gh, gw, p) = (height / patchSize, width / patchSize, patchSize)
        let patches = try Tensor(planes, shape: [3, gh, p, gw, p]).permute(1, 3, 2, 4, 0).reshape([gh * gw, p * p * 3])
        return (patches, (gh, gw))
    }

    /// Antialiased bilinear resize of the RGB channels (separable; rounded to 8 bits at the end), HWC order.
    static func resize(_ image: RGBAImage, height: Int, width: Int) -> [UInt8] {
        let (sh, sw) = (image.height, image.width)
        let rows = Siglip2Resize.weights(from: sh, to: height)
        let cols = Siglip2Resize.weights(from: sw, to: width)
        // Horizontal pass into float, then vertical.
        var horizontal = [Float](repeating: 0, count: sh * width * 3)
        for y in 0..<sh {
            for x in 0..<width {
                for (sx, weight) in cols[x].enumerated() where weight != 0 {
                    let source = (y * sw + sx) * 4
                    for c in 0..<3 { horizontal[(y * width + x) * 3 + c] += weight * Float(image.pixels[source + c]) }
                }
            }
        }
        var out = [UInt8](repeating: 0, count: height * width * 3)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    var sum: Float = 0
                    for (sy, weight) in rows[y].enumerated() where weight != 0 { sum += weight * horizontal[(sy * width + x) * 3 + c] }
                    out[(y * width + x) * 3 + c] = UInt8(max(0, min(255, sum.rounded())))
                }
            }
        }
        return out
    }
}

extension Siglip2ImageProcessor: Decodable {
    private enum Key: String, CodingKey {
        case patchSize = "patch_size", maxNumPatches = "max_num_patches", imageMean = "image_mean"
        case imageStd = "image_std", rescaleFactor = "rescale_factor", doResize = "do_resize"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        var p = Siglip2ImageProcessor()
        p.patchSize = try c.decodeIfPresent(Int.self, forKey: .patchSize) ?? p.patchSize
        p.maxNumPatches = try c.decodeIfPresent(Int.self, forKey: .maxNumPatches) ?? p.maxNumPatches
        p.imageMean = try c.decodeIfPresent([Double].self, forKey: .imageMean) ?? p.imageMean
        p.imageStd = try c.decodeIfPresent([Double].self, forKey: .imageStd) ?? p.imageStd
        p.rescaleFactor = try c.decodeIfPresent(Double.self, forKey: .rescaleFactor) ?? p.rescaleFactor
        p.doResize = try c.decodeIfPresent(Bool.self, forKey: .doResize) ?? p.doResize
        self = p
    }
}
