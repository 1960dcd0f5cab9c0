import Foundation

/// Global functions and the methods of strings and dicts that chat templates call.
extension JinjaRenderer {
    func call(_ callee: JinjaExpression, _ arguments: JinjaArguments) throws -> JinjaValue {
        let args = try evaluateArguments(arguments)
        if case .attribute(let baseExpression, let method) = callee {
            let base = try evaluate(baseExpression)
            if case .string(let text) = base { return try stringMethod(method, text, args) }
            if case .object(let object) = base, let result = try dictMethod(method, object, args) { return result }
            throw error("unsupported method \"\(method)\" on \(base.typeName)")
        }
        guard case .name(let name) = callee else { throw error("this expression cannot be called") }
        switch name {
        case "namespace":
            var object = JinjaObject()
            if case .object(let initial)? = args.positional.first { object = initial }
            for (key, value) in args.keyword.sorted(by: { $0.key < $1.key }) { object[key] = value }
            return .namespace(JinjaNamespace(object))
        case "raise_exception":
            throw TextError.templateRaised(args.positional.first?.pythonString ?? "")
        case "range":
            let numbers = try args.positional.map { value -> Int in
                guard case .int(let number) = value else { throw error("range() takes integers, not \(value.typeName)") }
                return number
            }
            let (start, stop, step) = numbers.count == 1 ? (0, numbers[0], 1)
                : (numbers.first ?? 0, numbers.count > 1 ? numbers[1] : 0, numbers.count > 2 ? numbers[2] : 1)
            guard step != 0 else { throw error("range() step cannot be zero") }
            return .array(Swift.stride(from: start, to: stop, by: step).map { .int($0) })
        case "dict":
            var object = JinjaObject()
            for (key, value) in args.keyword.sorted(by: { $0.key < $1.key }) { object[key] = value }
            return .object(object)
        default:
            throw error("unknown function \"\(name)\"")
        }
    }

    private func stringArgument(_ args: EvaluatedArguments, _ index: Int, _ name: String, method: String) throws -> String? {
        switch args.value(index, name) {
        case nil, .none?: return nil
        case .string(let text)?: return text
        case let other?: throw error("\(method)() argument must be a string, not \(other.typeName)")
        }
    }

    private func stringMethod(_ method: String, _ text: String, _ args: EvaluatedArguments) throws -> JinjaValue {
        let scalars = Array(text.unicodeScalars)
        switch method {
        case "startswith", "endswith":
            let candidates: [String]
            switch args.value(0, "prefix") {
            case .string(let single)?: candidates = [single]
            case .array(let many)?: candidates = many.compactMap { if case .string(let s) = $0 { return s }; return nil }
            default: throw error("\(method)() needs a string argument")
            }
            return .bool(candidates.contains { candidate in
                let part = Array(candidate.unicodeScalars)
                return method == "startswith" ? scalars.starts(with: part) : scalars.reversed().starts(with: part.reversed())
            })
        case "strip", "lstrip", "rstrip":
            let characters = try stringArgument(args, 0, "chars", method: method).map { Set($0.unicodeScalars) }
            let strip: (Unicode.Scalar) -> Bool = { characters?.contains($0) ?? $0.properties.isWhitespace }
            var slice = scalars[...]
            if method != "rstrip" { slice = slice.drop(while: strip) }
            if method != "lstrip" { while let last = slice.last, strip(last) { slice = slice.dropLast() } }
            return .string(String(String.UnicodeScalarView(slice)))
        case "split", "rsplit":
            let separator = try stringArgument(args, 0, "sep", method: method)
            var limit = -1
            if case .int(let value)? = args.value(1, "maxsplit") { limit = value }
            return .array(try split(text, separator: separator, limit: limit, fromRight: method == "rsplit").map { .string($0) })
        case "upper": return .string(text.uppercased())
        case "lower": return .string(text.lowercased())
        case "title": return .string(text.capitalized)
        case "capitalize": return .string(text.prefix(1).uppercased() + text.dropFirst().lowercased())
        case "replace":
            guard let old = try stringArgument(args, 0, "old", method: method), let new = try stringArgument(args, 1, "new", method: method) else {
                throw error("replace() needs two strings")
            }
            return .string(text.replacingOccurrences(of: old, with: new, options: .literal))
        case "join":
            guard case .array(let items)? = args.value(0, "iterable") else { throw error("join() needs a list") }
            return .string(items.map(\.pythonString).joined(separator: text))
        case "find":
            guard let part = try stringArgument(args, 0, "sub", method: method) else { throw error("find() needs a string") }
            let needle = Array(part.unicodeScalars)
            if needle.isEmpty { return .int(0) }
            for start in 0..<max(scalars.count - needle.count + 1, 0) where scalars[start..<(start + needle.count)].elementsEqual(needle) {
                return .int(start)
            }
            return .int(-1)
        default:
            throw error("unsupported string method \"\(method)\"")
        }
    }

    /// Python's str.split / str.rsplit.
    private func split(_ text: String, separator: String?, limit: Int, fromRight: Bool) throws -> [String] {
        let scalars = Array(text.unicodeScalars)
        func string(_ part: ArraySlice<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(part)) }
        guard let separator else {
            // No separator: split on whitespace runs, dropping empty parts.
            var words: [String] = []
            var current: [Unicode.Scalar] = []
            for scalar in scalars {
                if scalar.properties.isWhitespace {
                    if !current.isEmpty { words.append(string(current[...])); current = [] }
                } else { current.append(scalar) }
            }
            if !current.isEmpty { words.append(string(current[...])) }
            return words
        }
        let needle = Array(separator.unicodeScalars)
        guard !needle.isEmpty else { throw error("split() separator is empty") }
        var parts: [String] = []
        if fromRight {
            var end = scalars.count
            var position = scalars.count - needle.count
            while position >= 0, limit < 0 || parts.count < limit {
                if scalars[position..<(position + needle.count)].elementsEqual(needle) {
                    parts.insert(string(scalars[(position + needle.count)..<end]), at: 0)
                    end = position
                    position -= needle.count
                } else { position -= 1 }
            }
            parts.insert(string(scalars[0..<end]), at: 0)
            return parts
        }
        var start = 0
        var position = 0
        while position + needle.count <= scalars.count, limit < 0 || parts.count < limit {
            if scalars[position..<(position + needle.count)].elementsEqual(needle) {
                parts.append(string(scalars[start..<position]))
                position += needle.count
                start = position
            } else { position += 1 }
        }
        parts.append(string(scalars[start...]))
        return parts
    }

    private func dictMethod(_ method: String, _ object: JinjaObject, _ args: EvaluatedArguments) throws -> JinjaValue? {
        switch method {
        case "get":
            guard case .string(let key)? = args.value(0, "key") else { throw error("get() needs a string key") }
            return object[key] ?? args.value(1, "default") ?? JinjaValue.none
        case "items": return .array(object.pairs.map { .array([.string($0.0), $0.1]) })
        case "keys": return .array(object.keys.map { .string($0) })
        case "values": return .array(object.pairs.map { $0.1 })
        default: return nil
        }
    }
}
