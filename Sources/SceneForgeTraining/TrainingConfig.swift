import Foundation
import SceneForgeScenes
import SceneForgeTorch
import TOMLKit

/// Everything `sceneforge train` needs, read from TOML or JSON (chosen by the file extension).
/// Every field has a default, so a file only states what it changes; unknown keys are refused so a
/// typo never silently trains with a default. See docs/training.md for the meaning of each field.
public struct TrainingConfig: Equatable, Sendable {
    /// The three model sizes (the tokenizer is fixed: the committed corpus vocabulary).
    public var vae = VAESection()
    public var textEncoder = TextEncoderSection()
    public var transformer = TransformerSection()
    /// The layout ControlNet, trained last with everything else frozen (0 steps: none).
    public var controlnet = ControlNetSection()
    public var data = DataSection()
    /// The optional style-adapter stage (StyleAdapterTraining.swift), after the base model is done.
    public var styleAdapter = StyleAdapterSection()

    public var batchSize = 4
    public var emaDecay = 0.999
    public var gradClip = 1.0
    public var weightDecay = 0.01
    /// "float32" or "bfloat16": the dtype parameters are held and trained in.
    public var dtype = "float32"
    /// "cpu", "cuda", "cuda:N".
    public var device = "cpu"
    public var seed: UInt64 = 0
    /// Steps between checkpoints (0: only at the end of each stage).
    public var checkpointInterval = 500
    /// Steps between preview samples (0: none).
    public var sampleInterval = 0
    /// A diffusers folder to fine-tune from instead of training from scratch (its sizes win).
    public var initFrom: String?
    /// CPU only: threads that each take a share of every batch through a whole forward and backward pass, with
    /// libtorch's and OpenBLAS's own thread pools at one thread each. At the small model's sizes the pools barely
    /// speed an op up, so on 2 cores 2 workers train about twice as fast (docs/benchmarks.md). The gradients are
    /// the whole batch's either way; with 1 or 2 workers runs are bit-for-bit repeatable. On CUDA: 1.
    public var workers = 1

    public init() {}

    /// Whether a ControlNet stage weights its loss by the anomaly boxes (the data then carries their masks).
    public var weighsAnomalies: Bool { controlnet.steps > 0 && controlnet.anomalyWeight > 0 }
    /// Whether a stage weights its loss by each latent's colourfulness.
    public var weighsColour: Bool { transformer.steps > 0 && transformer.colourWeight > 0 || controlnet.steps > 0 && controlnet.colourWeight > 0 }
    /// Whether a stage drops captions (so the latent cache must hold the empty prompt's).
    public var dropsCaptions: Bool { transformer.captionDropout > 0 || controlnet.captionDropout > 0 }
    /// Whether the run leaves the base (VAE and transformer) as `init_from` has it: only the ControlNet or the style
    /// adapter trains, so what was fitted to that base (its style adapter) still fits.
    public var keepsBase: Bool { vae.steps == 0 && transformer.steps == 0 }
    /// A fine-tuning config whose only stage is the style adapter: `train` then skips the base stages' data and
    /// trainer. A ControlNet stage is a stage too, so a config that also trains one takes the trainer's path.
    public var trainsStyleAdapterOnly: Bool { styleAdapter.steps > 0 && keepsBase && controlnet.steps == 0 }

    public struct VAESection: Equatable, Sendable {
        public var steps = 2000
        public var learningRate = 1e-3
        public var blockOutChannels = [32, 64, 64, 64]
        public var layersPerBlock = 1
        public var normNumGroups = 16
        /// Channels of the latent (FLUX's 16 by default). More channels keep more of each 8×8 cell (an edit's
        /// pixels outside its mask are the VAE's round trip); the transformer's input width follows.
        public var latentChannels = 16
        public var klWeight = 1e-6
        /// Weight of the L1 term next to the L2 term of the reconstruction loss.
        public var l1Weight = 1.0
        /// Side of the square, randomly placed crops the VAE trains on (0: whole images). The autoencoder is
        /// convolutional, so crops of full-size screens teach it their detail at a fraction of the cost.
        public var crop = 0
        /// Train the decoder only, the encoder frozen: the latent space (and so a trained transformer, ControlNet and
        /// style adapter) stays valid while the decoder learns to draw those latents more sharply.
        public var decoderOnly = false
        public init() {}
    }

    public struct TextEncoderSection: Equatable, Sendable {
        public var hiddenSize = 64
        public var layers = 2
        public var heads = 4
        public var kvHeads = 2
        public var headDim = 16
        public var intermediateSize = 128
        public init() {}
    }

    public struct TransformerSection: Equatable, Sendable {
        public var steps = 4000
        public var learningRate = 3e-4
        public var dim = 128
        public var layers = 4
        public var refinerLayers = 1
        public var heads = 4
        /// Must sum to dim / heads.
        public var axesDims = [8, 12, 12]
        /// The scheduler's static shift, used for both training-time sigma sampling and inference.
        public var shift = 3.0
        /// Share of training samples, drawn anew each step, whose caption is the empty prompt's: the model then also
        /// learns the unconditional prediction that classifier-free guidance pushes away from (Stable Diffusion
        /// trained with 10%). 0 keeps every caption.
        public var captionDropout = 0.0
        /// As `controlnet.colour_weight`, for the transformer stage.
        public var colourWeight = 0.0
        public init() {}
    }

