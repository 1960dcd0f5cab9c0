import Foundation
import Testing
@testable import SceneForgeText

/// Added-token options (lstrip, rstrip, single_word, normalized) against tokenizers, using the
/// fixture tokenizer with the tokens of added_token_cases.json appended, as `add_tokens` does.
struct AddedTokenTests {
    @Test func optionsMatchHuggingFace() throws {
        let root = try #require(try Fixtures.json("added_token_cases.json") as? [String: Any])
        let extra = try #require(root["added_tokens"] as? [[String: Any]])
        let url = try TokenizerFileTests.variant { json in
            json["added_tokens"] = (json["added_tokens"] as? [Any] ?? []) + extra
        }
        let tokenizer = try BPETokenizer(tokenizerJSON: url, tokenizerConfig: nil)
        let cases = try #require(root["cases"] as? [[String: Any]])
        #expect(cases.count >= 10)
        for entry in cases {
            let text = try #require(entry["text"] as? String)
            let ids = tokenizer.encode(text)
            #expect(ids == (entry["ids"] as? [Int]), "\(text.debugDescription)")
            let skipped = tokenizer.decode(ids, skipSpecialTokens: true)
            #expect(Array(skipped.unicodeScalars) == Array(((entry["decoded_skip_special"] as? String) ?? "").unicodeScalars),
                    "\(text.debugDescription): \(skipped.debugDescription)")
        }
    }
}
