import Foundation
import Testing
@testable import SceneForgeText

/// Parity with Hugging Face `tokenizers` on the strings of encode_cases.json.
struct TokenizerParityTests {
    @Test func fixtureHasEnoughCases() throws {
        #expect(try EncodeCase.load().count >= 500)
    }

    @Test func encodeMatchesHuggingFace() throws {
        let tokenizer = try Fixtures.tokenizer.get()
        var failures: [String] = []
        for item in try EncodeCase.load() {
            let ids = tokenizer.encode(item.text)
            if ids != item.ids { failures.append("\(item.text.debugDescription): got \(ids), want \(item.ids)") }
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches:\n\(failures.prefix(15).joined(separator: "\n"))")
    }

    @Test func decodeMatchesHuggingFace() throws {
        let tokenizer = try Fixtures.tokenizer.get()
        var failures: [String] = []
        for item in try EncodeCase.load() {
            // Swift's String == ignores canonical equivalence differences; compare scalars.
            let plain = tokenizer.decode(item.ids)
            let skipped = tokenizer.decode(item.ids, skipSpecialTokens: true)
            if !plain.unicodeScalars.elementsEqual(item.decoded.unicodeScalars) {
                failures.append("decode \(item.text.debugDescription): got \(plain.debugDescription)")
            }
            if !skipped.unicodeScalars.elementsEqual(item.decodedSkipSpecial.unicodeScalars) {
                failures.append("decode(skip) \(item.text.debugDescription): got \(skipped.debugDescription)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches:\n\(failures.prefix(15).joined(separator: "\n"))")
    }
}
