import SceneForgeTorch

/// How one sample becomes tokens in basic (text-to-image) mode (`patchify_and_embed`): its caption and its
/// image are each padded to a multiple of 32 tokens, and every token gets a RoPE position.
struct ZImageSampleLayout {
    static let sequenceMultiple = 32

    /// The latent's (frames, height, width).
    let latentSize: (f: Int, h: Int, w: Int)
    /// Patches along (frames, height, width).
    let grid: (f: Int, h: Int, w: Int)
    let captionLength: Int

    init(latentSize: (f: Int, h: Int, w: Int), patchSize: Int, framePatchSize: Int, captionLength: Int) {
        self.latentSize = latentSize
        grid = (latentSize.f / framePatchSize, latentSize.h / patchSize, latentSize.w / patchSize)
        self.captionLength = captionLength
    }

    static func padded(_ n: Int) -> Int { (n + sequenceMultiple - 1) / sequenceMultiple * sequenceMultiple }

    var imageLength: Int { grid.f * grid.h * grid.w }
    var paddedImageLength: Int { Self.padded(imageLength) }
    var paddedCaptionLength: Int { Self.padded(captionLength) }

    /// Caption token j (real or pad) sits at (1 + j, 0, 0). (The reference builds extra (0,0,0) rows past
    /// the padded length too, but never reads them.)
    var captionPositions: [ZImagePosition] {
        (0..<paddedCaptionLength).map { ZImagePosition(f: 1 + $0, h: 0, w: 0) }
    }

    /// Image tokens, row-major over (f, h, w), start on axis 0 right after the padded caption;
    /// the image's own pad tokens sit at (0, 0, 0).
    var imagePositions: [ZImagePosition] {
        var positions: [ZImagePosition] = []
        positions.reserveCapacity(paddedImageLength)
        for f in 0..<grid.f {
            for h in 0..<grid.h {
                for w in 0..<grid.w {
                    positions.append(ZImagePosition(f: paddedCaptionLength + 1 + f, h: h, w: w))
                }
            }
        }
        positions += Array(repeating: .zero, count: paddedImageLength - imageLength)
        return positions
    }
}

enum ZImagePatches {
    /// (C, F, H, W) → (F'·H'·W', pF·p·p·C): tokens row-major over (f, h, w), features ordered (pf, ph, pw, c)
    /// with c fastest.
    static func patchify(_ image: Tensor, patchSize p: Int, framePatchSize pF: Int) throws -> Tensor {
        let (c, f, h, w) = (image.size(0), image.size(1), image.size(2), image.size(3))
        return try image.reshape([c, f / pF, pF, h / p, p, w / p, p])
            .permute(1, 3, 5, 2, 4, 6, 0)
            .reshape([(f / pF) * (h / p) * (w / p), pF * p * p * c])
    }

    /// The inverse of `patchify` on the first F'·H'·W' rows of `tokens`.
    static func unpatchify(_ tokens: Tensor, layout: ZImageSampleLayout, channels: Int) throws -> Tensor {
        let (gf, gh, gw) = layout.grid
        let (f, h, w) = layout.latentSize
        return try tokens.narrow(dim: 0, start: 0, length: layout.imageLength)
            .reshape([gf, gh, gw, f / gf, h / gh, w / gw, channels])
            .permute(6, 0, 3, 1, 4, 2, 5)
            .reshape([channels, f, h, w])
    }

    /// Pads (N, E) rows to `length` by repeating the last row, as the reference does before embedding.
    static func padRepeatingLast(_ rows: Tensor, to length: Int) throws -> Tensor {
        let n = rows.size(0)
        guard length > n else { return rows }
        let last = try rows.narrow(dim: 0, start: n - 1, length: 1).expand([length - n, rows.size(1)])
        return try Tensor.cat([rows, last], dim: 0)
    }

    /// Keeps the first `keep` rows of (N, D) and replaces the rest by the learned pad token (1, D).
    static func replacePads(_ rows: Tensor, keep: Int, padToken: Tensor) throws -> Tensor {
        let n = rows.size(0)
        guard n > keep else { return rows }
        let pads = try padToken.to(rows.dtype).expand([n - keep, rows.size(1)])
        return try Tensor.cat([rows.narrow(dim: 0, start: 0, length: keep), pads], dim: 0)
    }
}

/// Per-sample sequences stacked into one batch: right-padded with zeros to the longest, plus a key-padding
/// mask (B, 1, 1, S), true = attend, only when the lengths differ (as the reference's `pad_sequence` step).
struct ZImageBatch {
    let hidden: Tensor
    let lengths: [Int]
    let mask: Tensor?

    var maxLength: Int { hidden.size(1) }

    /// `padValue` fills the batch padding (zeros for hidden states).
    init(_ sequences: [Tensor], padValue: Double = 0) throws {
        lengths = sequences.map { $0.size(0) }
        let longest = lengths.max() ?? 0
        let padded = try sequences.map { s in
            s.size(0) == longest ? s : try s.pad([0, 0, 0, longest - s.size(0)], value: padValue)
        }
        hidden = try Tensor.stack(padded, dim: 0)
        if lengths.allSatisfy({ $0 == longest }) {
            mask = nil
        } else {
            let flags = lengths.flatMap { n in (0..<longest).map { $0 < n } }
            mask = try Tensor(flags, shape: [lengths.count, 1, 1, longest]).to(hidden.device)
        }
    }

    /// Row i of the batch without its batch padding: (length_i, D).
    func sample(_ i: Int, of tensor: Tensor) throws -> Tensor {
        try tensor.narrow(dim: 0, start: i, length: 1).squeeze(0).narrow(dim: 0, start: 0, length: lengths[i])
    }
}
