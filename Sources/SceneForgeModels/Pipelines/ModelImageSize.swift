import Foundation

/// The image size a model folder draws when a request names none, read from its configs without loading weights
/// (the engine checks jobs with it before any model is loaded).
public enum ModelImageSize {
    /// diffusers' `ZImagePipeline` default, for the published Z-Image models, whose configs declare no size.
    public static let zImageDefault = (width: 1024, height: 1024)
    /// The sides a request may ask for (the engine's jobs, scenario scenes): Z-Image needs multiples of 2 × its VAE
    /// factor (8).
    public static let sides = 16...4096
    public static let sideMultiple = 16

    /// The size the folder's transformer says it was trained at (`sample_size` × the VAE's scale factor, in
    /// pixels), or nil when its configs give none or cannot be read (loading the model reports that properly), or
    /// give a size no request could ask for (each side 16...4096, a multiple of 16).
    public static func declared(byModelAt folder: URL) -> (width: Int, height: Int)? {
        guard let transformer = try? ZImageTransformerConfig.load(contentsOf: folder.appendingPathComponent("transformer/config.json")),
              let latents = transformer.sampleSize,
              let vae = try? AutoencoderKLConfig.load(contentsOf: folder.appendingPathComponent("vae/config.json"))
        else { return nil }
        let size = (width: latents.width * vae.scaleFactor, height: latents.height * vae.scaleFactor)
        let usable = [size.width, size.height].allSatisfy { sides.contains($0) && $0 % sideMultiple == 0 }
        return usable ? size : nil
    }

    /// `declared(byModelAt:)` for a model named by path, else Z-Image's 1024×1024.
    public static func `default`(forModel path: String) -> (width: Int, height: Int) {
        guard !path.isEmpty else { return zImageDefault }
        return declared(byModelAt: URL(fileURLWithPath: path)) ?? zImageDefault
    }
}
