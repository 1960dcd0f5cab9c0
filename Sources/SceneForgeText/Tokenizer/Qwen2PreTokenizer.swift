/// A hand-written scanner equal to the Qwen2 pre-tokenizer regex
///
///     (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
///
/// applied with `Split(behavior: isolated)`: every match becomes one piece. Every scalar
/// falls in one alternative, so the pieces cover the input. Alternatives are tried in
/// order, as the regex engine (Oniguruma, leftmost-first) does.
enum Qwen2PreTokenizer {
    /// The pattern string as it appears in tokenizer.json.
    static let pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// Splits `scalars` into the ranges the regex would match.
    static func split(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        let classes = scalars.map(CharClass.init)
        var pieces: [Range<Int>] = []
        var start = 0
        while start < scalars.count {
            let end = matchEnd(scalars, classes, at: start)
            pieces.append(start..<end)
            start = end
        }
        return pieces
    }

    private static func matchEnd(_ s: [Unicode.Scalar], _ c: [CharClass], at i: Int) -> Int {
        let n = s.count
        if let end = contraction(s, at: i) { return end }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if c[i] == .letter { return run(c, from: i + 1, while: .letter) }
        if c[i] != .newline, c[i] != .number, i + 1 < n, c[i + 1] == .letter {
            return run(c, from: i + 2, while: .letter)
        }
        // \p{N}
        if c[i] == .number { return i + 1 }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        var p = i
        if s[i] == " ", i + 1 < n, c[i + 1] == .other { p = i + 1 }
        if c[p] == .other {
            let end = run(c, from: p + 1, while: .other)
            return run(c, from: end, while: .newline)
        }
        // Whitespace alternatives: the scalar at i is whitespace (or a newline) here.
        let spaceEnd = runOfWhitespace(c, from: i)
        // \s*[\r\n]+ : up to and including the last newline of the whitespace run.
        if let lastNewline = (i..<spaceEnd).last(where: { c[$0] == .newline }) { return lastNewline + 1 }
        // \s+(?!\S) : the whole run at the end of input, else the run minus its last scalar.
        if spaceEnd == n { return spaceEnd }
        if spaceEnd - i > 1 { return spaceEnd - 1 }
        // \s+
        return spaceEnd
    }

    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)`, case-insensitive as Oniguruma folds it (ſ folds to s).
    private static func contraction(_ s: [Unicode.Scalar], at i: Int) -> Int? {
        guard s[i] == "'", i + 1 < s.count else { return nil }
        let first = folded(s[i + 1])
        if first == "s" || first == "t" || first == "m" || first == "d" { return i + 2 }
        guard i + 2 < s.count else { return nil }
        let second = folded(s[i + 2])
        if (first == "r" && second == "e") || (first == "v" && second == "e") || (first == "l" && second == "l") {
            return i + 3
        }
        return nil
    }

    private static func folded(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x41...0x5A: return Unicode.Scalar(scalar.value + 0x20) ?? scalar
        case 0x17F: return "s"  // LATIN SMALL LETTER LONG S case-folds to s
        default: return scalar
        }
    }

    private static func run(_ c: [CharClass], from start: Int, while kind: CharClass) -> Int {
        var end = start
        while end < c.count, c[end] == kind { end += 1 }
        return end
    }

    private static func runOfWhitespace(_ c: [CharClass], from start: Int) -> Int {
        var end = start
        while end < c.count, c[end] == .space || c[end] == .newline { end += 1 }
        return end
    }
}

/// The character classes the Qwen2 pattern distinguishes.
enum CharClass: UInt8 {
    case letter, number, newline, space, other

    init(_ scalar: Unicode.Scalar) {
        let v = scalar.value
        if v < 0x80 {
            // ASCII fast path.
            switch v {
            case 0x41...0x5A, 0x61...0x7A: self = .letter
            case 0x30...0x39: self = .number
            case 0x0A, 0x0D: self = .newline
            case 0x09, 0x0B, 0x0C, 0x20: self = .space
            default: self = .other
            }
            return
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            self = .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            self = .number
        default:
            self = scalar.properties.isWhitespace ? .space : .other
        }
    }
}
