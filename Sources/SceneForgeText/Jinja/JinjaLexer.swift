/// A position in the template source, 1-based, for error messages.
struct SourcePosition: Sendable {
    let line: Int
    let column: Int
}

/// One token of a template.
struct JinjaToken: Sendable {
    enum Kind: Sendable, Equatable {
        case text(String)
        case expressionOpen, expressionClose   // {{ }}
        case statementOpen, statementClose     // {% %}
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        case symbol(String)
        case end
    }
    let kind: Kind
    let position: SourcePosition
}

/// Splits template source into text and tag tokens, applying the whitespace rules
/// transformers uses for chat templates: `trim_blocks` and `lstrip_blocks` on, `-` markers,
/// newlines normalized to "\n", and one trailing newline dropped (`keep_trailing_newline` off).
struct JinjaLexer {
    private let source: [Unicode.Scalar]
    /// Offsets where each line begins, for line/column positions.
    private let lineStarts: [Int]
    private var index = 0
    private var tokens: [JinjaToken] = []
    /// Whitespace control pending for the next text token.
    private var stripNextText = false
    private var trimNextNewline = false

    init(_ text: String) {
        var normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        if normalized.hasSuffix("\n") { normalized.removeLast() }
        let scalars = Array(normalized.unicodeScalars)
        source = scalars
        lineStarts = [0] + scalars.indices.filter { scalars[$0] == "\n" }.map { $0 + 1 }
    }

    static func tokenize(_ text: String) throws -> [JinjaToken] {
        var lexer = JinjaLexer(text)
        try lexer.run()
        return lexer.tokens
    }

    private func position(_ offset: Int) -> SourcePosition {
        // The last line start at or before offset (binary search over lineStarts).
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return SourcePosition(line: low + 1, column: offset - lineStarts[low] + 1)
    }

    private func error(_ message: String, at offset: Int) -> TextError {
        let where_ = position(offset)
        return TextError.template(message: message, line: where_.line, column: where_.column)
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        index + ahead < source.count ? source[index + ahead] : nil
    }

    private mutating func run() throws {
        var textStart = 0
        while index < source.count {
            guard source[index] == "{", let next = peek(1), next == "{" || next == "%" || next == "#" else {
                index += 1
                continue
            }
            let tagStart = index
            let marker = peek(2)
            emitText(from: textStart, to: tagStart, tagKind: next, marker: marker)
            index += 2
            if marker == "-" || marker == "+" { index += 1 }
            switch next {
            case "#": try skipComment(openedAt: tagStart)
            case "{": try lexTag(open: .expressionOpen, close: "}", closeKind: .expressionClose, openedAt: tagStart)
            default: try lexTag(open: .statementOpen, close: "%", closeKind: .statementClose, openedAt: tagStart)
            }
            textStart = index
        }
        emitText(from: textStart, to: source.count, tagKind: nil, marker: nil)
        tokens.append(JinjaToken(kind: .end, position: position(source.count)))
    }

    /// Emits source[from..<to] as text, applying the whitespace rules of the tags around it.
    private mutating func emitText(from start: Int, to end: Int, tagKind: Unicode.Scalar?, marker: Unicode.Scalar?) {
        var text = Array(source[start..<end])
        if stripNextText {
            text = Array(text.drop { $0.properties.isWhitespace })
        } else if trimNextNewline, text.first == "\n" {
            text.removeFirst()
        }
        stripNextText = false
        trimNextNewline = false
        if marker == "-" {
            while let last = text.last, last.properties.isWhitespace { text.removeLast() }
        } else if (tagKind == "%" || tagKind == "#"), marker != "+" {
            // lstrip_blocks: drop spaces and tabs between the line start and a block or comment tag.
            // Decided on the source, since trim_blocks may already have removed the newline.
            let region = source[start..<end]
            let lineStart = region.lastIndex(of: "\n").map { $0 + 1 } ?? (start == 0 ? 0 : nil)
            if let lineStart, source[lineStart..<end].allSatisfy({ $0 == " " || $0 == "\t" }) {
                text.removeLast(min(end - lineStart, text.count))
            }
        }
        if !text.isEmpty {
            var string = ""
            string.unicodeScalars.append(contentsOf: text)
            tokens.append(JinjaToken(kind: .text(string), position: position(start)))
        }
    }

