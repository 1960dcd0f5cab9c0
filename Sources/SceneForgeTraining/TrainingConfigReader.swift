import Foundation

/// Reads the plain dictionary of a TOML or JSON configuration into `TrainingConfig`, field by field,
/// so every error names the dotted field ("transformer.dim") and what was wrong with it.
struct ConfigReader {
    let file: String

    mutating func read(_ root: [String: Any]) throws -> TrainingConfig {
        var c = TrainingConfig()
        var top = Section(file: file, path: "", values: root)
        c.batchSize = try top.int("batch_size") ?? c.batchSize
        c.emaDecay = try top.double("ema_decay") ?? c.emaDecay
        c.gradClip = try top.double("grad_clip") ?? c.gradClip
        c.weightDecay = try top.double("weight_decay") ?? c.weightDecay
        c.dtype = try top.string("dtype") ?? c.dtype
        c.device = try top.string("device") ?? c.device
        if let seed = try top.int("seed") {
            guard seed >= 0 else { throw top.fail("seed", "must not be negative (got \(seed))") }
            c.seed = UInt64(seed)
        }
        c.checkpointInterval = try top.int("checkpoint_interval") ?? c.checkpointInterval
        c.sampleInterval = try top.int("sample_interval") ?? c.sampleInterval
        c.initFrom = try top.string("init_from")
        c.workers = try top.int("workers") ?? c.workers

        if var s = try top.section("vae") {
            c.vae.steps = try s.int("steps") ?? c.vae.steps
            c.vae.learningRate = try s.double("learning_rate") ?? c.vae.learningRate
            c.vae.blockOutChannels = try s.ints("block_out_channels") ?? c.vae.blockOutChannels
            c.vae.layersPerBlock = try s.int("layers_per_block") ?? c.vae.layersPerBlock
            c.vae.normNumGroups = try s.int("norm_num_groups") ?? c.vae.normNumGroups
            c.vae.latentChannels = try s.int("latent_channels") ?? c.vae.latentChannels
            c.vae.klWeight = try s.double("kl_weight") ?? c.vae.klWeight
            c.vae.l1Weight = try s.double("l1_weight") ?? c.vae.l1Weight
            c.vae.crop = try s.int("crop") ?? c.vae.crop
            c.vae.decoderOnly = try s.bool("decoder_only") ?? c.vae.decoderOnly
            try s.refuseUnknown()
        }
        if var s = try top.section("text_encoder") {
            c.textEncoder.hiddenSize = try s.int("hidden_size") ?? c.textEncoder.hiddenSize
            c.textEncoder.layers = try s.int("layers") ?? c.textEncoder.layers
            c.textEncoder.heads = try s.int("heads") ?? c.textEncoder.heads
            c.textEncoder.kvHeads = try s.int("kv_heads") ?? c.textEncoder.kvHeads
            c.textEncoder.headDim = try s.int("head_dim") ?? c.textEncoder.headDim
            c.textEncoder.intermediateSize = try s.int("intermediate_size") ?? c.textEncoder.intermediateSize
            try s.refuseUnknown()
        }
        if var s = try top.section("transformer") {
            c.transformer.steps = try s.int("steps") ?? c.transformer.steps
            c.transformer.learningRate = try s.double("learning_rate") ?? c.transformer.learningRate
            c.transformer.dim = try s.int("dim") ?? c.transformer.dim
            c.transformer.layers = try s.int("layers") ?? c.transformer.layers
            c.transformer.refinerLayers = try s.int("refiner_layers") ?? c.transformer.refinerLayers
            c.transformer.heads = try s.int("heads") ?? c.transformer.heads
            c.transformer.axesDims = try s.ints("axes_dims") ?? c.transformer.axesDims
            c.transformer.shift = try s.double("shift") ?? c.transformer.shift
            c.transformer.captionDropout = try s.double("caption_dropout") ?? c.transformer.captionDropout
            c.transformer.colourWeight = try s.double("colour_weight") ?? c.transformer.colourWeight
            try s.refuseUnknown()
        }
        if var s = try top.section("controlnet") {
            c.controlnet.steps = try s.int("steps") ?? c.controlnet.steps
            c.controlnet.learningRate = try s.double("learning_rate") ?? c.controlnet.learningRate
            c.controlnet.controlLayersPlaces = try s.ints("control_layers_places") ?? c.controlnet.controlLayersPlaces
            c.controlnet.conditioningScale = try s.double("conditioning_scale") ?? c.controlnet.conditioningScale
            c.controlnet.anomalyWeight = try s.double("anomaly_weight") ?? c.controlnet.anomalyWeight
            c.controlnet.colourWeight = try s.double("colour_weight") ?? c.controlnet.colourWeight
            c.controlnet.emphasisPerScreen = try s.double("emphasis_per_screen") ?? c.controlnet.emphasisPerScreen
            c.controlnet.emphasisLiftsOnly = try s.bool("emphasis_lifts_only") ?? c.controlnet.emphasisLiftsOnly
            c.controlnet.captionDropout = try s.double("caption_dropout") ?? c.controlnet.captionDropout
            try s.refuseUnknown()
        }
        if var s = try top.section("data") {
            c.data.width = try s.int("width") ?? c.data.width
            c.data.height = try s.int("height") ?? c.data.height
            c.data.source = try s.string("source") ?? c.data.source
            c.data.samples = try s.int("samples") ?? c.data.samples
            c.data.jitter = try s.double("jitter") ?? c.data.jitter
            c.data.neutralCaptions = try s.double("neutral_captions") ?? c.data.neutralCaptions
            c.data.styles = try s.strings("styles") ?? c.data.styles
            c.data.layouts = try s.strings("layouts") ?? c.data.layouts
            try s.refuseUnknown()
        }
        if var s = try top.section("style_adapter") {
            try s.readStyleAdapter(into: &c.styleAdapter)
            try s.refuseUnknown()
        }
        try top.refuseUnknown()
        return c
    }
}

