import Foundation

extension TrainingConfig {
    /// `[style_adapter]`: the style adapter's stage (docs/training.md, "Style adapter"). With `steps` 0
    /// (the default) there is no such stage. The base model (VAE, text encoder, transformer) is frozen.
    public struct StyleAdapterSection: Equatable, Sendable {
        public var steps = 0
        public var learningRate = 1e-3
        /// Style tokens per reference (IP-Adapter's num_tokens).
        public var tokens = 4
        /// The adapter's scale during training, also written as the config's default scale.
        public var scale = 1.0
        /// Written as the config's default style guidance (not used in training; 0: none).
        public var guidance = 0.0
        /// Also feed the reference's pooled RGB to the encoder (`StyleAdapterConfig.colourInput`).
        public var colourInput = false
        /// The encoder head's two convolution widths.
        public var encoderChannels = [64, 128]
        /// The pooled grid of the encoder head (rows, columns).
        public var grid = [4, 2]
        /// Training screens rendered for the stage (0: `data.samples`).
        public var samples = 0
        /// Weight of the distillation term: the adapted model on the neutral caption is also pulled towards the
        /// frozen base's own prediction on the caption that names the style (0: the flow-matching loss alone).
        public var distillWeight = 0.0
        public init() {}

        func validate(file: String) throws {
            func fail(_ field: String, _ problem: String) -> TrainingConfigError {
                TrainingConfigError(file: file, field: "style_adapter.\(field)", problem: problem)
            }
            guard steps >= 0 else { throw fail("steps", "must not be negative (got \(steps))") }
            guard learningRate > 0, learningRate.isFinite else { throw fail("learning_rate", "must be a positive number (got \(learningRate))") }
            guard tokens > 0 else { throw fail("tokens", "must be positive (got \(tokens))") }
            guard scale > 0, scale.isFinite else { throw fail("scale", "must be a positive number (got \(scale))") }
            guard guidance >= 0, guidance.isFinite else { throw fail("guidance", "must be a number ≥ 0 (got \(guidance))") }
            guard encoderChannels.count == 2, encoderChannels.allSatisfy({ $0 > 0 }) else {
                throw fail("encoder_channels", "must be 2 positive channel counts (got \(encoderChannels))")
            }
            guard grid.count == 2, grid.allSatisfy({ $0 > 0 }) else { throw fail("grid", "must be [rows, columns], both positive (got \(grid))") }
            guard samples >= 0 else { throw fail("samples", "must not be negative (got \(samples))") }
            guard distillWeight >= 0, distillWeight.isFinite else {
                throw fail("distill_weight", "must be a number ≥ 0 (got \(distillWeight))")
            }
        }
    }
}

extension Section {
    mutating func readStyleAdapter(into s: inout TrainingConfig.StyleAdapterSection) throws {
        s.steps = try int("steps") ?? s.steps
        s.learningRate = try double("learning_rate") ?? s.learningRate
        s.tokens = try int("tokens") ?? s.tokens
        s.scale = try double("scale") ?? s.scale
        s.guidance = try double("guidance") ?? s.guidance
        s.colourInput = try bool("colour_input") ?? s.colourInput
        s.encoderChannels = try ints("encoder_channels") ?? s.encoderChannels
        s.grid = try ints("grid") ?? s.grid
        s.samples = try int("samples") ?? s.samples
        s.distillWeight = try double("distill_weight") ?? s.distillWeight
    }
}
