/// Parses tokens into statements, with Jinja's operator precedence:
/// conditional < or < and < not < comparison < + - < ~ < * / // % < ** < unary < postfix, filters and tests.
struct JinjaParser {
    private let tokens: [JinjaToken]
    private var index = 0

    static func parse(_ source: String) throws -> [JinjaNode] {
        var parser = JinjaParser(tokens: try JinjaLexer.tokenize(source))
        let (nodes, stop) = try parser.parseBody(until: [])
        if let stop { throw parser.error("unexpected {% \(stop) %}") }
        return nodes
    }

    private init(tokens: [JinjaToken]) { self.tokens = tokens }

    // MARK: tokens

    private var current: JinjaToken { tokens[min(index, tokens.count - 1)] }

    private mutating func advance() -> JinjaToken {
        let token = current
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func error(_ message: String, at token: JinjaToken? = nil) -> TextError {
        let position = (token ?? current).position
        return TextError.template(message: message, line: position.line, column: position.column)
    }

    private func isSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }
    private func isName(_ name: String) -> Bool { current.kind == .name(name) }

    private mutating func expectSymbol(_ symbol: String) throws {
        guard isSymbol(symbol) else { throw error("expected \"\(symbol)\" but found \(describe(current))") }
        _ = advance()
    }

    private mutating func expectName() throws -> String {
        guard case .name(let name) = current.kind else { throw error("expected a name but found \(describe(current))") }
        _ = advance()
        return name
    }

    private mutating func expectStatementClose() throws {
        guard current.kind == .statementClose else { throw error("expected %} but found \(describe(current))") }
        _ = advance()
    }

    private func describe(_ token: JinjaToken) -> String {
        switch token.kind {
        case .text: return "text"
        case .expressionOpen: return "{{"
        case .expressionClose: return "}}"
        case .statementOpen: return "{%"
        case .statementClose: return "%}"
        case .name(let name): return "\"\(name)\""
        case .string(let text): return "string \(text.debugDescription)"
        case .integer(let value): return "\(value)"
        case .float(let value): return "\(value)"
        case .symbol(let symbol): return "\"\(symbol)\""
        case .end: return "end of template"
        }
    }

    // MARK: statements

    /// Parses nodes until a `{% name %}` whose name is in `stops`; returns that name, consumed up to it.
    private mutating func parseBody(until stops: Set<String>) throws -> ([JinjaNode], String?) {
        var nodes: [JinjaNode] = []
        while true {
            let token = current
            switch token.kind {
            case .end:
                return (nodes, nil)
            case .text(let text):
                _ = advance()
                nodes.append(.text(text))
            case .expressionOpen:
                _ = advance()
                let expression = try parseExpression()
                guard current.kind == .expressionClose else { throw error("expected }} but found \(describe(current))") }
                _ = advance()
                nodes.append(.output(expression, token.position))
            case .statementOpen:
                guard case .name(let keyword) = tokens[min(index + 1, tokens.count - 1)].kind else {
                    throw error("expected a statement name after {%", at: tokens[min(index + 1, tokens.count - 1)])
                }
                if stops.contains(keyword) {
                    index += 2
                    return (nodes, keyword)
                }
                _ = advance()
                nodes.append(try parseStatement(keyword, at: token))
            default:
                throw error("unexpected \(describe(token))")
            }
        }
    }

    private mutating func parseStatement(_ keyword: String, at open: JinjaToken) throws -> JinjaNode {
        _ = advance()  // the keyword
        switch keyword {
        case "if": return try parseIf(at: open)
        case "for": return try parseFor(at: open)
        case "set": return try parseSet(at: open)
        case "break", "continue":
            try expectStatementClose()
            return keyword == "break" ? .breakLoop(open.position) : .continueLoop(open.position)
        case "generation":
            try expectStatementClose()
            let (body, stop) = try parseBody(until: ["endgeneration"])
            guard stop != nil else { throw error("{% generation %} is never closed by {% endgeneration %}", at: open) }
            try expectStatementClose()
            return .generation(body)
        default:
            throw error("unsupported statement \"\(keyword)\" (this Jinja subset has if, for, set, break, continue, generation)", at: open)
        }
    }

    private mutating func parseIf(at open: JinjaToken) throws -> JinjaNode {
        var branches: [(JinjaExpression, [JinjaNode])] = []
        var condition = try parseExpression()
        while true {
            try expectStatementClose()
            let (body, stop) = try parseBody(until: ["elif", "else", "endif"])
            branches.append((condition, body))
            switch stop {
            case "elif":
                condition = try parseExpression()
            case "else":
                try expectStatementClose()
                let (otherwise, end) = try parseBody(until: ["endif"])
                guard end != nil else { throw error("{% if %} is never closed by {% endif %}", at: open) }
                try expectStatementClose()
                return .conditional(branches, otherwise: otherwise, open.position)
            case "endif":
                try expectStatementClose()
                return .conditional(branches, otherwise: [], open.position)
            default:
                throw error("{% if %} is never closed by {% endif %}", at: open)
            }
        }
    }

