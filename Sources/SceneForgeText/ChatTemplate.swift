/// A chat template (Jinja source from tokenizer_config.json or chat_template.jinja),
/// rendered by this package's own Jinja-subset interpreter with transformers' settings.
public struct ChatTemplate: Sendable {
    public let source: String
    private let nodes: [JinjaNode]

    /// Parses the template; throws `TextError.template` naming the construct and its line and column.
    public init(source: String) throws {
        self.source = source
        nodes = try JinjaParser.parse(source)
    }

    /// Renders `messages` (role/content pairs) as transformers' `apply_chat_template(tokenize=False)` does.
    /// `extra` holds further template variables, e.g. `enable_thinking`, `tools`, `bos_token`.
    public func render(messages: [[String: String]], addGenerationPrompt: Bool,
                       extra: [String: JinjaValue] = [:]) throws -> String {
        // Swift dictionaries have no order; use role, content, then the rest sorted (what tojson would show).
        let values = messages.map { message in
            let rest = message.keys.filter { $0 != "role" && $0 != "content" }.sorted()
            let keys = ["role", "content"].filter { message[$0] != nil } + rest
            return JinjaValue.object(JinjaObject(keys.map { ($0, JinjaValue.string(message[$0] ?? "")) }))
        }
        return try render(messageValues: values, addGenerationPrompt: addGenerationPrompt, extra: extra)
    }

    /// Renders messages that carry more than strings (tool calls, reasoning content).
    public func render(messageValues messages: [JinjaValue], addGenerationPrompt: Bool, extra: [String: JinjaValue] = [:]) throws -> String {
        var globals: [String: JinjaValue] = ["tools": .none, "documents": .none]
        for (key, value) in extra { globals[key] = value }
        globals["messages"] = .array(messages)
        globals["add_generation_prompt"] = .bool(addGenerationPrompt)
        return try JinjaRenderer(globals: globals).render(nodes)
    }
}