    public struct ControlNetSection: Equatable, Sendable {
        /// 0: no ControlNet stage (the default).
        public var steps = 0
        public var learningRate = 1e-4
        /// Main-layer indices that get a control layer (its hint is added after that layer); must contain 0.
        /// Empty: every main layer of the transformer.
        public var controlLayersPlaces: [Int] = []
        /// The hints' scale during training; generation's `--control-scale` is relative to it.
        public var conditioningScale = 1.0
        /// Extra weight of the loss inside the layouts' anomaly boxes: each latent's squared error counts
        /// 1 + anomaly_weight × (the share of its pixels inside an anomaly box). 0: the plain objective. Small
        /// anomalies (a toast, a badge) cover a few latents of the screen; without it they barely move the loss.
        public var anomalyWeight = 0.0
        /// How far the emphasis (anomaly and colour weights) is normalised per screen rather than per batch: each
        /// screen's weights are divided by this share of their own mean plus the rest of the batch's. Per batch (0),
        /// a screen with a large dialog outweighs one with a toast several times over; per screen (1), each counts
        /// the same and a small anomaly's latents get the larger share of its screen's loss.
        public var emphasisPerScreen = 0.0
        /// Per-screen normalisation only ever lifts a screen: a screen whose own mean weight is above the batch's is
        /// divided by the batch's, as without `emphasis_per_screen`. A toast's screen gains its share while a large
        /// dialog's keeps the weight the plain recipe gives it (the per-screen run greyed the dialogs, twelfth round).
        public var emphasisLiftsOnly = false
        /// Extra weight of the loss where the screen is strongly coloured: each latent's squared error also counts
        /// colour_weight × (its pixels' mean HSV saturation, counting only clearly coloured pixels). The app's theme
        /// lives in a few saturated pixels (a plain header's title, the tab bar's active icon, a button) that the
        /// plain objective barely sees. 0: off.
        public var colourWeight = 0.0
        /// As `transformer.caption_dropout`, for the ControlNet stage: the control then also learns to hold the
        /// layout under the empty prompt, which is the negative branch of a guided run.
        public var captionDropout = 0.0
        public init() {}
    }

    public struct DataSection: Equatable, Sendable {
        public var width = 64
        public var height = 128
        /// "synth" (procedural app screens) or "layouts" (segmentation control images).
        public var source = "synth"
        /// How many (layout, style, jitter) samples the dataset holds.
        public var samples = 256
        /// Largest random displacement of a box, as a fraction of the canvas.
        public var jitter = 0.02
        /// Share of procedural screens whose caption leaves out the app style's description, so that the
        /// transformer also learns to draw a coherent screen from a neutral caption (what a style reference
        /// is used with); 0 keeps every caption styled.
        public var neutralCaptions = 0.0
        /// The app styles the procedural screens cycle through, by name; a name given twice is drawn twice as often
        /// (to give the rarer theme colours as many screens as the four blue apps). Empty: every built-in style once.
        public var styles: [String] = []
        /// The scene catalog's layouts the screens cycle through, by id; an id given twice is drawn twice as often
        /// (to give the layouts a ControlNet draws worst more of its training). Empty: every layout once.
        public var layouts: [String] = []
        public init() {}
    }

    public var parsedDType: DType { DType(name: dtype) ?? .float32 }
    public var parsedDevice: Device { Device(name: device) ?? .cpu }
    /// Batch shards per step (`BatchShards`): `workers` on the CPU, one on a GPU.
    public var workerCount: Int { parsedDevice == .cpu ? workers : 1 }
}

/// A configuration file that cannot be used: names the file, the field and the problem.
public struct TrainingConfigError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let field: String
    public let problem: String
    public var description: String { "\(file): field '\(field)' \(problem)" }
}

extension TrainingConfig {
    public static func load(contentsOf url: URL) throws -> TrainingConfig {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw TrainingConfigError(file: url.path, field: "-", problem: "cannot be read: \(error.localizedDescription)")
        }
        let format: Format = url.pathExtension.lowercased() == "json" ? .json : .toml
        return try parse(text, format: format, file: url.path)
    }

    public enum Format: Sendable { case json, toml }

    public static func parse(_ text: String, format: Format, file: String) throws -> TrainingConfig {
        let table: [String: Any]
        switch format {
        case .json:
            guard let data = text.data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data), let dictionary = object as? [String: Any] else {
                throw TrainingConfigError(file: file, field: "-", problem: "is not a JSON object (the file does not parse as JSON)")
            }
            table = dictionary
        case .toml:
            do {
                table = try TOMLText.parse(text).plainDictionary()
            } catch let error as TOMLSyntaxError {
                throw TrainingConfigError(file: file, field: "-", problem: "is not valid TOML (line \(error.line): \(error.message))")
            } catch {
                throw TrainingConfigError(file: file, field: "-", problem: "is not valid TOML: \(error)")
            }
        }
        var reader = ConfigReader(file: file)
        let config = try reader.read(table)
        try config.validate(file: file)
        return config
    }
}

extension TOMLTable {
    /// The table as plain Swift values (String, Int, Double, Bool, arrays, dictionaries).
    func plainDictionary() -> [String: Any] {
        var out: [String: Any] = [:]
        for (key, value) in self { out[key] = value.plainValue }
        return out
    }
}

extension TOMLValueConvertible {
    var plainValue: Any {
        switch type {
        case .table: return table?.plainDictionary() ?? [:]
        case .array: return (array ?? []).map { $0.plainValue }
        case .int: return int ?? 0
        case .double: return double ?? 0
        case .bool: return bool ?? false
        case .string: return string ?? ""
        case .date, .time, .dateTime: return String(describing: self)
        }
    }
}