    private mutating func parseFor(at open: JinjaToken) throws -> JinjaNode {
        var targets = [try expectName()]
        while isSymbol(",") { _ = advance(); targets.append(try expectName()) }
        guard isName("in") else { throw error("expected \"in\" in {% for %} but found \(describe(current))") }
        _ = advance()
        let iterable = try parseOr()  // no conditional expression here: "if" starts a loop filter
        var filter: JinjaExpression?
        if isName("if") { _ = advance(); filter = try parseOr() }
        if isName("recursive") { throw error("unsupported \"recursive\" loop") }
        try expectStatementClose()
        let (body, stop) = try parseBody(until: ["else", "endfor"])
        var otherwise: [JinjaNode] = []
        if stop == "else" {
            try expectStatementClose()
            let (elseBody, end) = try parseBody(until: ["endfor"])
            guard end != nil else { throw error("{% for %} is never closed by {% endfor %}", at: open) }
            otherwise = elseBody
        } else if stop == nil {
            throw error("{% for %} is never closed by {% endfor %}", at: open)
        }
        try expectStatementClose()
        return .loop(targets: targets, iterable: iterable, filter: filter, body: body, otherwise: otherwise, open.position)
    }

    private mutating func parseSet(at open: JinjaToken) throws -> JinjaNode {
        let first = try expectName()
        var target = JinjaSetTarget.names([first])
        if isSymbol(".") {
            _ = advance()
            target = .attribute(first, try expectName())
        } else if isSymbol(",") {
            var names = [first]
            while isSymbol(",") { _ = advance(); names.append(try expectName()) }
            target = .names(names)
        }
        if current.kind == .statementClose, case .names(let names) = target, names.count == 1 {
            _ = advance()
            let (body, stop) = try parseBody(until: ["endset"])
            guard stop != nil else { throw error("{% set \(first) %} is never closed by {% endset %}", at: open) }
            try expectStatementClose()
            return .setBlock(first, body, open.position)
        }
        try expectSymbol("=")
        let value = try parseExpression()
        try expectStatementClose()
        return .set(target, value, open.position)
    }

    // MARK: expressions

    mutating func parseExpression() throws -> JinjaExpression {
        let value = try parseOr()
        guard isName("if") else { return value }
        _ = advance()
        let condition = try parseOr()
        var otherwise: JinjaExpression?
        if isName("else") { _ = advance(); otherwise = try parseExpression() }
        return .conditional(then: value, condition: condition, otherwise: otherwise)
    }