    private mutating func skipComment(openedAt start: Int) throws {
        while index + 1 < source.count {
            if source[index + 1] == "}", source[index] == "#" {
                let stripped = index > 0 && source[index - 1] == "-"
                index += 2
                stripNextText = stripped
                trimNextNewline = !stripped
                return
            }
            index += 1
        }
        throw error("unclosed comment {#", at: start)
    }

    private mutating func lexTag(open: JinjaToken.Kind, close: Unicode.Scalar, closeKind: JinjaToken.Kind, openedAt start: Int) throws {
        tokens.append(JinjaToken(kind: open, position: position(start)))
        while true {
            while let scalar = peek(), scalar.properties.isWhitespace { index += 1 }
            guard let scalar = peek() else {
                throw error("unclosed \(open == .expressionOpen ? "{{" : "{%")", at: start)
            }
            // Closing delimiter, optionally with "-" (strip) or "+".
            if (scalar == "-" || scalar == "+"), peek(1) == close, peek(2) == "}" {
                index += 3
                finishTag(closeKind, strip: scalar == "-")
                return
            }
            if scalar == close, peek(1) == "}" {
                index += 2
                finishTag(closeKind, strip: false)
                return
            }
            try lexExpressionToken()
        }
    }

    private mutating func finishTag(_ kind: JinjaToken.Kind, strip: Bool) {
        tokens.append(JinjaToken(kind: kind, position: position(index)))
        stripNextText = strip
        trimNextNewline = !strip && kind == .statementClose
    }

    private static let symbols = ["//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=",
                                  "(", ")", "[", "]", "{", "}", ".", ",", ":", "|"]

    private mutating func lexExpressionToken() throws {
        let start = index
        guard let scalar = peek() else { return }
        let here = position(start)
        if scalar == "'" || scalar == "\"" {
            tokens.append(JinjaToken(kind: .string(try lexString(quote: scalar)), position: here))
        } else if scalar.properties.numericType != nil, scalar.isASCII {
            tokens.append(JinjaToken(kind: lexNumber(), position: here))
        } else if scalar == "_" || (scalar.isASCII && scalar.properties.isAlphabetic) {
            var name = ""
            while let next = peek(), next == "_" || (next.isASCII && (next.properties.isAlphabetic || next.properties.numericType != nil)) {
                name.unicodeScalars.append(next)
                index += 1
            }
            tokens.append(JinjaToken(kind: .name(name), position: here))
        } else if let symbol = Self.symbols.first(where: matches) {
            index += symbol.unicodeScalars.count
            tokens.append(JinjaToken(kind: .symbol(symbol), position: here))
        } else {
            throw error("unexpected character \"\(scalar)\"", at: start)
        }
    }

    private func matches(_ symbol: String) -> Bool {
        for (offset, scalar) in symbol.unicodeScalars.enumerated() where peek(offset) != scalar { return false }
        return true
    }

    private mutating func lexNumber() -> JinjaToken.Kind {
        var digits = ""
        var isFloat = false
        while let next = peek(), next.isASCII, next.properties.numericType != nil || next == "_" ||
                (next == "." && !isFloat && peek(1).map { $0.isASCII && $0.properties.numericType != nil } == true) {
            if next == "." { isFloat = true }
            if next != "_" { digits.unicodeScalars.append(next) }
            index += 1
        }
        if isFloat { return .float(Double(digits) ?? 0) }
        return .integer(Int(digits) ?? 0)
    }

    /// A Python-style string literal with backslash escapes.
    private mutating func lexString(quote: Unicode.Scalar) throws -> String {
        let start = index
        index += 1
        var value = ""
        while let scalar = peek() {
            index += 1
            if scalar == quote { return value }
            guard scalar == "\\", let escaped = peek() else { value.unicodeScalars.append(scalar); continue }
            index += 1
            switch escaped {
            case "n": value += "\n"
            case "t": value += "\t"
            case "r": value += "\r"
            case "0": value += "\0"
            case "\\", "'", "\"": value.unicodeScalars.append(escaped)
            case "x", "u", "U":
                let width = escaped == "x" ? 2 : (escaped == "u" ? 4 : 8)
                let hex = String(String.UnicodeScalarView(source[index..<min(index + width, source.count)]))
                guard hex.unicodeScalars.count == width, let code = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(code) else {
                    throw error("bad \\\(escaped) escape in string literal", at: index - 2)
                }
                value.unicodeScalars.append(decoded)
                index += width
            default:
                // Python keeps unknown escapes as written.
                value.unicodeScalars.append("\\")
                value.unicodeScalars.append(escaped)
            }
        }
        throw error("unterminated string literal", at: start)
    }
}
