import SceneForgeTorch

/// Omni mode (diffusers' `ZImageOmniPipeline`, Z-Image-Edit): the same modules as basic mode plus the SigLIP
/// stream, over one sequence per sample ordered [caption segments, images, SigLIP grids]
/// (docs/zimage-notes.md §7). Clean reference tokens are modulated with the time embedding of t = 1,
/// the noisy target's with t.
///
///     t ─ t_embedder ─ (noisy) ; 1 ─ t_embedder ─ (clean) ──────────────┬── per token ──┬────────────────┐
///     images ─ patchify ─ all_x_embedder ─ noise_refiner ───────┐         │               │
///     caption segments ─ cap_embedder ─ context_refiner ────────┤         │               │
///     SigLIP grids ─ siglip_embedder ─ siglip_refiner ──────────┴─ [cap, x, siglip] ─ layers ─ all_final_layer ─ target
extension ZImageTransformer {
    /// One omni evaluation. `timesteps`: (B,) in the model's convention (1000 - t_scheduler)/1000.
    /// Returns, per sample, the model output for the target image (in_channels, F, H, W); the pipeline negates it.
    public func forwardOmni(_ samples: [ZImageOmniSample], timesteps: Tensor, patchSize: Int = 2,
                            framePatchSize: Int = 1) throws -> [Tensor] {
        let key = Self.patchKey(patchSize, framePatchSize)
        guard let xEmbedder = allXEmbedder[key], let finalLayer = allFinalLayer[key] else {
            throw ZImageError("patch size \(key) is not one of the model's (config 'all_patch_size' \(config.allPatchSize), "
                + "'all_f_patch_size' \(config.allFPatchSize))")
        }
        let layouts = try validatedOmniLayouts(samples, timesteps: timesteps, patchSize: patchSize,
                                               framePatchSize: framePatchSize)
        let t = try timesteps.to(device, .float32)
        let noisy = try tEmbedder(t * config.tScale, dtype: dtype)
        let clean = try tEmbedder(Tensor.ones(like: t) * config.tScale, dtype: dtype)
        func conditioning(_ flags: [[Bool]], length: Int) throws -> ZImageTimeConditioning {
            let rows = flags.flatMap { $0 + Array(repeating: false, count: length - $0.count) }
            let mask = try Tensor(rows, shape: [flags.count, length, 1]).to(device)
            return .perToken(noisy: noisy, clean: clean, isNoisy: mask)
        }

        // Images: every latent patchified and padded to 32, embedded together, pads swapped for x_pad_token.
        let imageRows = try zip(samples, layouts).map { sample, layout in
            try Tensor.cat(zip(sample.images, layout.images).map { image, piece in
                try ZImagePatches.padRepeatingLast(
                    ZImagePatches.patchify(image.to(device, dtype), patchSize: patchSize, framePatchSize: framePatchSize),
                    to: piece.paddedLength)
            }, dim: 0)
        }
        let image = try embedStream(imageRows, pieces: layouts.map(\.images), embed: { try xEmbedder($0) },
                                    padToken: xPadToken)
        var x = image.hidden
        let imageRotary = try rope.rotary(for: layouts.map { $0.images.flatMap(\.positions) }, length: image.maxLength,
                                          device: device)
        let imageConditioning = try conditioning(layouts.map { ZImageOmniLayout.noiseFlags($0.images) },
                                                 length: image.maxLength)
        for block in noiseRefiner {
            x = try block(x, rotary: imageRotary, mask: image.mask, conditioning: imageConditioning)
        }

        // Caption segments: the same padding scheme, refined without modulation.
        let captionRows = try zip(samples, layouts).map { sample, layout in
            try Tensor.cat(zip(sample.captionSegments, layout.captions).map { segment, piece in
                try ZImagePatches.padRepeatingLast(segment.to(device, dtype), to: piece.paddedLength)
            }, dim: 0)
        }
        let caption = try embedStream(captionRows, pieces: layouts.map(\.captions), embed: { try capEmbedder($0) },
                                      padToken: capPadToken)
        var c = caption.hidden
        let captionRotary = try rope.rotary(for: layouts.map(\.captionPositions), length: caption.maxLength, device: device)
        for block in contextRefiner {
            c = try block(c, rotary: captionRotary, mask: caption.mask, adaln: nil)
        }

        // SigLIP grids (when the samples have them), refined without modulation.
        var siglip: (batch: ZImageBatch, refined: Tensor)?
        if let siglipEmbedder, let siglipPadToken, let width = config.siglipFeatDim, samples[0].siglip != nil {
            let rows = try zip(samples, layouts).map { sample, layout in
                try Tensor.cat(layout.siglip.enumerated().map { j, piece in
                    guard let features = sample.siglip?[safe: j] else {
                        return try Tensor.zeros([piece.paddedLength, width], dtype: dtype, device: device)
                    }
                    // QUIRK: (h, w, C) → permute(2, 0, 1) → reshape(h·w, C) reinterprets the channel-major
                    // buffer, so a "token" is not one grid cell's feature vector (reproduced as written).
                    let flat = try features.to(device, dtype).permute(2, 0, 1).reshape([piece.length, width])
                    return try ZImagePatches.padRepeatingLast(flat, to: piece.paddedLength)
                }, dim: 0)
            }
            let batch = try embedStream(rows, pieces: layouts.map(\.siglip), embed: { try siglipEmbedder($0) },
                                        padToken: siglipPadToken)
            var s = batch.hidden
            let rotary = try rope.rotary(for: layouts.map { $0.siglip.flatMap(\.positions) }, length: batch.maxLength,
                                         device: device)
            for block in siglipRefiner {
                s = try block(s, rotary: rotary, mask: batch.mask, adaln: nil)
            }
            siglip = (batch, s)
        }

        // One sequence per sample, [caption, images, SigLIP], through the main layers and the final layer.
        let unified = try ZImageBatch(samples.indices.map { i in
            var parts = [try caption.sample(i, of: c), try image.sample(i, of: x)]
            if let siglip { parts.append(try siglip.batch.sample(i, of: siglip.refined)) }
            return try Tensor.cat(parts, dim: 0)
        })
        let unifiedRotary = try rope.rotary(for: layouts.map { layout in
            layout.captionPositions + layout.images.flatMap(\.positions)
                + (siglip == nil ? [] : layout.siglip.flatMap(\.positions))
        }, length: unified.maxLength, device: device)
        let unifiedConditioning = try conditioning(layouts.map { layout in
            ZImageOmniLayout.noiseFlags(layout.captions) + ZImageOmniLayout.noiseFlags(layout.images)
                + (siglip == nil ? [] : ZImageOmniLayout.noiseFlags(layout.siglip))
        }, length: unified.maxLength)
        var h = unified.hidden
        for block in layers {
            h = try block(h, rotary: unifiedRotary, mask: unified.mask, conditioning: unifiedConditioning)
        }
        let out = try finalLayer(h, conditioning: unifiedConditioning)
        return try layouts.indices.map { i in
            let layout = layouts[i]
            let target = try unified.sample(i, of: out).narrow(dim: 0, start: layout.targetOffset,
                                                                length: layout.images[layout.images.count - 1].paddedLength)
            return try ZImagePatches.unpatchify(target, layout: layout.imageLayouts[layout.imageLayouts.count - 1],
                                                channels: config.inChannels)
        }
    }

