import Foundation
import SceneForgeSynth
import SafeTensors
import SceneForgeModels
import SceneForgeText
import SceneForgeTorch

/// The small default model: the real Z-Image components (AutoencoderKL, Qwen3, Z-Image transformer)
/// in a tiny configuration, plus the committed corpus tokenizer. Holds each component's `Weights`
/// so the trainer can reach every parameter by its checkpoint name.
public final class SmallModel {
    public let vae: AutoencoderKL
    public let vaeWeights: Weights
    public let textEncoder: Qwen3TextEncoder
    public let textEncoderWeights: Weights
    public let transformer: ZImageTransformer
    public let transformerWeights: Weights
    /// The layout ControlNet, once the ControlNet stage has started (or the fine-tuned folder has one).
    public internal(set) var controlNet: ZImageControlNet?
    public internal(set) var controlNetWeights: Weights?
    public let tokenizer: BPETokenizer
    /// The folder the tokenizer files are copied from on export.
    public let tokenizerFolder: URL
    public let shift: Double

    init(vae: AutoencoderKL, vaeWeights: Weights, textEncoder: Qwen3TextEncoder, textEncoderWeights: Weights,
         transformer: ZImageTransformer, transformerWeights: Weights, tokenizerFolder: URL, shift: Double) throws {
        self.vae = vae
        self.vaeWeights = vaeWeights
        self.textEncoder = textEncoder
        self.textEncoderWeights = textEncoderWeights
        self.transformer = transformer
        self.transformerWeights = transformerWeights
        self.tokenizerFolder = tokenizerFolder
        self.tokenizer = try BPETokenizer(folder: tokenizerFolder)
        self.shift = shift
    }

    /// The tokenizer trained on the prompt corpus (scripts/reference/make_small_tokenizer.py).
    public static func corpusTokenizerFolder() throws -> URL {
        guard let url = Bundle.module.url(forResource: "Data", withExtension: nil) else {
            throw TrainingError("the SceneForgeTraining resource bundle has no Data folder (corpus tokenizer missing)")
        }
        return url.appendingPathComponent("tokenizer")
    }

    /// Every component's configuration, the scheduler shift and where the tokenizer lives.
    struct Components {
        var vae: AutoencoderKLConfig
        var textEncoder: Qwen3Config
        var transformer: ZImageTransformerConfig
        var shift: Double
        var tokenizerFolder: URL
        /// The VAE's own scaling/shift when it comes from a finished model (fine-tuning).
        var latentNormalization: LatentNormalization?

        /// The sizes `config` asks for (training from scratch), or `config.initFrom`'s (fine-tuning).
        static func of(_ config: TrainingConfig) throws -> Components {
            if let folder = config.initFrom { return try of(folder: URL(fileURLWithPath: folder)) }
            let tokenizerFolder = try corpusTokenizerFolder()
            let vocabulary = try BPETokenizer(folder: tokenizerFolder).vocabularySize
            return Components(vae: vaeConfig(config), textEncoder: textEncoderConfig(config, vocabularySize: vocabulary),
                              transformer: transformerConfig(config), shift: config.transformer.shift,
                              tokenizerFolder: tokenizerFolder, latentNormalization: nil)
        }

        static func of(folder: URL) throws -> Components {
            let vae = try AutoencoderKLConfig.load(contentsOf: folder.appendingPathComponent("vae/config.json"))
            return Components(
                vae: vae,
                textEncoder: try Qwen3Config.load(contentsOf: folder.appendingPathComponent("text_encoder/config.json")),
                transformer: try ZImageTransformerConfig.load(contentsOf: folder.appendingPathComponent("transformer/config.json")),
                shift: try FlowMatchEulerConfig.load(contentsOf: folder.appendingPathComponent("scheduler/scheduler_config.json")).shift,
                tokenizerFolder: folder.appendingPathComponent("tokenizer"),
                latentNormalization: LatentNormalization(shift: vae.shiftFactor ?? 0, scale: vae.scalingFactor))
        }
    }

