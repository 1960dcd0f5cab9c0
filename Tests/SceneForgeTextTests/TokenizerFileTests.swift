import Foundation
import Testing
@testable import SceneForgeText

/// Loading variants and malformed tokenizer.json files.
struct TokenizerFileTests {
    /// Writes a changed copy of the fixture tokenizer.json into a scratch folder and returns its URL.
    static func variant(_ change: (inout [String: Any]) -> Void) throws -> URL {
        let source = Fixtures.tokenizerFolder.appendingPathComponent("tokenizer.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: source)) as? [String: Any])
        change(&json)
        let url = try Fixtures.scratchFolder().appendingPathComponent("tokenizer.json")
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        return url
    }

    static func model(_ json: [String: Any]) -> [String: Any] { json["model"] as? [String: Any] ?? [:] }

    @Test func oldStyleStringMergesGiveTheSameIDs() throws {
        let url = try Self.variant { json in
            var model = Self.model(json)
            model["merges"] = (model["merges"] as? [[String]] ?? []).map { $0.joined(separator: " ") }
            json["model"] = model
        }
        let tokenizer = try BPETokenizer(tokenizerJSON: url, tokenizerConfig: nil)
        for item in try EncodeCase.load() { #expect(tokenizer.encode(item.text) == item.ids) }
        #expect(tokenizer.padTokenID == nil)  // no tokenizer_config.json, no padding section
        #expect(throws: TextError.missingPadToken) { _ = try tokenizer.encodeBatch(["a", "abc"], maxLength: 8, padding: .longest, truncation: true) }
    }

    @Test func publicLookups() throws {
        let tokenizer = try Fixtures.tokenizer.get()
        #expect(tokenizer.id(of: "<|im_start|>") != nil)
        #expect(tokenizer.id(of: "Ġ") != nil)
        #expect(tokenizer.vocabularySize == (tokenizer.id(of: "</think>") ?? 0) + 1)
        #expect(tokenizer.chatTemplate?.contains("enable_thinking") == true)
        let ids = tokenizer.encode("<|im_start|>user\n优惠券<|im_end|>")
        #expect(tokenizer.decode(ids, skipSpecialTokens: true) == "user\n优惠券")
    }

    @Test func missingFileNamesThePath() {
        let url = URL(fileURLWithPath: "/nonexistent/tokenizer.json")
        #expect { _ = try BPETokenizer(tokenizerJSON: url, tokenizerConfig: nil) } throws: { error in
            "\(error)".hasPrefix("/nonexistent/tokenizer.json: cannot read file")
        }
    }

    @Test func invalidJSONIsReported() throws {
        let url = try Fixtures.scratchFolder().appendingPathComponent("tokenizer.json")
        try Data("{\"model\": ".utf8).write(to: url)
        #expect { _ = try BPETokenizer(tokenizerJSON: url, tokenizerConfig: nil) } throws: { error in
            "\(error)".contains("tokenizer.json: not valid JSON")
        }
    }

    @Test func unsupportedModelTypeIsNamed() throws {
        let url = try Self.variant { json in
            var model = Self.model(json)
            model["type"] = "WordPiece"
            json["model"] = model
        }
        #expect(throws: TextError.unsupportedComponent(file: url.path, component: "model type \"WordPiece\" (only BPE)")) {
            _ = try BPETokenizer(tokenizerJSON: url, tokenizerConfig: nil)
        }
    }

    @Test func mergeWithUnknownTokenIsNamed() throws {
        let url = try Self.variant { json in
            var model = Self.model(json)
            model["merges"] = [["Ġ", "nope-not-a-token"]]
            json["model"] = model
        }
        #expect(throws: TextError.invalidTokenizerFile(file: url.path, problem: "model.merges[0] uses a token missing from model.vocab: \"Ġ nope-not-a-token\"")) {
            _ = try BPETokenizer(tokenizerJSON: url, tokenizerConfig: nil)
        }
    }

    @Test func malformedMergeIsNamed() throws {
        let url = try Self.variant { json in
            var model = Self.model(json)
            model["merges"] = ["a b c"]
            json["model"] = model
        }
        #expect(throws: TextError.invalidTokenizerFile(file: url.path, problem: "model.merges[0] \"a b c\" is not two tokens separated by one space")) {
            _ = try BPETokenizer(tokenizerJSON: url, tokenizerConfig: nil)
        }
    }

    @Test func otherSplitRegexIsRejected() throws {
        let url = try Self.variant { json in
            json["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [
                ["type": "Split", "pattern": ["Regex": "\\s+"], "behavior": "Isolated", "invert": false],
                ["type": "ByteLevel", "add_prefix_space": false, "use_regex": false, "trim_offsets": true],
            ]]
        }
        #expect { _ = try BPETokenizer(tokenizerJSON: url, tokenizerConfig: nil) } throws: { error in
            "\(error)".contains("unsupported Split pattern at pre_tokenizer.pretokenizers[0]")
        }
    }

    @Test func missingVocabIsNamed() throws {
        let url = try Self.variant { json in
            var model = Self.model(json)
            model.removeValue(forKey: "vocab")
            json["model"] = model
        }
        #expect(throws: TextError.invalidTokenizerFile(file: url.path, problem: "model.vocab is missing or not an object")) {
            _ = try BPETokenizer(tokenizerJSON: url, tokenizerConfig: nil)
        }
    }
}
