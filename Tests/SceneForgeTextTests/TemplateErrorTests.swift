import Testing
@testable import SceneForgeText

/// Templates outside the subset, and runtime failures, give errors naming the construct and position.
struct TemplateErrorTests {
    @Test func macroIsRejectedWithItsPosition() {
        let source = "Hello\n  {% macro greet(name) %}Hi {{ name }}{% endmacro %}"
        #expect(throws: TextError.template(
            message: "unsupported statement \"macro\" (this Jinja subset has if, for, set, break, continue, generation)",
            line: 2, column: 3)) {
            _ = try ChatTemplate(source: source)
        }
    }

    @Test func unclosedBlocksAreReported() {
        #expect(throws: TextError.template(message: "{% if %} is never closed by {% endif %}", line: 1, column: 1)) {
            _ = try ChatTemplate(source: "{% if x %}open")
        }
        #expect(throws: TextError.template(message: "unclosed {{", line: 1, column: 3)) {
            _ = try ChatTemplate(source: "a {{ x ")
        }
    }

    @Test func unknownFilterFailsAtRenderWithPosition() throws {
        let template = try ChatTemplate(source: "ok\n{{ messages | shuffle }}")
        #expect(throws: TextError.template(message: "unsupported filter \"shuffle\"", line: 2, column: 1)) {
            _ = try template.render(messages: [], addGenerationPrompt: false)
        }
    }

    @Test func raiseExceptionThrows() throws {
        let template = try ChatTemplate(source: "{% if messages[0].role != 'user' %}{{ raise_exception('first message must be from the user') }}{% endif %}")
        #expect(throws: TextError.templateRaised("first message must be from the user")) {
            _ = try template.render(messages: [["role": "assistant", "content": "x"]], addGenerationPrompt: false)
        }
        #expect(try template.render(messages: [["role": "user", "content": "x"]], addGenerationPrompt: false) == "")
    }

    @Test func attributeOfUndefinedFails() throws {
        let template = try ChatTemplate(source: "{{ nothing.field }}")
        #expect(throws: TextError.self) { _ = try template.render(messages: [], addGenerationPrompt: false) }
    }
}
