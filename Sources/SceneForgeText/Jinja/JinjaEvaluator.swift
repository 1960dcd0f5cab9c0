import Foundation

/// Expression evaluation: names, operators, attribute and item access, slices.
extension JinjaRenderer {
    func evaluate(_ expression: JinjaExpression) throws -> JinjaValue {
        switch expression {
        case .literal(let value): return value
        case .name(let name): return lookup(name)
        case .list(let items): return .array(try items.map(evaluate))
        case .dict(let pairs):
            var object = JinjaObject()
            for (keyExpression, valueExpression) in pairs {
                guard case .string(let key) = try evaluate(keyExpression) else { throw error("dict literal keys must be strings") }
                object[key] = try evaluate(valueExpression)
            }
            return .object(object)
        case .attribute(let base, let name):
            return try attribute(name, of: try evaluate(base))
        case .index(let base, let key):
            return try item(try evaluate(key), of: try evaluate(base))
        case .slice(let base, let start, let stop, let step):
            return try slice(try evaluate(base), start: try start.map(evaluate), stop: try stop.map(evaluate), step: try step.map(evaluate))
        case .call(let callee, let arguments):
            return try call(callee, arguments)
        case .filter(let base, let name, let arguments):
            return try applyFilter(name, to: try evaluate(base), arguments: try evaluateArguments(arguments))
        case .test(let base, let name, let arguments, let negated):
            let result = try applyTest(name, to: try evaluate(base), arguments: try evaluateArguments(arguments))
            return .bool(result != negated)
        case .not(let operand): return .bool(!(try evaluate(operand).isTruthy))
        case .negate(let operand):
            switch try evaluate(operand) {
            case .int(let value): return .int(-value)
            case .double(let value): return .double(-value)
            case let other: throw error("cannot negate \(other.typeName)")
            }
        case .and(let left, let right):
            let value = try evaluate(left)
            return value.isTruthy ? try evaluate(right) : value
        case .or(let left, let right):
            let value = try evaluate(left)
            return value.isTruthy ? value : try evaluate(right)
        case .conditional(let then, let condition, let otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(then) }
            return try otherwise.map(evaluate) ?? .undefined
        case .binary(let op, let left, let right):
            return try binary(op, try evaluate(left), try evaluate(right))
        }
    }

    struct EvaluatedArguments {
        var positional: [JinjaValue]
        var keyword: [String: JinjaValue]

        func value(_ index: Int, _ name: String) -> JinjaValue? {
            keyword[name] ?? (index < positional.count ? positional[index] : nil)
        }
    }

    func evaluateArguments(_ arguments: JinjaArguments) throws -> EvaluatedArguments {
        var keyword: [String: JinjaValue] = [:]
        for (name, expression) in arguments.keyword { keyword[name] = try evaluate(expression) }
        return EvaluatedArguments(positional: try arguments.positional.map(evaluate), keyword: keyword)
    }

    // MARK: access

    /// `value.name`: a dict item or namespace attribute; undefined when missing (Jinja's getattr).
    func attribute(_ name: String, of value: JinjaValue) throws -> JinjaValue {
        switch value {
        case .undefined: throw error("cannot read attribute \"\(name)\" of an undefined value")
        case .object(let object): return object[name] ?? .undefined
        case .namespace(let namespace): return namespace.attributes[name] ?? .undefined
        default: return .undefined
        }
    }

    func item(_ key: JinjaValue, of value: JinjaValue) throws -> JinjaValue {
        switch (value, key) {
        case (.undefined, _): throw error("cannot index an undefined value with \(key.pythonRepr)")
        case (.object(let object), .string(let name)): return object[name] ?? .undefined
        case (.namespace(let namespace), .string(let name)): return namespace.attributes[name] ?? .undefined
        case (.array(let items), .int(let position)):
            let resolved = position < 0 ? items.count + position : position
            return items.indices.contains(resolved) ? items[resolved] : .undefined
        case (.string(let text), .int(let position)):
            let scalars = Array(text.unicodeScalars)
            let resolved = position < 0 ? scalars.count + position : position
            return scalars.indices.contains(resolved) ? .string(String(scalars[resolved])) : .undefined
        default: return .undefined
        }
    }