    /// Embeds each sample's padded rows in one call and swaps every piece's pad rows for the learned pad token.
    private func embedStream(_ rows: [Tensor], pieces: [[ZImageOmniLayout.Piece]], embed: (Tensor) throws -> Tensor,
                             padToken: Tensor) throws -> ZImageBatch {
        let embedded = try embed(Tensor.cat(rows, dim: 0)).split(sizes: rows.map { $0.size(0) }, dim: 0)
        return try ZImageBatch(zip(embedded, pieces).map { sample, pieces in
            let parts = try sample.split(sizes: pieces.map(\.paddedLength), dim: 0)
            return try Tensor.cat(zip(parts, pieces).map {
                try ZImagePatches.replacePads($0, keep: $1.length, padToken: padToken)
            }, dim: 0)
        })
    }

    /// Checks the omni inputs (the reference would assert or index out of range deep inside) and lays them out.
    private func validatedOmniLayouts(_ samples: [ZImageOmniSample], timesteps: Tensor, patchSize p: Int,
                                      framePatchSize pF: Int) throws -> [ZImageOmniLayout] {
        let what = "Z-Image transformer (omni)"
        guard !samples.isEmpty else { throw ZImageError("\(what): no samples given (batch of 0)") }
        guard timesteps.shape == [samples.count] else {
            throw ZImageError("\(what): timesteps have shape \(timesteps.shape), expected [\(samples.count)]")
        }
        let withSiglip = samples.filter { $0.siglip != nil }.count
        guard withSiglip == 0 || withSiglip == samples.count else {
            throw ZImageError("\(what): either every sample has SigLIP features or none has (\(withSiglip) of \(samples.count) do)")
        }
        if withSiglip > 0, config.siglipFeatDim == nil {
            throw ZImageError("\(what): SigLIP features given, but this transformer has no SigLIP parts "
                + "(its config has no 'siglip_feat_dim': not an Omni/Edit checkpoint)")
        }
        return try samples.enumerated().map { i, sample in
            guard !sample.images.isEmpty else { throw ZImageError("\(what): sample \(i) has no target latent") }
            for (j, image) in sample.images.enumerated() {
                let s = image.shape
                guard s.count == 4, s[0] == config.inChannels, s[1] > 0, s[2] > 0, s[3] > 0,
                      s[1] % pF == 0, s[2] % p == 0, s[3] % p == 0 else {
                    throw ZImageError("\(what): sample \(i) image \(j) has shape \(s), expected [\(config.inChannels) "
                        + "(in_channels), frames (multiple of \(pF)), height, width (multiples of \(p))]")
                }
            }
            guard sample.captionSegments.count >= sample.images.count else {
                throw ZImageError("\(what): sample \(i) has \(sample.captionSegments.count) caption segments for "
                    + "\(sample.images.count) images; each image needs the segment before it")
            }
            for (j, segment) in sample.captionSegments.enumerated() {
                guard segment.rank == 2, segment.size(1) == config.capFeatDim, segment.size(0) > 0 else {
                    throw ZImageError("\(what): sample \(i) caption segment \(j) has shape \(segment.shape), expected "
                        + "[length ≥ 1, \(config.capFeatDim) (cap_feat_dim)]")
                }
            }
            if let features = sample.siglip, let width = config.siglipFeatDim {
                guard features.count == sample.images.count - 1 else {
                    throw ZImageError("\(what): sample \(i) has SigLIP features for \(features.count) images but "
                        + "\(sample.images.count - 1) reference images")
                }
                for (j, f) in features.enumerated() where f.rank != 3 || f.size(2) != width || f.size(0) < 1 || f.size(1) < 1 {
                    throw ZImageError("\(what): sample \(i) SigLIP features \(j) have shape \(f.shape), expected "
                        + "[grid height, grid width, \(width) (siglip_feat_dim)]")
                }
            }
            let layout = ZImageOmniLayout(sample, patchSize: p, framePatchSize: pF)
            let all = layout.captionPositions + layout.images.flatMap(\.positions) + layout.siglip.flatMap(\.positions)
            let farthest = ZImagePosition(f: all.map(\.f).max() ?? 0, h: all.map(\.h).max() ?? 0, w: all.map(\.w).max() ?? 0)
            try rope.check(farthest, what: { "sample \(i) (omni: \(sample.images.count) images, "
                + "\(sample.captionSegments.count) caption segments)" })
            return layout
        }
    }
}

private extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