/// One table of the configuration; remembers which keys were read so the rest can be refused.
struct Section {
    let file: String
    let path: String
    let values: [String: Any]
    private var used: Set<String> = []

    init(file: String, path: String, values: [String: Any]) {
        self.file = file
        self.path = path
        self.values = values
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func fail(_ key: String, _ problem: String) -> TrainingConfigError {
        TrainingConfigError(file: file, field: field(key), problem: problem)
    }

    mutating func int(_ key: String) throws -> Int? {
        used.insert(key)
        guard let value = values[key] else { return nil }
        if let int = value as? Int, !(value is Bool) { return int }
        if let double = value as? Double, double.rounded() == double, abs(double) < 1e15 { return Int(double) }
        throw fail(key, "must be an integer (got \(value))")
    }

    mutating func double(_ key: String) throws -> Double? {
        used.insert(key)
        guard let value = values[key] else { return nil }
        if let double = value as? Double, double.isFinite { return double }
        if let int = value as? Int { return Double(int) }
        throw fail(key, "must be a finite number (got \(value))")
    }

    mutating func bool(_ key: String) throws -> Bool? {
        used.insert(key)
        guard let value = values[key] else { return nil }
        guard let flag = value as? Bool else { throw fail(key, "must be true or false (got \(value))") }
        return flag
    }

    mutating func string(_ key: String) throws -> String? {
        used.insert(key)
        guard let value = values[key] else { return nil }
        guard let string = value as? String else { throw fail(key, "must be a string (got \(value))") }
        return string
    }

    mutating func ints(_ key: String) throws -> [Int]? {
        used.insert(key)
        guard let value = values[key] else { return nil }
        guard let array = value as? [Any] else { throw fail(key, "must be an array of integers (got \(value))") }
        return try array.map { element in
            if let int = element as? Int { return int }
            if let double = element as? Double, double.rounded() == double, abs(double) < 1e15 { return Int(double) }
            throw fail(key, "must be an array of integers (found \(element))")
        }
    }

    mutating func strings(_ key: String) throws -> [String]? {
        used.insert(key)
        guard let value = values[key] else { return nil }
        guard let array = value as? [Any], let strings = array as? [String] else {
            throw fail(key, "must be an array of strings (got \(value))")
        }
        return strings
    }

    mutating func section(_ key: String) throws -> Section? {
        used.insert(key)
        guard let value = values[key] else { return nil }
        guard let table = value as? [String: Any] else { throw fail(key, "must be a table ([\(key)])") }
        return Section(file: file, path: field(key), values: table)
    }

    func refuseUnknown() throws {
        if let unknown = values.keys.sorted().first(where: { !used.contains($0) }) {
            throw fail(unknown, "is not a known setting (see docs/training.md)")
        }
    }
}