    /// Every component of `components` with its parameters from `weights(componentName)`.
    static func build(_ components: Components, weights: (String) throws -> Weights) throws -> SmallModel {
        let vaeWeights = try weights("vae")
        let vae = try AutoencoderKL(config: components.vae, weights: vaeWeights)
        let textWeights = try weights("text_encoder")
        let textEncoder = try Qwen3TextEncoder(config: components.textEncoder, weights: textWeights)
        let transformerWeights = try weights("transformer")
        let transformer = try ZImageTransformer(transformerWeights, config: components.transformer)
        return try SmallModel(vae: vae, vaeWeights: vaeWeights, textEncoder: textEncoder, textEncoderWeights: textWeights,
                              transformer: transformer, transformerWeights: transformerWeights,
                              tokenizerFolder: components.tokenizerFolder, shift: components.shift)
    }

    static func dtype(of component: String, _ config: TrainingConfig) -> DType {
        component == "text_encoder" ? .float32 : config.parsedDType
    }

    /// A fresh model; each component has its own seed stream so changing one size leaves the others alone.
    public static func fresh(_ config: TrainingConfig) throws -> SmallModel {
        let streams = ["vae": UInt64(1), "text_encoder": 2, "transformer": 3]
        return try build(Components.of(config)) { name in
            try Weights(source: .initialize(seed: SeededRandom.derive(config.seed, streams[name] ?? 0)),
                        dtype: dtype(of: name, config), device: config.parsedDevice)
        }
    }

    /// Fine-tuning: the components of an existing diffusers folder (its sizes, not the config's).
    public static func load(folder: URL, config: TrainingConfig) throws -> SmallModel {
        try build(Components.of(folder: folder)) { name in
            let checkpoint = try SafeTensorsCheckpoint(url: folder.appendingPathComponent(name))
            return try Weights(source: .checkpoint(checkpoint, description: checkpoint.url.path),
                               dtype: dtype(of: name, config), device: config.parsedDevice)
        }
    }

    // MARK: - Configurations

    static func vaeConfig(_ c: TrainingConfig) -> AutoencoderKLConfig {
        var v = AutoencoderKLConfig.flux
        v.blockOutChannels = c.vae.blockOutChannels
        v.layersPerBlock = c.vae.layersPerBlock
        v.normNumGroups = c.vae.normNumGroups
        v.latentChannels = c.vae.latentChannels
        v.sampleSize = max(c.data.width, c.data.height)
        return v
    }

    static func textEncoderConfig(_ c: TrainingConfig, vocabularySize: Int) -> Qwen3Config {
        var q = Qwen3Config()
        q.vocabSize = vocabularySize
        q.hiddenSize = c.textEncoder.hiddenSize
        q.intermediateSize = c.textEncoder.intermediateSize
        q.numHiddenLayers = c.textEncoder.layers
        q.numAttentionHeads = c.textEncoder.heads
        q.numKeyValueHeads = c.textEncoder.kvHeads
        q.headDim = c.textEncoder.headDim
        q.ropeTheta = 1_000_000
        return q
    }

    static func transformerConfig(_ c: TrainingConfig) -> ZImageTransformerConfig {
        var z = ZImageTransformerConfig.zImageTurbo
        z.inChannels = c.vae.latentChannels
        z.dim = c.transformer.dim
        z.nLayers = c.transformer.layers
        z.nRefinerLayers = c.transformer.refinerLayers
        z.nHeads = c.transformer.heads
        z.nKVHeads = c.transformer.heads
        z.capFeatDim = c.textEncoder.hiddenSize
        z.axesDims = c.transformer.axesDims
        return z
    }
}

extension Weights {
    /// The parameters under this view with names relative to it ("encoder.conv_in.weight", not
    /// "vae.encoder.conv_in.weight" when the view was scoped into a training checkpoint).
    var localParameters: [(name: String, tensor: Tensor)] {
        let scope = prefix.isEmpty ? "" : prefix + "."
        return parameters.filter { $0.name.hasPrefix(scope) }.map { (String($0.name.dropFirst(scope.count)), $0.tensor) }
    }
}
