/// Walks the statements of a template and writes its output.
final class JinjaRenderer {
    private var scopes: [[String: JinjaValue]]
    private var output = ""
    /// Position of the statement being run, for error messages.
    var position = SourcePosition(line: 1, column: 1)

    private enum Flow { case normal, breakLoop, continueLoop }

    init(globals: [String: JinjaValue]) { scopes = [globals] }

    func render(_ nodes: [JinjaNode]) throws -> String {
        _ = try run(nodes)
        return output
    }

    func error(_ message: String) -> TextError {
        TextError.template(message: message, line: position.line, column: position.column)
    }

    func lookup(_ name: String) -> JinjaValue {
        for scope in scopes.reversed() { if let value = scope[name] { return value } }
        return .undefined
    }

    private func assign(_ name: String, _ value: JinjaValue) {
        scopes[scopes.count - 1][name] = value
    }

    private func run(_ nodes: [JinjaNode]) throws -> Flow {
        for node in nodes {
            let flow = try run(node)
            if flow != .normal { return flow }
        }
        return .normal
    }

    private func run(_ node: JinjaNode) throws -> Flow {
        switch node {
        case .text(let text):
            output += text
        case .output(let expression, let at):
            position = at
            output += try evaluate(expression).pythonString
        case .conditional(let branches, let otherwise, let at):
            for (condition, body) in branches {
                position = at
                if try evaluate(condition).isTruthy { return try run(body) }
            }
            return try run(otherwise)
        case .loop(let targets, let iterable, let filter, let body, let otherwise, let at):
            position = at
            return try runLoop(targets: targets, iterable: try evaluate(iterable), filter: filter, body: body, otherwise: otherwise)
        case .set(let target, let expression, let at):
            position = at
            let value = try evaluate(expression)
            try store(value, in: target)
        case .setBlock(let name, let body, let at):
            let saved = output
            output = ""
            _ = try run(body)
            let captured = output
            output = saved
            position = at
            assign(name, .string(captured))
        case .breakLoop(let at):
            position = at
            return .breakLoop
        case .continueLoop(let at):
            position = at
            return .continueLoop
        case .generation(let body):
            return try run(body)
        }
        return .normal
    }

    private func store(_ value: JinjaValue, in target: JinjaSetTarget) throws {
        switch target {
        case .names(let names):
            if names.count == 1 { assign(names[0], value); return }
            let items = try iterate(value)
            guard items.count == names.count else { throw error("cannot unpack \(items.count) values into \(names.count) names") }
            for (name, item) in zip(names, items) { assign(name, item) }
        case .attribute(let object, let attribute):
            guard case .namespace(let namespace) = lookup(object) else {
                throw error("cannot set \"\(object).\(attribute)\": \"\(object)\" is not a namespace")
            }
            namespace.attributes[attribute] = value
        }
    }

    private func runLoop(targets: [String], iterable: JinjaValue, filter: JinjaExpression?,
                         body: [JinjaNode], otherwise: [JinjaNode]) throws -> Flow {
        var items = try iterate(iterable)
        if let filter {
            items = try items.filter { item in
                scopes.append([:])
                defer { scopes.removeLast() }
                try bind(targets, to: item)
                return try evaluate(filter).isTruthy
            }
        }
        if items.isEmpty { return try run(otherwise) }
        for (index, item) in items.enumerated() {
            // Each iteration gets its own scope: a `set` inside a loop does not leak out of it.
            scopes.append(["loop": loopObject(index: index, items: items)])
            defer { scopes.removeLast() }
            try bind(targets, to: item)
            if try run(body) == .breakLoop { break }
        }
        return .normal
    }

    private func bind(_ targets: [String], to item: JinjaValue) throws {
        if targets.count == 1 { assign(targets[0], item); return }
        let parts = try iterate(item)
        guard parts.count == targets.count else { throw error("cannot unpack \(parts.count) values into \(targets.count) loop variables") }
        for (name, part) in zip(targets, parts) { assign(name, part) }
    }

    private func loopObject(index: Int, items: [JinjaValue]) -> JinjaValue {
        let count = items.count
        return .object(JinjaObject([
            ("index", .int(index + 1)), ("index0", .int(index)),
            ("revindex", .int(count - index)), ("revindex0", .int(count - index - 1)),
            ("first", .bool(index == 0)), ("last", .bool(index == count - 1)), ("length", .int(count)),
            ("previtem", index > 0 ? items[index - 1] : .undefined),
            ("nextitem", index + 1 < count ? items[index + 1] : .undefined),
        ]))
    }

    /// The elements a for loop visits: list items, dict keys, string characters.
    func iterate(_ value: JinjaValue) throws -> [JinjaValue] {
        switch value {
        case .array(let items): return items
        case .object(let object): return object.keys.map { .string($0) }
        case .string(let text): return text.unicodeScalars.map { .string(String($0)) }
        case .undefined: return []
        default: throw error("\(value.typeName) is not iterable")
        }
    }
}
