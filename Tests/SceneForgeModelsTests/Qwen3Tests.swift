import Foundation
import SafeTensors
import SceneForgeTorch
import Testing
@testable import SceneForgeModels

/// Parity with transformers' Qwen3Model on the tiny text encoder (Tests/Fixtures/zimage/pipeline/text_encoder,
/// bf16 weights; references in float32 from scripts/reference/make_zimage_fixtures.py): two prompts, the
/// second right-padded by one token.
@Suite("Qwen3TextEncoder")
struct Qwen3Tests {
    static let folder = Fixtures.url("zimage/pipeline/text_encoder")
    typealias P = ComponentParity

    func loadTiny() throws -> Qwen3TextEncoder { try Qwen3TextEncoder.load(folder: Self.folder, dtype: .float32) }

    /// The fixture's token ids and attention mask (stored as float32) as integer tensors.
    func inputs(_ cases: P.Cases) throws -> (ids: Tensor, mask: Tensor) {
        (try cases("input_ids").to(.int64), try cases("attention_mask").to(.int64))
    }

    // MARK: - Configuration

    @Test func readsTheFixtureConfig() throws {
        let config = try Qwen3Config.load(contentsOf: Self.folder.appendingPathComponent("config.json"))
        var expected = Qwen3Config()
        expected.vocabSize = 400
        expected.hiddenSize = 32
        expected.intermediateSize = 64
        expected.numHiddenLayers = 3
        expected.numAttentionHeads = 4
        expected.numKeyValueHeads = 2
        expected.headDim = 8
        expected.rmsNormEps = 1e-6
        expected.ropeTheta = 1_000_000   // from rope_parameters.rope_theta (transformers 5)
        #expect(config == expected)
    }

