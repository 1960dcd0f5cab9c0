import Foundation
import SafeTensors
import SceneForgeTorch

/// transformers' `Qwen3Model` (no language-model head), used as Z-Image's text encoder: token
/// embeddings → decoder layers → final RMSNorm. Parameter names are transformers' `Qwen3Model` keys;
/// checkpoints saved from `Qwen3ForCausalLM` (keys under `model.`, plus `lm_head.weight`) load too.
public struct Qwen3TextEncoder {
    public let config: Qwen3Config
    let embed_tokens: Embedding
    let layers: [Qwen3DecoderLayer]
    let norm: RMSNorm

    /// The layer count whose raw output Z-Image conditions on: `hidden_states[-2]`, the output of the
    /// second-to-last layer before any norm.
    public var zImageLayerCount: Int { config.numHiddenLayers - 1 }

    public init(config: Qwen3Config, weights w: Weights) throws {
        do {
            try config.validate()
        } catch let error as ConfigFieldError {
            throw ModelConfigError(file: "Qwen3 configuration", field: error.field, problem: error.problem)
        }
        self.config = config
        embed_tokens = try Embedding(w.scoped("embed_tokens"), count: config.vocabSize, dim: config.hiddenSize)
        let stack = w.scoped("layers")
        layers = try (0..<config.numHiddenLayers).map { try Qwen3DecoderLayer(stack.scoped($0), config: config) }
        norm = try RMSNorm(w.scoped("norm"), dim: config.hiddenSize, eps: config.rmsNormEps)
    }

    /// Reads `config.json` and the (possibly sharded) safetensors of a `text_encoder/` folder.
    /// Missing, wrongly shaped and unexpected keys are errors that name them.
    public static func load(folder: URL, dtype: DType = .float32, device: Device = .cpu) throws -> Qwen3TextEncoder {
        let config = try Qwen3Config.load(contentsOf: folder.appendingPathComponent("config.json"))
        let checkpoint = try SafeTensorsCheckpoint(url: folder)
        let causalLM = checkpoint.info("model.embed_tokens.weight") != nil
        // The language-model head of a Qwen3ForCausalLM checkpoint is not part of the encoder.
        return try Weights.checkedBuild(from: checkpoint, dtype: dtype, device: device,
                                        ignoring: { causalLM && $0 == "lm_head.weight" }) {
            try Qwen3TextEncoder(config: config, weights: causalLM ? $0.scoped("model") : $0)
        }
    }

    // MARK: - Forward

    /// The hidden state after the first `upToLayer` decoder layers (transformers' `hidden_states[upToLayer]`:
    /// 0 is the embeddings), without the final norm; only those layers run. The default is what Z-Image
    /// uses (`hidden_states[-2]`).
    ///
    /// `inputIDs` [B, L] integers; `attentionMask` [B, L] (1/true for tokens, 0/false for padding), nil
    /// for none. Attention is causal; padding keys are masked. Result: [B, L, hidden_size].
    public func hiddenStates(inputIDs: Tensor, attentionMask: Tensor? = nil, upToLayer: Int? = nil) throws -> Tensor {
        let count = upToLayer ?? zImageLayerCount
        guard (0...layers.count).contains(count) else {
            throw Qwen3Error("upToLayer \(count) is outside 0...\(layers.count) (the model has \(layers.count) layers)")
        }
        return try run(inputIDs: inputIDs, attentionMask: attentionMask, layerCount: count, keepAll: false)[0]
    }

    /// The final-normed output of all layers (transformers' `last_hidden_state`).
    public func lastHiddenState(inputIDs: Tensor, attentionMask: Tensor? = nil) throws -> Tensor {
        try norm(hiddenStates(inputIDs: inputIDs, attentionMask: attentionMask, upToLayer: layers.count))
    }

    /// Every hidden state as transformers' `output_hidden_states=True` gives them: the embeddings, the
    /// output of each layer but the last, then the final-normed output of the last (count: layers + 1).
    public func allHiddenStates(inputIDs: Tensor, attentionMask: Tensor? = nil) throws -> [Tensor] {
        var states = try run(inputIDs: inputIDs, attentionMask: attentionMask, layerCount: layers.count, keepAll: true)
        states[states.count - 1] = try norm(states[states.count - 1])
        return states
    }

    /// The output of the first `layerCount` layers; with `keepAll`, preceded by the embeddings and
    /// every earlier layer's output.
    private func run(inputIDs: Tensor, attentionMask: Tensor?, layerCount: Int, keepAll: Bool) throws -> [Tensor] {
        var h = try embed(inputIDs)
        let (batch, length) = (h.size(0), h.size(1))
        let device = h.device
        let positions = try Tensor.arange(0, Double(length), device: device).unsqueeze(0).expand([batch, length])
        let rotary = try Qwen3Rotary(positions: positions, headDim: config.headDim, theta: config.ropeTheta, dtype: h.dtype)
        let mask = try causalPaddingMask(attentionMask, batch: batch, length: length, device: device)
        var states = keepAll ? [h] : []
        for layer in layers.prefix(layerCount) {
            h = try layer(h, rotary: rotary, mask: mask)
            if keepAll { states.append(h) }
        }
        return keepAll ? states : [h]
    }

    private func embed(_ inputIDs: Tensor) throws -> Tensor {
        let shape = inputIDs.shape
        guard shape.count == 2, shape[0] > 0, shape[1] > 0 else {
            throw Qwen3Error("inputIDs must be shaped [batch, length] with both positive, got \(shape)")
        }
        guard !inputIDs.dtype.isFloatingPoint, inputIDs.dtype != .bool else {
            throw Qwen3Error("inputIDs must hold integers, got \(inputIDs.dtype)")
        }
        let ids = try inputIDs.to(embed_tokens.weight.device, .int64)
        if ids.device != .meta {
            let low = try ids.min().item(), high = try ids.max().item()
            guard low >= 0, high < Double(config.vocabSize) else {
                throw Qwen3Error("token ids must lie in 0..<\(config.vocabSize) (vocab_size), found \(Int(low))...\(Int(high))")
            }
        }
        return try embed_tokens(ids)
    }

    /// Causal and key-padding mask, bool [B, 1, L, L]. A query row left with no key at all (left
    /// padding) may attend everywhere instead, so that no NaN reaches the valid rows; its own value is
    /// padding and is never used.
    private func causalPaddingMask(_ padding: Tensor?, batch: Int, length: Int, device: Device) throws -> Tensor {
        let causal = try Tensor.ones([length, length], dtype: .bool, device: device).tril().reshape([1, 1, length, length])
        guard let padding else { return causal }
        guard padding.shape == [batch, length] else {
            throw Qwen3Error("attentionMask must be shaped [\(batch), \(length)] like inputIDs, got \(padding.shape)")
        }
        let keys = try padding.to(device).ne(0).reshape([batch, 1, 1, length])
        let allowed = try causal.logicalAnd(keys)
        let empty = try allowed.sum(dim: -1, keepDim: true).eq(0)
        return try allowed.logicalOr(empty)
    }
}

/// A text-encoder call refused before it reached libtorch.
public struct Qwen3Error: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
