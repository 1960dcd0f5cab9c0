import Foundation
import Testing
@testable import SceneForgeText

/// The text side of diffusers' ZImagePipeline._encode_prompt against transformers, call for call.
struct ZImagePromptTests {
    struct Reference {
        let prompts: [String]
        let templated: [String]
        let padTokenID: Int
        let batches: [(maxLength: Int, batch: EncodedBatch)]
        let longest: EncodedBatch
        let left: EncodedBatch

        static func batch(_ json: Any?) throws -> EncodedBatch {
            let object = try #require(json as? [String: Any])
            return EncodedBatch(ids: try #require(object["input_ids"] as? [[Int]]),
                                attentionMask: try #require(object["attention_mask"] as? [[Int]]))
        }

        static func load() throws -> Reference {
            let root = try #require(try Fixtures.json("zimage_prompt_cases.json") as? [String: Any])
            let batches = try #require(root["max_length_batches"] as? [[String: Any]]).map { entry in
                (maxLength: try #require(entry["max_length"] as? Int), batch: try batch(entry))
            }
            return Reference(prompts: try #require(root["prompts"] as? [String]),
                             templated: try #require(root["templated"] as? [String]),
                             padTokenID: try #require(root["pad_token_id"] as? Int),
                             batches: batches, longest: try batch(root["longest_max40"]), left: try batch(root["left_max24"]))
        }
    }

    @Test func templatedPromptsMatchTransformers() throws {
        let tokenizer = try Fixtures.tokenizer.get()
        let reference = try Reference.load()
        for (prompt, expected) in zip(reference.prompts, reference.templated) {
            let text = try tokenizer.applyChatTemplate(messages: [["role": "user", "content": prompt]], addGenerationPrompt: true,
                                                       extra: ["enable_thinking": true])
            #expect(Array(text.utf8) == Array(expected.utf8))
        }
    }

    @Test func maxLengthPaddingAndTruncationMatchTransformers() throws {
        let tokenizer = try Fixtures.tokenizer.get()
        let reference = try Reference.load()
        #expect(tokenizer.padTokenID == reference.padTokenID)
        for (maxLength, expected) in reference.batches {
            #expect(try tokenizer.encodeZImagePrompts(reference.prompts, maxLength: maxLength) == expected)
            #expect(try tokenizer.encodeBatch(reference.templated, maxLength: maxLength, padding: .maxLength, truncation: true) == expected)
        }
        #expect(try tokenizer.encodeBatch(reference.templated, maxLength: 40, padding: .longest, truncation: true) == reference.longest)
    }

    @Test func leftPaddingAndTruncationFromConfig() throws {
        let folder = try Fixtures.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let configURL = Fixtures.tokenizerFolder.appendingPathComponent("tokenizer_config.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any])
        config["padding_side"] = "left"
        config["truncation_side"] = "left"
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("tokenizer_config.json"))
        try FileManager.default.copyItem(at: Fixtures.tokenizerFolder.appendingPathComponent("tokenizer.json"),
                                         to: folder.appendingPathComponent("tokenizer.json"))
        let tokenizer = try BPETokenizer(folder: folder)
        let reference = try Reference.load()
        #expect(try tokenizer.encodeBatch(reference.templated, maxLength: 24, padding: .maxLength, truncation: true) == reference.left)
    }
}
