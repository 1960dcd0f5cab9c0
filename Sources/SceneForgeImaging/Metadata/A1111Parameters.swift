/// The `parameters` text that AUTOMATIC1111's web UI writes into PNGs and that other tools
/// (civitai, ComfyUI importers, sd-prompt-reader) read:
///
///     a prompt <lora:name:0.8>
///     Negative prompt: blurry
///     Steps: 8, Sampler: Euler, CFG scale: 1.0, Seed: 42, Size: 720x1440, Model hash: abcd1234, Model: name
///
/// Values containing `,` `:` or a newline are JSON-quoted, as A1111's `quote()` does.
public struct A1111Parameters: Equatable, Sendable {
    public var prompt: String
    public var negativePrompt: String
    /// The settings line, in order.
    public var settings: [(key: String, value: String)]

    public init(prompt: String, negativePrompt: String, settings: [(key: String, value: String)]) {
        self.prompt = prompt; self.negativePrompt = negativePrompt; self.settings = settings
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.prompt == b.prompt && a.negativePrompt == b.negativePrompt
            && a.settings.map(\.key) == b.settings.map(\.key) && a.settings.map(\.value) == b.settings.map(\.value)
    }

    public subscript(key: String) -> String? { settings.last(where: { $0.key == key })?.value }

    public var text: String {
        var out = prompt
        if !negativePrompt.isEmpty { out += "\nNegative prompt: " + negativePrompt }
        out += "\n" + settings.map { "\($0.key): \(Self.quote($0.value))" }.joined(separator: ", ")
        return out.trimmingWhitespace()
    }

    static func quote(_ value: String) -> String {
        guard value.contains(",") || value.contains("\n") || value.contains(":") else { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16) }
                else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// Parses as A1111 does: the last line is the settings line when it holds at least three
    /// `Key: value` pairs; lines from `Negative prompt:` on are the negative prompt.
    public static func parse(_ text: String) -> A1111Parameters {
        var lines = text.trimmingWhitespace().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var settings: [(key: String, value: String)] = []
        if let last = lines.last {
            let parsed = parseSettings(last)
            if parsed.count >= 3 { settings = parsed; lines.removeLast() }
        }
        var prompt = "", negative = "", inNegative = false
        for var line in lines {
            if line.hasPrefix("Negative prompt:") {
                inNegative = true
                line = String(line.dropFirst("Negative prompt:".count)).trimmingWhitespace()
            }
            if inNegative { negative += (negative.isEmpty ? "" : "\n") + line }
            else { prompt += (prompt.isEmpty ? "" : "\n") + line }
        }
        return A1111Parameters(prompt: prompt, negativePrompt: negative, settings: settings)
    }

    static func parseSettings(_ line: String) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        var chars = Substring(line)
        while true {
            chars = chars.drop(while: { $0 == " " })
            guard let colon = chars.firstIndex(of: ":") else { break }
            let key = String(chars[..<colon])
            guard let first = key.first, first.isLetter || first.isNumber || first == "_",
                  key.allSatisfy({ $0.isLetter || $0.isNumber || "_ -/".contains($0) }) else { break }
            chars = chars[chars.index(after: colon)...].drop(while: { $0 == " " })
            let value: String
            if chars.first == "\"", let (unquoted, rest) = unquote(chars) {
                value = unquoted
                chars = rest
            } else {
                let end = chars.firstIndex(of: ",") ?? chars.endIndex
                value = String(chars[..<end])
                chars = chars[end...]
            }
            result.append((key, value))
            guard chars.first == "," else { break }
            chars = chars.dropFirst()
        }
        return result
    }

    /// Reads a JSON string literal at the start of `s`; returns it and what follows.
    private static func unquote(_ s: Substring) -> (String, Substring)? {
        var out = "", i = s.index(after: s.startIndex)
        while i < s.endIndex {
            let c = s[i]
            if c == "\"" { return (out, s[s.index(after: i)...]) }
            if c == "\\" {
                i = s.index(after: i)
                guard i < s.endIndex else { return nil }
                switch s[i] {
                case "n": out += "\n"
                case "t": out += "\t"
                case "r": out += "\r"
                case "u":
                    let hexStart = s.index(after: i)
                    guard let hexEnd = s.index(hexStart, offsetBy: 4, limitedBy: s.endIndex),
                          let code = UInt32(s[hexStart..<hexEnd], radix: 16), let scalar = Unicode.Scalar(code) else { return nil }
                    out.unicodeScalars.append(scalar)
                    i = s.index(before: hexEnd)
                default: out.append(s[i])
                }
            } else {
                out.append(c)
            }
            i = s.index(after: i)
        }
        return nil
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }
}
