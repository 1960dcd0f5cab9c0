/// One entry of tokenizer.json's `added_tokens`.
struct AddedToken: Sendable {
    let id: Int
    let content: String
    let special: Bool
    let lstrip: Bool
    let rstrip: Bool
    let singleWord: Bool
    /// When false the token is matched on the raw text, before normalization.
    let normalized: Bool

    init(json: JSONFields) throws {
        id = try json.int("id")
        content = try json.string("content")
        guard !content.isEmpty else { throw json.fail("content", "is empty") }
        special = try json.bool("special", default: false)
        lstrip = try json.bool("lstrip", default: false)
        rstrip = try json.bool("rstrip", default: false)
        singleWord = try json.bool("single_word", default: false)
        normalized = try json.bool("normalized", default: !special)
    }
}

/// A piece of input after added tokens are cut out of it.
enum Segment {
    case text([Unicode.Scalar])
    case token(Int)
}

/// Finds added tokens in text the way tokenizers' AddedVocabulary does:
/// leftmost-longest matches, honouring single_word, lstrip and rstrip.
struct AddedTokenMatcher: Sendable {
    private struct Candidate: Sendable { let scalars: [Unicode.Scalar]; let token: AddedToken }
    /// First scalar -> candidates, longest first.
    private let byFirstScalar: [UInt32: [Candidate]]

    init(_ tokens: [AddedToken]) {
        var table: [UInt32: [Candidate]] = [:]
        for token in tokens {
            let scalars = Array(token.content.unicodeScalars)
            guard let first = scalars.first else { continue }
            table[first.value, default: []].append(Candidate(scalars: scalars, token: token))
        }
        byFirstScalar = table.mapValues { $0.sorted { $0.scalars.count > $1.scalars.count } }
    }

    var isEmpty: Bool { byFirstScalar.isEmpty }

    func split(_ text: [Unicode.Scalar]) -> [Segment] {
        if isEmpty { return text.isEmpty ? [] : [.text(text)] }
        var segments: [Segment] = []
        var textStart = 0  // start of the text not yet emitted
        var position = 0
        while position < text.count {
            guard let candidate = longestMatch(in: text, at: position) else { position += 1; continue }
            var start = position
            var stop = position + candidate.scalars.count
            let token = candidate.token
            if token.singleWord, !isWordBoundary(text, start: start, stop: stop) {
                position = stop
                continue
            }
            if token.lstrip {
                while start > textStart, text[start - 1].properties.isWhitespace { start -= 1 }
            }
            if token.rstrip {
                while stop < text.count, text[stop].properties.isWhitespace { stop += 1 }
            }
            if textStart < start { segments.append(.text(Array(text[textStart..<start]))) }
            segments.append(.token(token.id))
            textStart = stop
            position = stop
        }
        if textStart < text.count { segments.append(.text(Array(text[textStart...]))) }
        return segments
    }

    private func longestMatch(in text: [Unicode.Scalar], at position: Int) -> Candidate? {
        guard let candidates = byFirstScalar[text[position].value] else { return nil }
        for candidate in candidates where position + candidate.scalars.count <= text.count {
            if text[position..<(position + candidate.scalars.count)].elementsEqual(candidate.scalars) { return candidate }
        }
        return nil
    }

    /// single_word: no word character touches the match on either side.
    private func isWordBoundary(_ text: [Unicode.Scalar], start: Int, stop: Int) -> Bool {
        func isWord(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }
        let before = start == 0 || !isWord(text[start - 1])
        let after = stop == text.count || !isWord(text[stop])
        return before && after
    }
}
