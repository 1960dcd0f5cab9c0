import Foundation
import Testing
@testable import SceneForgeText

/// Small templates covering each supported construct, compared with jinja2 under transformers' settings.
struct JinjaParityTests {
    @Test func constructsRenderLikeJinja2() throws {
        let list = try #require(try Fixtures.json("jinja_cases.json") as? [[String: Any]])
        #expect(list.count >= 30)
        for (index, entry) in list.enumerated() {
            let source = try #require(entry["template"] as? String)
            let expected = try #require(entry["rendered"] as? String)
            let variables = try #require(entry["variables"] as? [String: Any]).mapValues(jinjaValue)
            let template = try ChatTemplate(source: source)
            var globals = variables
            globals.removeValue(forKey: "messages")
            let messages: [JinjaValue]
            if case .array(let items)? = variables["messages"] { messages = items } else { messages = [] }
            // render() adds add_generation_prompt/tools/documents; these templates do not read them.
            let output = try template.render(messageValues: messages, addGenerationPrompt: false, extra: globals)
            #expect(Array(output.utf8) == Array(expected.utf8),
                    "case \(index) \(source.debugDescription): got \(output.debugDescription), want \(expected.debugDescription)")
        }
    }
}
