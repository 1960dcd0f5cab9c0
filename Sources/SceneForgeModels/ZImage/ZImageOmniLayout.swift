import SceneForgeTorch

/// One sample of an omni (Z-Image-Edit) evaluation: reference images and the noisy target, the caption in
/// segments (the pipeline splits the prompt at each image's vision markers), and SigLIP features per reference.
public struct ZImageOmniSample {
    /// (in_channels, F, H, W) latents: the clean reference images, then the noisy target last.
    public var images: [Tensor]
    /// Caption segments (L_j, cap_feat_dim), unpadded; at least one per image.
    public var captionSegments: [Tensor]
    /// SigLIP features (h, w, siglip_feat_dim) of each reference image, in order; nil = no SigLIP stream
    /// (a text-only sample). The target never has any (the reference passes None for it).
    public var siglip: [Tensor]?

    public init(images: [Tensor], captionSegments: [Tensor], siglip: [Tensor]?) {
        self.images = images
        self.captionSegments = captionSegments
        self.siglip = siglip
    }

    /// 1 for the noisy target (the last image), 0 for the clean references (the pipeline's `image_noise_mask`).
    var imageNoise: [Bool] { images.indices.map { $0 == images.count - 1 } }
}

/// How one omni sample becomes three token streams (`patchify_and_embed_omni`): caption segments, images,
/// SigLIP grids, each piece padded to a multiple of 32, with RoPE positions and per-token noise flags.
struct ZImageOmniLayout {
    struct Piece {
        let length: Int
        let paddedLength: Int
        let positions: [ZImagePosition]
        let noisy: Bool
    }

    let captions: [Piece]
    let images: [Piece]
    /// Empty when the sample has no SigLIP stream; the target's entry is 32 pad tokens.
    let siglip: [Piece]
    let imageLayouts: [ZImageSampleLayout]
    /// The concatenated caption positions. QUIRK: the reference builds each segment's positions over its padded
    /// length and then appends (padded − real) more (0,0,0) rows, concatenates, and uses the first Σ padded rows,
    /// so every segment after the first reads positions shifted by the earlier segments' pad counts.
    let captionPositions: [ZImagePosition]

    init(_ sample: ZImageOmniSample, patchSize p: Int, framePatchSize pF: Int) {
        let noise = sample.imageNoise
        var captions: [Piece] = []
        var rawCaptionPositions: [ZImagePosition] = []
        var captionEnd: [Int] = []
        var cursor = 1
        for (j, segment) in sample.captionSegments.enumerated() {
            let length = segment.size(0)
            let padded = ZImageSampleLayout.padded(length)
            let positions = (0..<padded).map { ZImagePosition(f: cursor + $0, h: 0, w: 0) }
            rawCaptionPositions += positions + Array(repeating: .zero, count: padded - length)
            captions.append(Piece(length: length, paddedLength: padded, positions: positions,
                                  noisy: j < noise.count ? noise[j] : true))
            cursor += length
            captionEnd.append(cursor)
            cursor += 2  // one position each for the image's VAE tokens and its SigLIP tokens
        }
        self.captions = captions
        captionPositions = Array(rawCaptionPositions.prefix(captions.map(\.paddedLength).reduce(0, +)))

        var images: [Piece] = []
        var layouts: [ZImageSampleLayout] = []
        for (j, image) in sample.images.enumerated() {
            let layout = ZImageSampleLayout(latentSize: (image.size(1), image.size(2), image.size(3)), patchSize: p,
                                            framePatchSize: pF, captionLength: 0)
            var positions: [ZImagePosition] = []
            for f in 0..<layout.grid.f {
                for h in 0..<layout.grid.h {
                    for w in 0..<layout.grid.w { positions.append(ZImagePosition(f: captionEnd[j] + f, h: h, w: w)) }
                }
            }
            positions += Array(repeating: .zero, count: layout.paddedImageLength - layout.imageLength)
            images.append(Piece(length: layout.imageLength, paddedLength: layout.paddedImageLength,
                                positions: positions, noisy: noise[j]))
            layouts.append(layout)
        }
        self.images = images
        imageLayouts = layouts

        var siglip: [Piece] = []
        if let features = sample.siglip {
            for j in sample.images.indices {
                guard j < features.count else {
                    // No features for this image (the target): a block of 32 pad tokens at (0, 0, 0).
                    let n = ZImageSampleLayout.sequenceMultiple
                    siglip.append(Piece(length: 0, paddedLength: n, positions: Array(repeating: .zero, count: n),
                                        noisy: noise[j]))
                    continue
                }
                let (gh, gw) = (features[j].size(0), features[j].size(1))
                let latent = layouts[j].latentSize
                let padded = ZImageSampleLayout.padded(gh * gw)
                // Grid positions rescaled onto the image's *latent* size (not its token grid), truncated, in float32.
                func scaled(_ i: Int, _ n: Int, _ target: Int) -> Int {
                    Int(Float(i) / Float(max(n - 1, 1)) * Float(target - 1))
                }
                var positions: [ZImagePosition] = []
                for r in 0..<gh {
                    for c in 0..<gw {
                        positions.append(ZImagePosition(f: captionEnd[j] + 1, h: scaled(r, gh, latent.h),
                                                        w: scaled(c, gw, latent.w)))
                    }
                }
                positions += Array(repeating: .zero, count: padded - gh * gw)
                siglip.append(Piece(length: gh * gw, paddedLength: padded, positions: positions, noisy: noise[j]))
            }
        }
        self.siglip = siglip
    }

    var captionLength: Int { captions.map(\.paddedLength).reduce(0, +) }
    var imageLength: Int { images.map(\.paddedLength).reduce(0, +) }
    var siglipLength: Int { siglip.map(\.paddedLength).reduce(0, +) }

    static func noiseFlags(_ pieces: [Piece]) -> [Bool] {
        pieces.flatMap { Array(repeating: $0.noisy, count: $0.paddedLength) }
    }

    /// Where the target's tokens start in the unified [caption, images, SigLIP] sequence.
    var targetOffset: Int { captionLength + images.dropLast().map(\.paddedLength).reduce(0, +) }
}
