import Foundation

/// Python's str(), repr() and json.dumps() for Jinja values, and Python equality.
extension JinjaValue {
    /// What `{{ value }}` prints (Python str; undefined prints nothing).
    var pythonString: String {
        switch self {
        case .undefined: return ""
        case .string(let text): return text
        default: return pythonRepr
        }
    }

    var pythonRepr: String {
        switch self {
        case .undefined: return ""
        case .none: return "None"
        case .bool(let value): return value ? "True" : "False"
        case .int(let value): return String(value)
        case .double(let value): return Self.pythonFloat(value)
        case .string(let text):
            let quote = text.contains("'") && !text.contains("\"") ? "\"" : "'"
            var escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
            if quote == "'" { escaped = escaped.replacingOccurrences(of: "'", with: "\\'") }
            escaped = escaped.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t")
                .replacingOccurrences(of: "\r", with: "\\r")
            return quote + escaped + quote
        case .array(let items): return "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .object(let object):
            return "{" + object.pairs.map { "\(JinjaValue.string($0.0).pythonRepr): \($0.1.pythonRepr)" }.joined(separator: ", ") + "}"
        case .namespace(let namespace): return "<Namespace \(JinjaValue.object(namespace.attributes).pythonRepr)>"
        }
    }

    static func pythonFloat(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e16 { return String(format: "%.1f", value) }
        return "\(value)"
    }

    /// Python equality: numbers compare by value, strings by code points (not canonical equivalence).
    func pythonEquals(_ other: JinjaValue) -> Bool {
        switch (self, other) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): return Double(a) == b
        case (.double(let a), .double(let b)): return a == b
        case (.bool(let a), .int(let b)), (.int(let b), .bool(let a)): return (a ? 1 : 0) == b
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.pythonEquals($1) }
        case (.object(let a), .object(let b)):
            return a.keys.count == b.keys.count && a.pairs.allSatisfy { key, value in b[key].map { value.pythonEquals($0) } ?? false }
        case (.namespace(let a), .namespace(let b)): return a === b
        default: return false
        }
    }

    /// json.dumps(value, ensure_ascii=False, indent=indent, separators=..., sort_keys=...), as transformers' tojson.
    func json(indent: Int?, itemSeparator: String, keySeparator: String, sortKeys: Bool, depth: Int = 0) throws -> String {
        switch self {
        case .none: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .double(let value):
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
            return Self.pythonFloat(value)
        case .string(let text): return Self.jsonString(text)
        case .undefined, .namespace: throw JSONEncodingProblem(typeName: typeName)
        case .array(let items):
            if items.isEmpty { return "[]" }
            let parts = try items.map { try $0.json(indent: indent, itemSeparator: itemSeparator, keySeparator: keySeparator, sortKeys: sortKeys, depth: depth + 1) }
            return Self.wrap(parts, open: "[", close: "]", indent: indent, itemSeparator: itemSeparator, depth: depth)
        case .object(let object):
            if object.keys.isEmpty { return "{}" }
            let keys = sortKeys ? object.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) } : object.keys
            let parts = try keys.map { key in
                Self.jsonString(key) + keySeparator
                    + (try (object[key] ?? .none).json(indent: indent, itemSeparator: itemSeparator, keySeparator: keySeparator, sortKeys: sortKeys, depth: depth + 1))
            }
            return Self.wrap(parts, open: "{", close: "}", indent: indent, itemSeparator: itemSeparator, depth: depth)
        }
    }

    private static func wrap(_ parts: [String], open: String, close: String, indent: Int?, itemSeparator: String, depth: Int) -> String {
        guard let indent else { return open + parts.joined(separator: itemSeparator) + close }
        let inner = "\n" + String(repeating: " ", count: indent * (depth + 1))
        let outer = "\n" + String(repeating: " ", count: indent * depth)
        // With an indent, Python's default item separator loses its trailing space.
        let separator = itemSeparator.hasSuffix(" ") ? String(itemSeparator.dropLast()) : itemSeparator
        return open + inner + parts.joined(separator: separator + inner) + outer + close
    }

    private static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            default:
                if scalar.value < 0x20 { result += String(format: "\\u%04x", scalar.value) } else { result.unicodeScalars.append(scalar) }
            }
        }
        return result + "\""
    }
}

struct JSONEncodingProblem: Error { let typeName: String }
