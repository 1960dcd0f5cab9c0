import Foundation
import SafeTensors
import SceneForgeTorch

/// transformers' `Siglip2VisionModel` (NaFlex): patches embedded by a Linear, plus the learned square position
/// table resized (antialiased bilinear) to the image's patch grid; pre-norm encoder layers; a final LayerNorm.
/// Z-Image-Edit uses `last_hidden_state` (the pooling head is loaded from checkpoints but never run).
///
///     pixels (h·w, C·p·p) ─ patch_embedding ─ + resized position_embedding ─ encoder.layers ─ post_layernorm
public struct Siglip2VisionModel {
    public let config: Siglip2VisionConfig
    let embeddings: Siglip2VisionEmbeddings
    let encoderLayers: [Siglip2EncoderLayer]
    let postLayernorm: LayerNorm

    public init(_ w: Weights, config: Siglip2VisionConfig) throws {
        self.config = config
        embeddings = try Siglip2VisionEmbeddings(w.scoped("embeddings"), config: config)
        encoderLayers = try (0..<config.numHiddenLayers).map {
            try Siglip2EncoderLayer(w.scoped("encoder").scoped("layers").scoped($0), config: config)
        }
        postLayernorm = try LayerNorm(w.scoped("post_layernorm"), dim: config.hiddenSize, eps: config.layerNormEps)
    }

    /// Reads `folder/config.json` and its safetensors. Keys may carry transformers' `vision_model.` prefix;
    /// `head.*` (the pooling head) is accepted when the config has one. Missing, wrongly shaped and unexpected
    /// keys are errors that name the key.
    public static func load(folder: URL, dtype: DType = .float32, device: Device = .cpu) throws -> Siglip2VisionModel {
        let config = try Siglip2VisionConfig.load(contentsOf: folder.appendingPathComponent("config.json"))
        let checkpoint = try SafeTensorsCheckpoint(url: folder)
        let prefixed = checkpoint.info("vision_model.embeddings.patch_embedding.weight") != nil
        let head = (prefixed ? "vision_model." : "") + "head."
        return try Weights.checkedBuild(from: checkpoint, dtype: dtype, device: device,
                                        ignoring: { config.visionUseHead && $0.hasPrefix(head) }) {
            try Siglip2VisionModel(prefixed ? $0.scoped("vision_model") : $0, config: config)
        }
    }

    /// `pixels`: (h·w, num_channels·p·p) patches of one image, row-major over its (h, w) patch grid, each patch's
    /// features ordered (py, px, c) as `Siglip2ImageProcessor` writes them. Returns (h·w, hidden).
    public func callAsFunction(pixels: Tensor, grid: (h: Int, w: Int)) throws -> Tensor {
        let features = config.numChannels * config.patchSize * config.patchSize
        guard grid.h > 0, grid.w > 0, pixels.shape == [grid.h * grid.w, features] else {
            throw Siglip2Error("SigLIP2: pixel patches have shape \(pixels.shape), expected [\(grid.h)·\(grid.w) "
                + "(patch grid), \(features) (num_channels·patch_size²)]")
        }
        var h = try embeddings(pixels, grid: grid).unsqueeze(0)
        for layer in encoderLayers { h = try layer(h) }
        return try postLayernorm(h).squeeze(0)
    }
}

struct Siglip2VisionEmbeddings {
    let patchEmbedding: Linear
    let positionEmbedding: Embedding
    let gridSize: Int

    init(_ w: Weights, config: Siglip2VisionConfig) throws {
        patchEmbedding = try Linear(w.scoped("patch_embedding"),
                                    inFeatures: config.numChannels * config.patchSize * config.patchSize,
                                    outFeatures: config.hiddenSize)
        positionEmbedding = try Embedding(w.scoped("position_embedding"), count: config.numPatches, dim: config.hiddenSize)
        gridSize = config.positionGridSize
    }

