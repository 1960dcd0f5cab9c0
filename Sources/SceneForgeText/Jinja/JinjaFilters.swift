import Foundation

/// Filters (`value | name(args)`) and tests (`value is name`).
extension JinjaRenderer {
    func applyFilter(_ name: String, to value: JinjaValue, arguments args: EvaluatedArguments) throws -> JinjaValue {
        switch name {
        case "length", "count":
            switch value {
            case .string(let text): return .int(text.unicodeScalars.count)
            case .array(let items): return .int(items.count)
            case .object(let object): return .int(object.keys.count)
            case .undefined: return .int(0)
            default: throw error("object of type \(value.typeName) has no length")
            }
        case "tojson":
            var indent: Int?
            if case .int(let spaces)? = args.value(1, "indent") { indent = spaces }
            var itemSeparator = ", ", keySeparator = ": "
            if case .array(let pair)? = args.value(3, "separators"), pair.count == 2,
               case .string(let item) = pair[0], case .string(let key) = pair[1] {
                itemSeparator = item
                keySeparator = key
            } else if indent != nil {
                itemSeparator = ","
            }
            let sortKeys = args.value(4, "sort_keys")?.isTruthy ?? false
            do {
                return .string(try value.json(indent: indent, itemSeparator: itemSeparator, keySeparator: keySeparator, sortKeys: sortKeys))
            } catch let problem as JSONEncodingProblem {
                throw error("tojson: object of type \(problem.typeName) is not JSON serializable")
            }
        case "trim":
            return .string(String(String.UnicodeScalarView(value.pythonString.unicodeScalars.drop { $0.properties.isWhitespace }
                .reversed().drop { $0.properties.isWhitespace }.reversed())))
        case "string": return .string(value.pythonString)
        case "upper": return .string(value.pythonString.uppercased())
        case "lower": return .string(value.pythonString.lowercased())
        case "capitalize":
            let text = value.pythonString
            return .string(text.prefix(1).uppercased() + text.dropFirst().lowercased())
        case "title": return .string(value.pythonString.capitalized)
        case "first": return try iterate(value).first ?? .undefined
        case "last": return try iterate(value).last ?? .undefined
        case "list": return .array(try iterate(value))
        case "reverse":
            if case .string(let text) = value { return .string(String(String.UnicodeScalarView(text.unicodeScalars.reversed()))) }
            return .array(try iterate(value).reversed())
        case "join":
            let separator = args.value(0, "d")?.pythonString ?? ""
            var items = try iterate(value)
            if case .string(let attributeName)? = args.value(1, "attribute") { items = try items.map { try attribute(attributeName, of: $0) } }
            return .string(items.map(\.pythonString).joined(separator: separator))
        case "default", "d":
            let fallback = args.value(0, "default_value") ?? .string("")
            let whenFalsy = args.value(1, "boolean")?.isTruthy ?? false
            if case .undefined = value { return fallback }
            return whenFalsy && !value.isTruthy ? fallback : value
        case "items":
            guard case .object(let object) = value else { throw error("items filter needs a dict, not \(value.typeName)") }
            return .array(object.pairs.map { .array([.string($0.0), $0.1]) })
        case "int":
            switch value {
            case .int: return value
            case .double(let number): return .int(Int(number))
            case .bool(let flag): return .int(flag ? 1 : 0)
            case .string(let text): return .int(Int(text.trimmingCharacters(in: .whitespaces)) ?? 0)
            default: return .int(0)
            }
        case "float":
            switch value {
            case .int(let number): return .double(Double(number))
            case .double: return value
            case .string(let text): return .double(Double(text.trimmingCharacters(in: .whitespaces)) ?? 0)
            default: return .double(0)
            }
        case "abs":
            switch value {
            case .int(let number): return .int(abs(number))
            case .double(let number): return .double(abs(number))
            default: throw error("abs filter needs a number, not \(value.typeName)")
            }
        case "replace":
            guard case .string(let old)? = args.value(0, "old"), case .string(let new)? = args.value(1, "new") else {
                throw error("replace filter needs two strings")
            }
            return .string(value.pythonString.replacingOccurrences(of: old, with: new, options: .literal))
        case "map":
            guard case .string(let attributeName)? = args.keyword["attribute"] else { throw error("map filter supports only attribute=\"name\"") }
            return .array(try iterate(value).map { try attribute(attributeName, of: $0) })
        case "selectattr", "rejectattr":
            guard case .string(let attributeName)? = args.positional.first else { throw error("\(name) needs an attribute name") }
            let testName: String? = args.positional.count > 1 ? args.positional[1].pythonString : nil
            let testArguments = EvaluatedArguments(positional: Array(args.positional.dropFirst(2)), keyword: [:])
            let keep = name == "selectattr"
            return .array(try iterate(value).filter { item in
                let field = try attribute(attributeName, of: item)
                let passed = try testName.map { try applyTest($0, to: field, arguments: testArguments) } ?? field.isTruthy
                return passed == keep
            })
        default:
            throw error("unsupported filter \"\(name)\"")
        }
    }

    func applyTest(_ name: String, to value: JinjaValue, arguments args: EvaluatedArguments) throws -> Bool {
        let argument = args.positional.first
        switch name {
        case "defined": if case .undefined = value { return false }; return true
        case "undefined": if case .undefined = value { return true }; return false
        case "none": if case .none = value { return true }; return false
        case "string": if case .string = value { return true }; return false
        case "boolean": if case .bool = value { return true }; return false
        case "true": if case .bool(true) = value { return true }; return false
        case "false": if case .bool(false) = value { return true }; return false
        case "integer": if case .int = value { return true }; return false
        case "float": if case .double = value { return true }; return false
        case "number":
            switch value { case .int, .double: return true; default: return false }
        case "mapping":
            switch value { case .object, .namespace: return true; default: return false }
        case "sequence":
            switch value { case .array, .string, .object: return true; default: return false }
        case "iterable":
            switch value { case .array, .string, .object: return true; default: return false }
        case "even", "odd":
            guard case .int(let number) = value else { throw error("\(name) test needs an integer") }
            return (number % 2 == 0) == (name == "even")
        case "divisibleby":
            guard case .int(let number) = value, case .int(let divisor)? = argument, divisor != 0 else {
                throw error("divisibleby test needs integers")
            }
            return number % divisor == 0
        case "eq", "equalto", "==": return value.pythonEquals(argument ?? .undefined)
        case "ne", "!=": return !value.pythonEquals(argument ?? .undefined)
        case "in": return try contains(argument ?? .undefined, value)
        case "lt", "gt", "le", "ge", "<", ">", "<=", ">=":
            let symbols = ["lt": "<", "gt": ">", "le": "<=", "ge": ">="]
            return try binary(symbols[name] ?? name, value, argument ?? .undefined).isTruthy
        default:
            throw error("unsupported test \"\(name)\"")
        }
    }
}
