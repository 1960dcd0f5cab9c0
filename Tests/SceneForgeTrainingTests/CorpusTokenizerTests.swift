import Foundation
import SceneForgeText
import Testing
@testable import SceneForgeTraining

/// The committed corpus vocabulary (scripts/reference/make_small_tokenizer.py) reads in SceneForge's
/// tokenizer with the same ids as transformers' Qwen2Tokenizer gives (Tests/Fixtures/training).
struct CorpusTokenizerTests {
    struct Cases: Decodable {
        struct Case: Decodable { let text: String; let ids: [Int] }
        let vocab_size: Int
        let cases: [Case]
    }

    @Test func idsMatchTransformers() throws {
        var url = URL(fileURLWithPath: #filePath)
        while url.lastPathComponent != "Tests" { url.deleteLastPathComponent() }
        let data = try Data(contentsOf: url.appendingPathComponent("Fixtures/training/tokenizer_cases.json"))
        let expected = try JSONDecoder().decode(Cases.self, from: data)
        let tokenizer = try BPETokenizer(folder: SmallModel.corpusTokenizerFolder())
        #expect(tokenizer.vocabularySize == expected.vocab_size)
        for c in expected.cases {
            #expect(tokenizer.encode(c.text) == c.ids, "\(c.text)")
        }
        // The corpus vocabulary is compact on the training prompts: far fewer tokens than UTF-8 bytes.
        let prompt = expected.cases[0].text
        #expect(tokenizer.encode(prompt).count * 4 < prompt.utf8.count)
    }
}
