import Foundation
import SceneForgeModels

/// The config.json files of the diffusers folder layout, with the keys diffusers/transformers write,
/// so the exported small model loads in SceneForge and in the reference Python libraries alike.
enum DiffusersConfigs {
    static let diffusersVersion = "0.42.1"

    static func modelIndex() -> [String: Any] {
        [
            "_class_name": "ZImagePipeline", "_diffusers_version": diffusersVersion,
            "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
            "text_encoder": ["transformers", "Qwen3Model"],
            "tokenizer": ["transformers", "Qwen2Tokenizer"],
            "transformer": ["diffusers", "ZImageTransformer2DModel"],
            "vae": ["diffusers", "AutoencoderKL"],
        ]
    }

    static func vae(_ c: AutoencoderKLConfig, scalingFactor: Double, shiftFactor: Double) -> [String: Any] {
        [
            "_class_name": "AutoencoderKL", "_diffusers_version": diffusersVersion,
            "in_channels": c.inChannels, "out_channels": c.outChannels,
            "down_block_types": Array(repeating: "DownEncoderBlock2D", count: c.blockOutChannels.count),
            "up_block_types": Array(repeating: "UpDecoderBlock2D", count: c.blockOutChannels.count),
            "block_out_channels": c.blockOutChannels, "layers_per_block": c.layersPerBlock, "act_fn": "silu",
            "latent_channels": c.latentChannels, "norm_num_groups": c.normNumGroups, "sample_size": c.sampleSize,
            "scaling_factor": scalingFactor, "shift_factor": shiftFactor,
            "use_quant_conv": c.useQuantConv, "use_post_quant_conv": c.usePostQuantConv,
            "mid_block_add_attention": c.midBlockAddAttention, "force_upcast": true,
        ]
    }

    static func textEncoder(_ c: Qwen3Config, dtype: String) -> [String: Any] {
        [
            "architectures": ["Qwen3Model"], "model_type": "qwen3", "dtype": dtype,
            "vocab_size": c.vocabSize, "hidden_size": c.hiddenSize, "intermediate_size": c.intermediateSize,
            "num_hidden_layers": c.numHiddenLayers, "num_attention_heads": c.numAttentionHeads,
            "num_key_value_heads": c.numKeyValueHeads, "head_dim": c.headDim, "hidden_act": "silu",
            "max_position_embeddings": 1024, "rms_norm_eps": c.rmsNormEps,
            "rope_parameters": ["rope_theta": c.ropeTheta, "rope_type": "default"],
            "attention_bias": c.attentionBias, "use_sliding_window": false, "tie_word_embeddings": false,
            "layer_types": Array(repeating: "full_attention", count: c.numHiddenLayers),
        ]
    }

    /// `sample_size` is not one of ZImageTransformer2DModel's arguments: diffusers loads the folder and ignores it
    /// with a notice. SceneForge reads it as diffusers' DiT pipelines read theirs (the default latent size).
    static func transformer(_ c: ZImageTransformerConfig) -> [String: Any] {
        var config: [String: Any] = [
            "_class_name": "ZImageTransformer2DModel", "_diffusers_version": diffusersVersion,
            "all_patch_size": c.allPatchSize, "all_f_patch_size": c.allFPatchSize, "in_channels": c.inChannels,
            "dim": c.dim, "n_layers": c.nLayers, "n_refiner_layers": c.nRefinerLayers, "n_heads": c.nHeads,
            "n_kv_heads": c.nKVHeads, "norm_eps": c.normEps, "qk_norm": c.qkNorm, "cap_feat_dim": c.capFeatDim,
            "rope_theta": c.ropeTheta, "t_scale": c.tScale, "axes_dims": c.axesDims, "axes_lens": c.axesLens,
        ]
        if let size = c.sampleSize { config["sample_size"] = [size.height, size.width] }
        return config
    }

    static func controlNet(_ c: ZImageControlNetConfig) -> [String: Any] {
        [
            "_class_name": "ZImageControlNetModel", "_diffusers_version": diffusersVersion,
            "control_layers_places": c.controlLayersPlaces,
            "control_refiner_layers_places": c.controlRefinerLayersPlaces.map { $0 as Any } ?? NSNull(),
            "control_in_dim": c.controlInDim,
            "add_control_noise_refiner": c.addControlNoiseRefiner.map { $0.rawValue as Any } ?? NSNull(),
            "all_patch_size": c.allPatchSize, "all_f_patch_size": c.allFPatchSize, "dim": c.dim,
            "n_refiner_layers": c.nRefinerLayers, "n_heads": c.nHeads, "n_kv_heads": c.nKVHeads,
            "norm_eps": c.normEps, "qk_norm": c.qkNorm,
        ]
    }

    static func scheduler(shift: Double) -> [String: Any] {
        [
            "_class_name": "FlowMatchEulerDiscreteScheduler", "_diffusers_version": diffusersVersion,
            "num_train_timesteps": 1000, "shift": shift, "use_dynamic_shifting": false,
        ]
    }

    static func write(_ object: [String: Any], to url: URL) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: url)
    }
}