    func callAsFunction(_ pixels: Tensor, grid: (h: Int, w: Int)) throws -> Tensor {
        let patches = try patchEmbedding(pixels.to(positionEmbedding.weight.dtype))
        // Resizing is linear: output (r, c) = Σ rowWeight[r][i] · colWeight[c][j] · table[i, j].
        let rows = Siglip2Resize.weights(from: gridSize, to: grid.h)
        let cols = Siglip2Resize.weights(from: gridSize, to: grid.w)
        var matrix: [Float] = []
        matrix.reserveCapacity(grid.h * grid.w * gridSize * gridSize)
        for r in 0..<grid.h {
            for c in 0..<grid.w {
                for i in 0..<gridSize {
                    for j in 0..<gridSize { matrix.append(rows[r][i] * cols[c][j]) }
                }
            }
        }
        let weights = try Tensor(matrix, shape: [grid.h * grid.w, gridSize * gridSize]).to(patches.device)
        let resized = try weights.matmul(positionEmbedding.weight.to(.float32)).to(patches.dtype)
        return try patches + resized
    }
}

/// Pre-norm block: `x + attn(LN1(x))`, then `+ mlp(LN2(·))`; attention with biases, scale head_dim^-0.5.
struct Siglip2EncoderLayer {
    let layerNorm1: LayerNorm
    let selfAttn: Siglip2Attention
    let layerNorm2: LayerNorm
    let mlp: Siglip2MLP

    init(_ w: Weights, config: Siglip2VisionConfig) throws {
        layerNorm1 = try LayerNorm(w.scoped("layer_norm1"), dim: config.hiddenSize, eps: config.layerNormEps)
        selfAttn = try Siglip2Attention(w.scoped("self_attn"), config: config)
        layerNorm2 = try LayerNorm(w.scoped("layer_norm2"), dim: config.hiddenSize, eps: config.layerNormEps)
        mlp = try Siglip2MLP(w.scoped("mlp"), config: config)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let h = try x + selfAttn(layerNorm1(x))
        return try h + mlp(layerNorm2(h))
    }
}

struct Siglip2Attention {
    let qProj: Linear
    let kProj: Linear
    let vProj: Linear
    let outProj: Linear
    let heads: Int

    init(_ w: Weights, config: Siglip2VisionConfig) throws {
        let d = config.hiddenSize
        qProj = try Linear(w.scoped("q_proj"), inFeatures: d, outFeatures: d)
        kProj = try Linear(w.scoped("k_proj"), inFeatures: d, outFeatures: d)
        vProj = try Linear(w.scoped("v_proj"), inFeatures: d, outFeatures: d)
        outProj = try Linear(w.scoped("out_proj"), inFeatures: d, outFeatures: d)
        heads = config.numAttentionHeads
    }

    /// `x`: (B, S, D). Every token of one image attends to all of them (no padding: one image per call).
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let (b, s, d) = (x.size(0), x.size(1), x.size(2))
        func split(_ t: Tensor) throws -> Tensor { try t.reshape([b, s, heads, d / heads]).transpose(1, 2) }
        let out = try Tensor.attention(query: split(qProj(x)), key: split(kProj(x)), value: split(vProj(x)))
        return try outProj(out.transpose(1, 2).reshape([b, s, d]))
    }
}

struct Siglip2MLP {
    let fc1: Linear
    let fc2: Linear
    let approximate: Tensor.GELUApproximation

    init(_ w: Weights, config: Siglip2VisionConfig) throws {
        fc1 = try Linear(w.scoped("fc1"), inFeatures: config.hiddenSize, outFeatures: config.intermediateSize)
        fc2 = try Linear(w.scoped("fc2"), inFeatures: config.intermediateSize, outFeatures: config.hiddenSize)
        approximate = config.hiddenAct == "gelu" ? .none : .tanh
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor { try fc2(fc1(x).gelu(approximate: approximate)) }
}