    @Test(arguments: [
        (#"{"num_attention_heads": 6, "num_key_value_heads": 4}"#, "num_key_value_heads"),
        (#"{"hidden_act": "gelu"}"#, "hidden_act"),
        (#"{"use_sliding_window": true}"#, "use_sliding_window"),
        (#"{"rope_parameters": {"rope_theta": 10000, "rope_type": "yarn"}}"#, "rope_parameters.rope_type"),
        (#"{"rope_scaling": {"type": "linear", "factor": 2}}"#, "rope_scaling.rope_type"),
        (#"{"num_hidden_layers": 2, "layer_types": ["full_attention", "sliding_attention"]}"#, "layer_types"),
        (#"{"head_dim": 7}"#, "head_dim"),
        (#"{"hidden_size": "large"}"#, "hidden_size"),
        (#"{"vocab_size": 0}"#, "vocab_size"),
    ])
    func refusesBadConfigsNamingTheField(json: String, field: String) throws {
        let message = P.message { _ = try ModelConfigFile.decode(Qwen3Config.self, from: Data(json.utf8), file: "text_encoder/config.json") }
        let text = try #require(message)
        #expect(text.contains("text_encoder/config.json"), "\(text)")
        if !field.isEmpty { #expect(text.contains("'\(field)'"), "\(text)") }
    }

    // MARK: - Parity

    /// Every hidden state transformers returns with output_hidden_states=True (batch of 2 with padding).
    @Test func everyHiddenStateMatchesTransformers() throws {
        let cases = try P.Cases("zimage/text_encoder/cases.safetensors")
        let (ids, mask) = try inputs(cases)
        let states = try loadTiny().allHiddenStates(inputIDs: ids, attentionMask: mask)
        #expect(states.count == 4)
        for (i, state) in states.enumerated() {
            try P.expectClose(state, cases("hidden_states.\(i)"), "hidden_states.\(i)")
        }
    }

    @Test func zImageHiddenStateAndLastHiddenStateMatchTransformers() throws {
        let cases = try P.Cases("zimage/text_encoder/cases.safetensors")
        let (ids, mask) = try inputs(cases)
        let encoder = try loadTiny()
        #expect(encoder.zImageLayerCount == 2)
        try P.expectClose(encoder.hiddenStates(inputIDs: ids, attentionMask: mask), cases("hidden_states_minus2"), "hidden_states[-2]")
        try P.expectClose(encoder.lastHiddenState(inputIDs: ids, attentionMask: mask), cases("last_hidden_state"), "last_hidden_state")
        // A boolean mask (what the pipeline passes) works the same.
        try P.expectClose(encoder.hiddenStates(inputIDs: ids, attentionMask: mask.ne(0)), cases("hidden_states_minus2"), "bool mask")
        for layers in 0...3 {
            let state = try encoder.hiddenStates(inputIDs: ids, attentionMask: mask, upToLayer: layers)
            // hidden_states[3] is final-normed in transformers; upToLayer 3 gives the raw output.
            if layers < 3 { try P.expectClose(state, cases("hidden_states.\(layers)"), "upToLayer \(layers)") }
        }
    }

    /// Right padding under a causal mask: each prompt alone, unpadded, gives its valid rows unchanged.
    @Test func aPromptAloneMatchesItsRowsInThePaddedBatch() throws {
        let cases = try P.Cases("zimage/text_encoder/cases.safetensors")
        let (ids, _) = try inputs(cases)
        let reference = try cases("hidden_states_minus2")
        let encoder = try loadTiny()
        for (row, length) in [(0, 27), (1, 26)] {
            let alone = try encoder.hiddenStates(inputIDs: ids.narrow(dim: 0, start: row, length: 1).narrow(dim: 1, start: 0, length: length))
            try P.expectClose(alone, reference.narrow(dim: 0, start: row, length: 1).narrow(dim: 1, start: 0, length: length),
                              "prompt \(row) alone")
        }
    }

    /// Left padding leaves a query with no key: its row must not turn into NaN that poisons the others.
    @Test func leftPaddingKeepsValidRowsFinite() throws {
        let cases = try P.Cases("zimage/text_encoder/cases.safetensors")
        let (ids, _) = try inputs(cases)
        let prompt = try ids.narrow(dim: 0, start: 0, length: 1)
        let padded = try Tensor.cat([Tensor.zeros([1, 2], dtype: .int64), prompt], dim: 1)
        let mask = try Tensor.cat([Tensor.zeros([1, 2], dtype: .int64), Tensor.ones([1, 27], dtype: .int64)], dim: 1)
        let states = try loadTiny().hiddenStates(inputIDs: padded, attentionMask: mask)
        #expect(try states.isFinite().logicalNot().sum().item() == 0)
    }

    @Test func refusesBadInputs() throws {
        let encoder = try loadTiny()
        let ids = try Tensor([Int64(1), 2, 3], shape: [1, 3])
        let layer = P.message { _ = try encoder.hiddenStates(inputIDs: ids, upToLayer: 4) }
        #expect(layer?.contains("upToLayer 4") == true, "\(layer ?? "no error")")
        let vocabulary = P.message { _ = try encoder.hiddenStates(inputIDs: Tensor([Int64(1), 400], shape: [1, 2])) }
        #expect(vocabulary?.contains("0..<400") == true, "\(vocabulary ?? "no error")")
        let floats = P.message { _ = try encoder.hiddenStates(inputIDs: Tensor([Float(1), 2], shape: [1, 2])) }
        #expect(floats?.contains("integers") == true, "\(floats ?? "no error")")
        let rank = P.message { _ = try encoder.hiddenStates(inputIDs: Tensor([Int64(1), 2])) }
        #expect(rank?.contains("[batch, length]") == true, "\(rank ?? "no error")")
        let mask = P.message { _ = try encoder.hiddenStates(inputIDs: ids, attentionMask: Tensor.ones([1, 4], dtype: .int64)) }
        #expect(mask?.contains("attentionMask") == true, "\(mask ?? "no error")")
    }

    // MARK: - Loading

    /// A Qwen3ForCausalLM checkpoint (keys under `model.`, with `lm_head.weight`) loads to the same encoder.
    @Test func loadsACausalLMCheckpoint() throws {
        let folder = try P.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("config.json"), to: folder.appendingPathComponent("config.json"))
        try P.rewrite(SafeTensorsCheckpoint(url: Self.folder), to: folder.appendingPathComponent("model.safetensors"),
                      rename: { "model." + $0 }, extra: ["lm_head.weight": [400, 32]])
        let cases = try P.Cases("zimage/text_encoder/cases.safetensors")
        let (ids, mask) = try inputs(cases)
        let state = try Qwen3TextEncoder.load(folder: folder).hiddenStates(inputIDs: ids, attentionMask: mask)
        try P.expectClose(state, cases("hidden_states_minus2"), "model.-prefixed checkpoint")
    }

    @Test func reportsMissingUnexpectedAndMisshapenKeysByName() throws {
        let checkpoint = try SafeTensorsCheckpoint(url: Self.folder)
        func loadError(rename: @escaping (String) -> String?, extra: [String: [Int]] = [:]) throws -> String? {
            let folder = try P.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("config.json"), to: folder.appendingPathComponent("config.json"))
            try P.rewrite(checkpoint, to: folder.appendingPathComponent("model.safetensors"), rename: rename, extra: extra)
            return P.message { _ = try Qwen3TextEncoder.load(folder: folder) }
        }
        let missing = try #require(try loadError(rename: { $0 == "layers.1.self_attn.k_norm.weight" ? nil : $0 }))
        #expect(missing.contains("missing key 'layers.1.self_attn.k_norm.weight'"), "\(missing)")

        // lm_head.weight is only tolerated beside `model.`-prefixed keys; in a bare Qwen3Model checkpoint it is unexpected.
        let unexpected = try #require(try loadError(rename: { $0 }, extra: ["layers.3.mlp.up_proj.weight": [64, 32], "lm_head.weight": [400, 32]]))
        #expect(unexpected.contains("2 unexpected") && unexpected.contains("'layers.3.mlp.up_proj.weight'")
                && unexpected.contains("'lm_head.weight'"), "\(unexpected)")

        let prefixedUnexpected = try #require(try loadError(rename: { "model." + $0 }, extra: ["model.rotary_emb.inv_freq": [4]]))
        #expect(prefixedUnexpected.contains("'model.rotary_emb.inv_freq'"), "\(prefixedUnexpected)")

        let misshapen = try #require(try loadError(rename: { $0 == "layers.0.self_attn.k_proj.weight" ? nil : $0 },
                                                   extra: ["layers.0.self_attn.k_proj.weight": [32, 32]]))
        #expect(misshapen.contains("'layers.0.self_attn.k_proj.weight' has shape [32, 32], the model expects [16, 32]"), "\(misshapen)")
    }

    // MARK: - Full size

    /// Qwen3-4B instantiated on the meta device has exactly transformers' Qwen3Model parameter names and shapes.
    @Test func fullSizeParametersMatchTransformers() throws {
        let (expected, configData) = try P.fullSize("text_encoder")
        let config = try ModelConfigFile.decode(Qwen3Config.self, from: configData, file: "full_size_keys.json text_encoder.config")
        #expect(config == Qwen3Config.qwen3_4B)
        let weights = try Weights(source: .meta)
        let encoder = try Qwen3TextEncoder(config: config, weights: weights)
        #expect(encoder.zImageLayerCount == 35)
        let actual = Dictionary(uniqueKeysWithValues: weights.parameters.map { ($0.name, $0.tensor.shape) })
        #expect(actual.count == expected.count)
        #expect(Set(actual.keys).subtracting(expected.keys).sorted() == [], "names transformers does not have")
        #expect(Set(expected.keys).subtracting(actual.keys).sorted() == [], "names the model lacks")
        #expect(actual.filter { expected[$0.key] != $0.value }.keys.sorted() == [], "shapes that differ")
        #expect(actual.values.reduce(0) { $0 + $1.reduce(1, *) } == 4_022_468_096)
    }
}
