import SceneForgeTorch

/// How to decode large latents in pieces, to bound the decoder's memory (diffusers' `enable_tiling`).
public struct VAETiling: Equatable, Sendable {
    /// Tile side in latent cells (diffusers' `tile_latent_min_size`).
    public var tileLatentSize: Int
    /// Fraction of a tile shared with its neighbour (diffusers' `tile_overlap_factor`).
    public var overlapFactor: Double

    public init(tileLatentSize: Int, overlapFactor: Double = 0.25) {
        self.tileLatentSize = tileLatentSize
        self.overlapFactor = overlapFactor
    }

    /// diffusers' defaults for a VAE: tiles of `sample_size` pixels, a quarter overlapping.
    public static func diffusersDefault(for config: AutoencoderKLConfig) -> VAETiling {
        VAETiling(tileLatentSize: config.sampleSize / config.scaleFactor)
    }
}

extension AutoencoderKL {
    /// Decodes overlapping latent tiles separately and cross-fades the overlaps, as diffusers'
    /// `tiled_decode`: tiles start every ⌊T·(1-f)⌋ latent cells; each decoded tile is blended linearly
    /// with the (already blended) tile above and the one to its left over ⌊8T·f⌋ pixels, then cropped to
    /// 8T - ⌊8T·f⌋ pixels. The result differs slightly from a whole decode (the decoder's GroupNorm and
    /// attention see only one tile); the overlap hides the seams.
    public func tiledDecode(_ latents: Tensor, tiling: VAETiling) throws -> Tensor {
        try checkInput(latents, channels: config.latentChannels, what: "latents")
        let tile = tiling.tileLatentSize
        let step = Int(Double(tile) * (1 - tiling.overlapFactor))
        guard tile > 0, tiling.overlapFactor >= 0, tiling.overlapFactor < 1, step > 0 else {
            throw AutoencoderKLError("tiling: tile size \(tile) and overlap \(tiling.overlapFactor) leave no step between tiles "
                + "(need a positive tile size and 0 ≤ overlap < 1 with ⌊size·(1-overlap)⌋ ≥ 1)")
        }
        let tilePixels = tile * config.scaleFactor
        let blend = Int(Double(tilePixels) * tiling.overlapFactor)
        let keep = tilePixels - blend
        let z = try latents.to(device, dtype)
        let (height, width) = (z.size(2), z.size(3))

        var rows: [[Tensor]] = try stride(from: 0, to: height, by: step).map { top in
            try stride(from: 0, to: width, by: step).map { left in
                let piece = try z.slice(dim: 2, start: top, end: Swift.min(top + tile, height))
                    .slice(dim: 3, start: left, end: Swift.min(left + tile, width))
                return try decodeWhole(piece)
            }
        }
        var bands: [Tensor] = []
        for i in rows.indices {
            var cropped: [Tensor] = []
            for j in rows[i].indices {
                var decoded = rows[i][j]
                if i > 0 { decoded = try crossFade(from: rows[i - 1][j], into: decoded, dim: 2, extent: blend) }
                if j > 0 { decoded = try crossFade(from: rows[i][j - 1], into: decoded, dim: 3, extent: blend) }
                // diffusers blends in place: later tiles blend with this tile's blended values.
                rows[i][j] = decoded
                cropped.append(try decoded.slice(dim: 2, start: 0, end: keep).slice(dim: 3, start: 0, end: keep))
            }
            bands.append(try Tensor.cat(cropped, dim: 3))
        }
        return try Tensor.cat(bands, dim: 2)
    }

    /// `b` with its first `extent` rows (dim 2) or columns (dim 3) replaced by a linear ramp from the
    /// last ones of `a` (weight 1 - k/extent) to its own (weight k/extent): diffusers' `blend_v`/`blend_h`.
    private func crossFade(from a: Tensor, into b: Tensor, dim: Int, extent: Int) throws -> Tensor {
        let e = Swift.min(a.size(dim), b.size(dim), extent)
        guard e > 0 else { return b }
        // The weights are rounded to float32 from double, as PyTorch does with a Python float.
        let own = (0..<e).map { Float(Double($0) / Double(e)) }
        let other = (0..<e).map { Float(1 - Double($0) / Double(e)) }
        let shape = dim == 2 ? [1, 1, e, 1] : [1, 1, 1, e]
        let ownWeight = try Tensor(own, shape: shape).to(b.device, b.dtype)
        let otherWeight = try Tensor(other, shape: shape).to(b.device, b.dtype)
        let faded = try a.narrow(dim: dim, start: a.size(dim) - e, length: e) * otherWeight
            + b.narrow(dim: dim, start: 0, length: e) * ownWeight
        return try Tensor.cat([faded, b.narrow(dim: dim, start: e, length: b.size(dim) - e)], dim: dim)
    }
}
