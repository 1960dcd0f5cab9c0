import Foundation

/// Maps TOML field paths ("boxes[3].w", "anomalies[0]", "aspect") to 1-based source lines.
///
/// TOMLKit exposes no source positions for values, so this scans the text once: it follows
/// `[table]` and `[[array]]` headers (counting array entries) and records the line of every
/// `key = value`. Multi-line strings and arrays are skipped so their contents are never taken
/// for keys. It only has to be right for files TOMLKit has already parsed successfully.
struct SourceLineIndex {
    private var lines: [String: Int] = [:]

    init(text: String) {
        var tablePath = ""
        var arrayCounts: [String: Int] = [:]
        var skipper = ContinuationSkipper()
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            if skipper.isInsideValue {
                skipper.consume(Substring(rawLine))
                continue
            }
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[[") {
                let name = Self.headerName(line, brackets: 2)
                let index = arrayCounts[name, default: 0]
                arrayCounts[name] = index + 1
                tablePath = "\(name)[\(index)]"
                lines[tablePath] = lineNumber
                // The array as a whole is located at its first entry.
                if lines[name] == nil { lines[name] = lineNumber }
            } else if line.hasPrefix("[") {
                tablePath = Self.headerName(line, brackets: 1)
                lines[tablePath] = lineNumber
            } else if let equals = Self.keyValueSplit(line) {
                let key = Self.unquote(String(line[..<equals]).trimmingCharacters(in: .whitespaces))
                let path = tablePath.isEmpty ? key : "\(tablePath).\(key)"
                if lines[path] == nil { lines[path] = lineNumber }
                skipper.consume(line[line.index(after: equals)...])
            }
        }
    }

    /// The line of `path`, else of its nearest enclosing table ("boxes[3].w" -> "boxes[3]"),
    /// else 1 (a missing top-level field belongs to the file as a whole).
    func line(of path: String) -> Int {
        var candidate = path
        while true {
            if let line = lines[candidate] { return line }
            guard let cut = candidate.lastIndex(where: { $0 == "." || $0 == "[" }) else { return 1 }
            candidate = String(candidate[..<cut])
        }
    }

    private static func headerName(_ line: String, brackets: Int) -> String {
        let close = String(repeating: "]", count: brackets)
        var body = line.dropFirst(brackets)
        if let end = body.range(of: close) { body = body[..<end.lowerBound] }
        return body.split(separator: ".").map { unquote($0.trimmingCharacters(in: .whitespaces)) }.joined(separator: ".")
    }

    /// The `=` that separates key from value, skipping any inside a quoted key.
    private static func keyValueSplit(_ line: String) -> String.Index? {
        var quote: Character?
        for index in line.indices {
            let c = line[index]
            if let open = quote {
                if c == open { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "=" {
                return index
            }
        }
        return nil
    }

    private static func unquote(_ key: String) -> String {
        guard key.count >= 2, let first = key.first, first == "\"" || first == "'", key.last == first else { return key }
        return String(key.dropFirst().dropLast())
    }
}

/// Tracks whether a value runs past the end of its line: an open `"""`/`'''` string or an
/// unclosed `[` array (inline tables may not span lines in TOML 1.0).
private struct ContinuationSkipper {
    private var openMultilineQuote: String?
    private var bracketDepth = 0

    var isInsideValue: Bool { openMultilineQuote != nil || bracketDepth > 0 }

    mutating func consume(_ text: Substring) {
        var rest = text
        while !rest.isEmpty {
            if let quote = openMultilineQuote {
                guard let end = rest.range(of: quote) else { return }
                openMultilineQuote = nil
                rest = rest[end.upperBound...]
                continue
            }
            if rest.hasPrefix("\"\"\"") || rest.hasPrefix("'''") {
                openMultilineQuote = String(rest.prefix(3))
                rest = rest.dropFirst(3)
                continue
            }
            let c = rest.removeFirst()
            switch c {
            case "#": return
            case "\"", "'": rest = Self.dropString(rest, quote: c)
            case "[": bracketDepth += 1
            case "]": bracketDepth = max(0, bracketDepth - 1)
            default: break
            }
        }
    }

    /// Drops a single-line string body up to its closing quote (basic strings honour `\"`).
    private static func dropString(_ text: Substring, quote: Character) -> Substring {
        var rest = text
        while let c = rest.first {
            rest.removeFirst()
            if c == "\\" && quote == "\"" {
                if !rest.isEmpty { rest.removeFirst() }
            } else if c == quote {
                break
            }
        }
        return rest
    }
}
