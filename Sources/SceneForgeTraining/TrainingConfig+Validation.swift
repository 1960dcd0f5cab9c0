import SceneForgeScenes
import SceneForgeSynth
import SceneForgeTorch

extension TrainingConfig {
    /// Refuses what would otherwise fail deep inside a model or train nonsense; errors name the field.
    public func validate(file: String) throws {
        func fail(_ field: String, _ problem: String) -> TrainingConfigError {
            TrainingConfigError(file: file, field: field, problem: problem)
        }
        func positive(_ value: Int, _ field: String) throws {
            guard value > 0 else { throw fail(field, "must be positive (got \(value))") }
        }
        func positive(_ value: Double, _ field: String) throws {
            guard value > 0, value.isFinite else { throw fail(field, "must be a positive number (got \(value))") }
        }
        try positive(batchSize, "batch_size")
        try positive(workers, "workers")
        guard (0..<1).contains(emaDecay) else { throw fail("ema_decay", "must be in [0, 1) (got \(emaDecay))") }
        try positive(gradClip, "grad_clip")
        guard weightDecay >= 0 else { throw fail("weight_decay", "must not be negative (got \(weightDecay))") }
        guard let parsed = DType(name: dtype), parsed == .float32 || parsed == .bfloat16 else {
            throw fail("dtype", "must be \"float32\" or \"bfloat16\" (got \"\(dtype)\")")
        }
        guard let device = Device(name: device), device != .meta else {
            throw fail("device", "must be \"cpu\", \"cuda\" or \"cuda:N\" (got \"\(self.device)\")")
        }
        guard checkpointInterval >= 0 else { throw fail("checkpoint_interval", "must not be negative (got \(checkpointInterval))") }
        guard sampleInterval >= 0 else { throw fail("sample_interval", "must not be negative (got \(sampleInterval))") }

        guard vae.steps >= 0 else { throw fail("vae.steps", "must not be negative (got \(vae.steps))") }
        try positive(vae.learningRate, "vae.learning_rate")
        guard (1...6).contains(vae.blockOutChannels.count) else {
            throw fail("vae.block_out_channels", "needs 1 to 6 entries (got \(vae.blockOutChannels.count))")
        }
        try positive(vae.normNumGroups, "vae.norm_num_groups")
        if let bad = vae.blockOutChannels.first(where: { $0 <= 0 || $0 % vae.normNumGroups != 0 }) {
            throw fail("vae.block_out_channels", "entry \(bad) is not a positive multiple of vae.norm_num_groups (\(vae.normNumGroups))")
        }
        try positive(vae.layersPerBlock, "vae.layers_per_block")
        try positive(vae.latentChannels, "vae.latent_channels")
        guard vae.klWeight >= 0 else { throw fail("vae.kl_weight", "must not be negative (got \(vae.klWeight))") }
        guard vae.l1Weight >= 0 else { throw fail("vae.l1_weight", "must not be negative (got \(vae.l1Weight))") }
        if vae.decoderOnly, initFrom == nil {
            throw fail("vae.decoder_only", "needs init_from: a decoder is fine-tuned for an already-trained encoder's latents")
        }
        let vaeScale = 1 << (vae.blockOutChannels.count - 1)
        guard vae.crop == 0 || (vae.crop > 0 && vae.crop % vaeScale == 0 && vae.crop <= min(data.width, data.height)) else {
            throw fail("vae.crop", "must be 0 (whole images) or a multiple of the VAE's scale factor \(vaeScale) no larger than "
                       + "data.width and data.height (got \(vae.crop))")
        }

        let t = textEncoder
        for (value, field) in [(t.hiddenSize, "text_encoder.hidden_size"), (t.layers, "text_encoder.layers"),
                               (t.heads, "text_encoder.heads"), (t.kvHeads, "text_encoder.kv_heads"),
                               (t.intermediateSize, "text_encoder.intermediate_size")] {
            try positive(value, field)
        }
        guard t.headDim > 0, t.headDim % 2 == 0 else { throw fail("text_encoder.head_dim", "must be positive and even (got \(t.headDim))") }
        guard t.heads % t.kvHeads == 0 else {
            throw fail("text_encoder.kv_heads", "\(t.kvHeads) does not divide text_encoder.heads (\(t.heads))")
        }

        let x = transformer
        guard x.steps >= 0 else { throw fail("transformer.steps", "must not be negative (got \(x.steps))") }
        try positive(x.learningRate, "transformer.learning_rate")
        try positive(x.dim, "transformer.dim")
        try positive(x.heads, "transformer.heads")
        guard x.layers >= 0 else { throw fail("transformer.layers", "must not be negative (got \(x.layers))") }
        guard x.refinerLayers >= 0 else { throw fail("transformer.refiner_layers", "must not be negative (got \(x.refinerLayers))") }
        guard x.dim % x.heads == 0 else { throw fail("transformer.dim", "\(x.dim) is not a multiple of transformer.heads (\(x.heads))") }
        guard x.axesDims.count == 3, x.axesDims.allSatisfy({ $0 > 0 && $0 % 2 == 0 }) else {
            throw fail("transformer.axes_dims", "must be 3 positive even numbers (got \(x.axesDims))")
        }
        guard x.axesDims.reduce(0, +) == x.dim / x.heads else {
            throw fail("transformer.axes_dims", "\(x.axesDims) must sum to transformer.dim / transformer.heads = \(x.dim / x.heads)")
        }
        try positive(x.shift, "transformer.shift")
        guard (0...1).contains(x.captionDropout) else {
            throw fail("transformer.caption_dropout", "must be a share in [0, 1] (got \(x.captionDropout))")
        }
        guard x.colourWeight >= 0, x.colourWeight.isFinite else {
            throw fail("transformer.colour_weight", "must be a finite number ≥ 0 (got \(x.colourWeight))")
        }

        let n = controlnet
        guard n.steps >= 0 else { throw fail("controlnet.steps", "must not be negative (got \(n.steps))") }
        try positive(n.learningRate, "controlnet.learning_rate")
        try positive(n.conditioningScale, "controlnet.conditioning_scale")
        guard n.anomalyWeight >= 0, n.anomalyWeight.isFinite else {
            throw fail("controlnet.anomaly_weight", "must be a finite number ≥ 0 (got \(n.anomalyWeight))")
        }
        guard n.colourWeight >= 0, n.colourWeight.isFinite else {
            throw fail("controlnet.colour_weight", "must be a finite number ≥ 0 (got \(n.colourWeight))")
        }
        guard (0...1).contains(n.emphasisPerScreen) else {
            throw fail("controlnet.emphasis_per_screen", "must be a share in [0, 1] (got \(n.emphasisPerScreen))")
        }
        guard !n.emphasisLiftsOnly || n.emphasisPerScreen > 0 else {
            throw fail("controlnet.emphasis_lifts_only", "limits the per-screen normalisation, so it needs emphasis_per_screen > 0")
        }
        guard (0...1).contains(n.captionDropout) else {
            throw fail("controlnet.caption_dropout", "must be a share in [0, 1] (got \(n.captionDropout))")
        }
        if !n.controlLayersPlaces.isEmpty {
            // Checked against the transformer actually trained (init_from may bring other sizes) when the stage starts.
            guard n.controlLayersPlaces.contains(0), Set(n.controlLayersPlaces).count == n.controlLayersPlaces.count,
                  n.controlLayersPlaces.allSatisfy({ $0 >= 0 }) else {
                throw fail("controlnet.control_layers_places",
                           "must be distinct main-layer indices including 0 (got \(n.controlLayersPlaces))")
            }
        }

        let multiple = 2 * (1 << (vae.blockOutChannels.count - 1))
        for (value, field) in [(data.width, "data.width"), (data.height, "data.height")] {
            guard value > 0, value % multiple == 0 else {
                throw fail(field, "must be a positive multiple of \(multiple) (twice the VAE's scale factor; got \(value))")
            }
        }
        try positive(data.samples, "data.samples")
        guard ["synth", "layouts"].contains(data.source) else {
            throw fail("data.source", "must be \"synth\" or \"layouts\" (got \"\(data.source)\")")
        }
        guard (0...0.25).contains(data.jitter) else { throw fail("data.jitter", "must be in [0, 0.25] (got \(data.jitter))") }
        for name in data.styles {
            do { _ = try AppStyle.named(name) } catch { throw fail("data.styles", "\(error)") }
        }
        if !data.layouts.isEmpty {
            // `train` renders from the shipped catalog, so that is what the ids are checked against.
            let known = Set(try SceneCatalog.builtIn().layouts.map(\.id))
            for id in data.layouts where !known.contains(id) {
                throw fail("data.layouts", "no layout \"\(id)\" in the scene catalog (known: \(known.sorted().joined(separator: ", ")))")
            }
        }
        guard (0...1).contains(data.neutralCaptions) else {
            throw fail("data.neutral_captions", "must be a share in [0, 1] (got \(data.neutralCaptions))")
        }
        try styleAdapter.validate(file: file)
    }
}