    private mutating func parseOr() throws -> JinjaExpression {
        var left = try parseAnd()
        while isName("or") { _ = advance(); left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws -> JinjaExpression {
        var left = try parseNot()
        while isName("and") { _ = advance(); left = .and(left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws -> JinjaExpression {
        if isName("not") { _ = advance(); return .not(try parseNot()) }
        return try parseComparison()
    }

    private mutating func parseComparison() throws -> JinjaExpression {
        var left = try parseAdditive()
        while true {
            if case .symbol(let symbol) = current.kind, ["==", "!=", "<", ">", "<=", ">="].contains(symbol) {
                _ = advance()
                left = .binary(symbol, left, try parseAdditive())
            } else if isName("in") {
                _ = advance()
                left = .binary("in", left, try parseAdditive())
            } else if isName("not"), tokens[min(index + 1, tokens.count - 1)].kind == .name("in") {
                index += 2
                left = .not(.binary("in", left, try parseAdditive()))
            } else {
                return left
            }
        }
    }

    private mutating func parseAdditive() throws -> JinjaExpression {
        var left = try parseConcat()
        while case .symbol(let symbol) = current.kind, symbol == "+" || symbol == "-" {
            _ = advance()
            left = .binary(symbol, left, try parseConcat())
        }
        return left
    }

    private mutating func parseConcat() throws -> JinjaExpression {
        var left = try parseMultiplicative()
        while isSymbol("~") { _ = advance(); left = .binary("~", left, try parseMultiplicative()) }
        return left
    }

    private mutating func parseMultiplicative() throws -> JinjaExpression {
        var left = try parsePower()
        while case .symbol(let symbol) = current.kind, ["*", "/", "//", "%"].contains(symbol) {
            _ = advance()
            left = .binary(symbol, left, try parsePower())
        }
        return left
    }

    private mutating func parsePower() throws -> JinjaExpression {
        var left = try parseUnary()
        while isSymbol("**") { _ = advance(); left = .binary("**", left, try parseUnary()) }
        return left
    }

    private mutating func parseUnary() throws -> JinjaExpression {
        if isSymbol("-") { _ = advance(); return try parseFilters(.negate(try parseUnary())) }
        if isSymbol("+") { _ = advance(); return try parseUnary() }
        return try parseFilters(try parsePostfix(try parsePrimary()))
    }

    private mutating func parsePrimary() throws -> JinjaExpression {
        let token = advance()
        switch token.kind {
        case .string(var text):
            // Adjacent string literals concatenate, as in Python.
            while case .string(let more) = current.kind { text += more; _ = advance() }
            return .literal(.string(text))
        case .integer(let value): return .literal(.int(value))
        case .float(let value): return .literal(.double(value))
        case .name(let name):
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(name)
            }
        case .symbol("("):
            if isSymbol(")") { _ = advance(); return .list([]) }
            let first = try parseExpression()
            if isSymbol(",") {
                var items = [first]
                while isSymbol(",") {
                    _ = advance()
                    if isSymbol(")") { break }
                    items.append(try parseExpression())
                }
                try expectSymbol(")")
                return .list(items)  // tuples behave as lists here
            }
            try expectSymbol(")")
            return first
        case .symbol("["):
            var items: [JinjaExpression] = []
            while !isSymbol("]") {
                items.append(try parseExpression())
                if !isSymbol("]") { try expectSymbol(",") }
            }
            _ = advance()
            return .list(items)
        case .symbol("{"):
            var pairs: [(JinjaExpression, JinjaExpression)] = []
            while !isSymbol("}") {
                let key = try parseExpression()
                try expectSymbol(":")
                pairs.append((key, try parseExpression()))
                if !isSymbol("}") { try expectSymbol(",") }
            }
            _ = advance()
            return .dict(pairs)
        default:
            throw error("unexpected \(describe(token)) in expression", at: token)
        }
    }

    private mutating func parsePostfix(_ base: JinjaExpression) throws -> JinjaExpression {
        var expression = base
        while true {
            if isSymbol(".") {
                _ = advance()
                if case .integer(let position) = current.kind {
                    _ = advance()
                    expression = .index(expression, .literal(.int(position)))
                } else {
                    expression = .attribute(expression, try expectName())
                }
            } else if isSymbol("[") {
                _ = advance()
                expression = try parseSubscript(expression)
            } else if isSymbol("(") {
                expression = .call(expression, try parseArguments())
            } else {
                return expression
            }
        }
    }

    private mutating func parseSubscript(_ base: JinjaExpression) throws -> JinjaExpression {
        var parts: [JinjaExpression?] = [nil]
        var colons = 0
        while !isSymbol("]") {
            if isSymbol(":") {
                guard colons < 2 else { throw error("too many \":\" in slice") }
                _ = advance()
                colons += 1
                parts.append(nil)
            } else {
                guard parts[parts.count - 1] == nil else { throw error("expected \":\" or \"]\" but found \(describe(current))") }
                parts[parts.count - 1] = try parseExpression()
            }
        }
        _ = advance()
        if colons == 0 {
            guard let single = parts[0] else { throw error("empty subscript []") }
            return .index(base, single)
        }
        return .slice(base, start: parts[0], stop: parts[1], step: parts.count > 2 ? parts[2] : nil)
    }

    private mutating func parseArguments() throws -> JinjaArguments {
        try expectSymbol("(")
        var arguments = JinjaArguments()
        while !isSymbol(")") {
            if case .name(let name) = current.kind, tokens[min(index + 1, tokens.count - 1)].kind == .symbol("=") {
                index += 2
                arguments.keyword.append((name, try parseExpression()))
            } else {
                arguments.positional.append(try parseExpression())
            }
            if !isSymbol(")") { try expectSymbol(",") }
        }
        _ = advance()
        return arguments
    }

    /// `| filter(args)` and `is [not] test args`, which bind tighter than any binary operator.
    private mutating func parseFilters(_ base: JinjaExpression) throws -> JinjaExpression {
        var expression = base
        while true {
            if isSymbol("|") {
                _ = advance()
                let name = try expectName()
                let arguments = isSymbol("(") ? try parseArguments() : JinjaArguments()
                expression = try parsePostfix(.filter(expression, name: name, arguments))
            } else if isName("is") {
                _ = advance()
                var negated = false
                if isName("not") { _ = advance(); negated = true }
                let name: String
                switch current.kind {
                case .name(let text): name = text
                default: throw error("expected a test name after \"is\" but found \(describe(current))")
                }
                _ = advance()
                var arguments = JinjaArguments()
                if isSymbol("(") {
                    arguments = try parseArguments()
                } else if startsTestArgument() {
                    arguments.positional = [try parsePostfix(try parsePrimary())]
                }
                expression = .test(expression, name: name, arguments, negated: negated)
            } else {
                return expression
            }
        }
    }

    /// `x is divisibleby 3`: a test may take one bare argument.
    private func startsTestArgument() -> Bool {
        switch current.kind {
        case .string, .integer, .float: return true
        case .name(let name): return !["and", "or", "if", "else", "is", "in", "not"].contains(name)
        default: return false
        }
    }
}
