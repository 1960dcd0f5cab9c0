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

    private static func isKeyStart(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-" || c == "\"" || c == "'"
    }
}
