/// Expressions of the Jinja subset.
indirect enum JinjaExpression: Sendable {
    case literal(JinjaValue)
    case name(String)
    case list([JinjaExpression])
    case dict([(JinjaExpression, JinjaExpression)])
    case attribute(JinjaExpression, String)
    case index(JinjaExpression, JinjaExpression)
    case slice(JinjaExpression, start: JinjaExpression?, stop: JinjaExpression?, step: JinjaExpression?)
    case call(JinjaExpression, JinjaArguments)
    case filter(JinjaExpression, name: String, JinjaArguments)
    case test(JinjaExpression, name: String, JinjaArguments, negated: Bool)
    case not(JinjaExpression)
    case negate(JinjaExpression)
    case binary(String, JinjaExpression, JinjaExpression)
    case and(JinjaExpression, JinjaExpression)
    case or(JinjaExpression, JinjaExpression)
    case conditional(then: JinjaExpression, condition: JinjaExpression, otherwise: JinjaExpression?)
}

/// Call arguments: positional, then keyword.
struct JinjaArguments: Sendable {
    var positional: [JinjaExpression] = []
    var keyword: [(String, JinjaExpression)] = []
}

/// Where `{% set %}` stores its value.
enum JinjaSetTarget: Sendable {
    case names([String])
    case attribute(String, String)  // ns.attr
}

/// Template statements; each keeps its position for runtime error messages.
indirect enum JinjaNode: Sendable {
    case text(String)
    case output(JinjaExpression, SourcePosition)
    case conditional([(JinjaExpression, [JinjaNode])], otherwise: [JinjaNode], SourcePosition)
    case loop(targets: [String], iterable: JinjaExpression, filter: JinjaExpression?, body: [JinjaNode],
              otherwise: [JinjaNode], SourcePosition)
    case set(JinjaSetTarget, JinjaExpression, SourcePosition)
    case setBlock(String, [JinjaNode], SourcePosition)
    case breakLoop(SourcePosition)
    case continueLoop(SourcePosition)
    /// transformers' `{% generation %}` marks assistant text; rendering just emits the body.
    case generation([JinjaNode])
}
