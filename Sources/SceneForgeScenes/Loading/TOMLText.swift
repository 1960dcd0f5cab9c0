import TOMLKit

/// A TOML syntax error, located: every TOML file SceneForge reads (scene data, scenarios, themes, settings,
/// training configs) is parsed through `TOMLText.parse`, so they all report syntax the same way.
public struct TOMLSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based.
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { message }
}

public enum TOMLText {
    /// Parses `text` with TOMLKit after rejecting the inputs its bundled toml++ cannot take safely.
    public static func parse(_ text: String) throws -> TOMLTable {
        try rejectHeadersWithoutKey(text)
        try rejectArrayElementsThatAreNotValues(text)
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw TOMLSyntaxError(line: error.source.begin.line, column: error.source.begin.column, message: error.description)
        }
    }

    /// toml++ before 3.4.1 (marzer/tomlplusplus#301) asserts, and in release builds assumes, that a table header's
    /// `[` or `[[` is followed by a key: `[[[a]]]`, `[[=` or `[[]]` abort the process (found by SceneDataFuzzTests).
    /// Every line is checked, multi-line strings included: a string line that starts like a broken header is
    /// refused too, which costs nothing real and cannot be fooled by quote tricks.
    static func rejectHeadersWithoutKey(_ text: String) throws {
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let scalars = Array(line.unicodeScalars)
            var i = 0
            while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 }
            guard i < scalars.count, scalars[i] == "[" else { continue }
            i += 1
            if i < scalars.count, scalars[i] == "[" { i += 1 }
            while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 }
            if i < scalars.count, isKeyStart(scalars[i]) { continue }
            throw TOMLSyntaxError(line: lineNumber, column: i + 1,
                                  message: "a table header must start with a key (a name or a quoted string) after its '[' or '[['")
        }
    }

    /// toml++ also asserts (and in release builds assumes) that an array element starts with a value: `[}]`,
    /// `[1, }2]`, `[,]` or `[1,,2]` abort the process (found by SceneDataFuzzTests). None is valid TOML, so they
    /// are refused first. Strings, comments and table headers are skipped; brackets count only in values.
    static func rejectArrayElementsThatAreNotValues(_ text: String) throws {
        enum Container { case array, inlineTable }
        let scalars = Array(text.unicodeScalars)
        var containers: [Container] = []
        var valueExpected = false, elementExpected = false
        var line = 1, column = 0
        var i = 0
        func skip(to end: Int) {
            while i < end, i < scalars.count {
                if scalars[i] == "\n" { line += 1; column = 0 } else { column += 1 }
                i += 1
            }
        }
        func starts(_ token: String, at index: Int) -> Bool {
            let token = Array(token.unicodeScalars)
            return index + token.count <= scalars.count && Array(scalars[index..<index + token.count]) == token
        }
        /// The index just past the string that opens at `i`.
        func endOfString() -> Int {
            let quote = scalars[i], triple = starts(String(repeating: String(quote), count: 3), at: i)
            let closing = triple ? String(repeating: String(quote), count: 3) : String(quote)
            var j = i + (triple ? 3 : 1)
            while j < scalars.count {
                if quote == "\"", scalars[j] == "\\" { j += 2; continue }
                if !triple, scalars[j] == "\n" { return j }
                if starts(closing, at: j) { return j + closing.unicodeScalars.count }
                j += 1
            }
            return j
        }
        while i < scalars.count {
            let c = scalars[i]
            if c == " " || c == "\t" || c == "\r" || c == "\n" {
                if c == "\n", containers.isEmpty { valueExpected = false }
                skip(to: i + 1)
                continue
            }
            if c == "#" {
                var end = i
                while end < scalars.count, scalars[end] != "\n" { end += 1 }
                skip(to: end)
                continue
            }
            if containers.last == .array, elementExpected, c == "}" || c == "," {
                throw TOMLSyntaxError(line: line, column: column + 1,
                                      message: "an array element must be a value, not '\(c)'")
            }
            elementExpected = false
            switch c {
            case "\"", "'":
                skip(to: endOfString())
                valueExpected = false
                continue
            case "=":
                valueExpected = true
            case "[" where valueExpected || containers.last == .array:
                containers.append(.array)
                elementExpected = true
            case "[":
                // A table header: its brackets are not arrays; its quoted keys are skipped as strings above.
                break
            case "{":
                containers.append(.inlineTable)
                valueExpected = false
            case "]", "}":
                if !containers.isEmpty { containers.removeLast() }
                valueExpected = false
            case ",":
                elementExpected = containers.last == .array
            default:
                valueExpected = false
            }
            skip(to: i + 1)
        }
    }

    private static func isKeyStart(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-" || c == "\"" || c == "'"
    }
}
