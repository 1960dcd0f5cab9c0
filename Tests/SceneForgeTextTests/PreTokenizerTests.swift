import Foundation
import Testing
@testable import SceneForgeText

/// The hand-written scanner against tokenizers' regex Split (Oniguruma), piece by piece.
struct PreTokenizerTests {
    @Test func scannerSplitsLikeTheQwen2Regex() throws {
        var failures: [String] = []
        for item in try EncodeCase.load() {
            let scalars = Array(item.text.unicodeScalars)
            let pieces = Qwen2PreTokenizer.split(scalars).map { range in
                ByteLevelAlphabet.encode(String(String.UnicodeScalarView(scalars[range])).utf8)
            }
            if pieces != item.pieces { failures.append("\(item.text.debugDescription): got \(pieces), want \(item.pieces)") }
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches:\n\(failures.prefix(10).joined(separator: "\n"))")
    }

    @Test func piecesCoverTheInput() {
        let scalars = Array("It's 12 apples,\r\n\n  美团  ok  ".unicodeScalars)
        let ranges = Qwen2PreTokenizer.split(scalars)
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == scalars.count)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
    }

    @Test func byteAlphabetRoundTrips() {
        let bytes = (0...255).map(UInt8.init)
        #expect(ByteLevelAlphabet.decode(ByteLevelAlphabet.encode(bytes)) == bytes)
        #expect(ByteLevelAlphabet.encode([0x20]) == "Ġ")
    }
}
