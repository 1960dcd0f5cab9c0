import Foundation
import Testing
@testable import SceneForgeText

/// The real Qwen3 chat template rendered by our interpreter vs transformers' apply_chat_template (jinja2).
struct ChatTemplateParityTests {
    struct Case {
        let messages: [JinjaValue]
        let extra: [String: JinjaValue]
        let addGenerationPrompt: Bool
        let rendered: String
    }

    static func load() throws -> [Case] {
        let list = try #require(try Fixtures.json("chat_template_cases.json") as? [[String: Any]])
        return try list.map { entry in
            var extra: [String: JinjaValue] = [:]
            if let thinking = entry["enable_thinking"] as? Bool { extra["enable_thinking"] = .bool(thinking) }
            if let tools = entry["tools"], !(tools is NSNull) { extra["tools"] = jinjaValue(tools) }
            return Case(messages: try #require(entry["messages"] as? [Any]).map(jinjaValue), extra: extra,
                        addGenerationPrompt: try #require(entry["add_generation_prompt"] as? Bool),
                        rendered: try #require(entry["rendered"] as? String))
        }
    }

    @Test func rendersQwen3TemplateLikeJinja2() throws {
        let tokenizer = try Fixtures.tokenizer.get()
        let template = try tokenizer.parsedChatTemplate()
        let cases = try Self.load()
        #expect(cases.count >= 30)
        for (index, item) in cases.enumerated() {
            var extra = tokenizer.specialTokenStrings.mapValues { JinjaValue.string($0) }
            for (key, value) in item.extra { extra[key] = value }
            let output = try template.render(messageValues: item.messages, addGenerationPrompt: item.addGenerationPrompt, extra: extra)
            #expect(Array(output.utf8) == Array(item.rendered.utf8),
                    "case \(index): got \(output.debugDescription)\nwant \(item.rendered.debugDescription)")
        }
    }

    @Test func stringMessagesRenderTheSameAsJinja2() throws {
        let tokenizer = try Fixtures.tokenizer.get()
        let prompt = "美团外卖 店铺页面，优惠券弹窗遮挡下单按钮"
        let expected = try #require(try Self.load().first { item in
            item.messages.count == 1 && item.addGenerationPrompt && item.extra["enable_thinking"].map { $0.pythonEquals(true) } == true
                && item.messages[0].pythonEquals(["role": "user", "content": .string(prompt)])
        })
        let output = try tokenizer.applyChatTemplate(messages: [["role": "user", "content": prompt]], addGenerationPrompt: true,
                                                     extra: ["enable_thinking": true])
        #expect(Array(output.utf8) == Array(expected.rendered.utf8))
    }
}