    /// Python slicing of lists and strings.
    func slice(_ value: JinjaValue, start: JinjaValue?, stop: JinjaValue?, step: JinjaValue?) throws -> JinjaValue {
        func bound(_ value: JinjaValue?) throws -> Int? {
            switch value {
            case nil, .none?: return nil
            case .int(let number)?: return number
            case let other?: throw error("slice indices must be integers, not \(other.typeName)")
            }
        }
        let stride = try bound(step) ?? 1
        guard stride != 0 else { throw error("slice step cannot be zero") }
        func indices(count: Int) throws -> [Int] {
            func clamp(_ index: Int?, _ fallback: Int, low: Int, high: Int) -> Int {
                guard var index else { return fallback }
                if index < 0 { index += count }
                return min(max(index, low), high)
            }
            if stride > 0 {
                let from = clamp(try bound(start), 0, low: 0, high: count)
                let to = clamp(try bound(stop), count, low: 0, high: count)
                return Array(Swift.stride(from: from, to: to, by: stride))
            }
            let from = clamp(try bound(start), count - 1, low: -1, high: count - 1)
            let to = clamp(try bound(stop), -1, low: -1, high: count - 1)
            return Array(Swift.stride(from: from, to: to, by: stride))
        }
        switch value {
        case .array(let items): return .array(try indices(count: items.count).map { items[$0] })
        case .string(let text):
            let scalars = Array(text.unicodeScalars)
            var result = ""
            result.unicodeScalars.append(contentsOf: try indices(count: scalars.count).map { scalars[$0] })
            return .string(result)
        default: throw error("cannot slice \(value.typeName)")
        }
    }

    // MARK: operators

    func binary(_ op: String, _ left: JinjaValue, _ right: JinjaValue) throws -> JinjaValue {
        switch op {
        case "==": return .bool(left.pythonEquals(right))
        case "!=": return .bool(!left.pythonEquals(right))
        case "<", ">", "<=", ">=": return .bool(try compare(op, left, right))
        case "in": return .bool(try contains(right, left))
        case "~": return .string(left.pythonString + right.pythonString)
        case "+":
            switch (left, right) {
            case (.string(let a), .string(let b)): return .string(a + b)
            case (.array(let a), .array(let b)): return .array(a + b)
            default: return try arithmetic(op, left, right)
            }
        default: return try arithmetic(op, left, right)
        }
    }

    private func number(_ value: JinjaValue) -> Double? {
        switch value {
        case .int(let number): return Double(number)
        case .double(let number): return number
        case .bool(let flag): return flag ? 1 : 0
        default: return nil
        }
    }

    private func arithmetic(_ op: String, _ left: JinjaValue, _ right: JinjaValue) throws -> JinjaValue {
        if op == "*", case .string(let text) = left, case .int(let count) = right { return .string(String(repeating: text, count: max(count, 0))) }
        guard let a = number(left), let b = number(right) else {
            throw error("unsupported operand types for \(op): \(left.typeName) and \(right.typeName)")
        }
        let bothIntegers: Bool = {
            switch (left, right) {
            case (.int, .int), (.int, .bool), (.bool, .int), (.bool, .bool): return true
            default: return false
            }
        }()
        switch op {
        case "+": return bothIntegers ? .int(Int(a) + Int(b)) : .double(a + b)
        case "-": return bothIntegers ? .int(Int(a) - Int(b)) : .double(a - b)
        case "*": return bothIntegers ? .int(Int(a) * Int(b)) : .double(a * b)
        case "/":
            guard b != 0 else { throw error("division by zero") }
            return .double(a / b)
        case "//":
            guard b != 0 else { throw error("division by zero") }
            return bothIntegers ? .int(Int((a / b).rounded(.down))) : .double((a / b).rounded(.down))
        case "%":
            guard b != 0 else { throw error("modulo by zero") }
            let remainder = a - b * (a / b).rounded(.down)
            return bothIntegers ? .int(Int(remainder)) : .double(remainder)
        case "**": return bothIntegers && b >= 0 ? .int(Int(pow(a, b))) : .double(pow(a, b))
        default: throw error("unknown operator \(op)")
        }
    }

    private func compare(_ op: String, _ left: JinjaValue, _ right: JinjaValue) throws -> Bool {
        let ordered: Bool?
        if let a = number(left), let b = number(right) {
            switch op { case "<": ordered = a < b; case ">": ordered = a > b; case "<=": ordered = a <= b; default: ordered = a >= b }
        } else if case .string(let a) = left, case .string(let b) = right {
            let less = a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
            let greater = b.unicodeScalars.lexicographicallyPrecedes(a.unicodeScalars)
            switch op { case "<": ordered = less; case ">": ordered = greater; case "<=": ordered = !greater; default: ordered = !less }
        } else {
            ordered = nil
        }
        guard let ordered else { throw error("cannot compare \(left.typeName) \(op) \(right.typeName)") }
        return ordered
    }

    /// Python's `needle in container`.
    func contains(_ container: JinjaValue, _ needle: JinjaValue) throws -> Bool {
        switch container {
        case .string(let text):
            guard case .string(let part) = needle else { throw error("'in <string>' requires a string, not \(needle.typeName)") }
            return part.isEmpty || text.utf8.firstRange(of: part.utf8) != nil
        case .array(let items): return items.contains { $0.pythonEquals(needle) }
        case .object(let object):
            guard case .string(let key) = needle else { return false }
            return object[key] != nil
        case .undefined: throw error("'in' on an undefined value")
        default: throw error("argument of type \(container.typeName) is not iterable")
        }
    }
}
