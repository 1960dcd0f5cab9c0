import Foundation

/// Which end of a sequence padding or truncation applies to.
public enum Side: String, Sendable { case left, right }

/// The parts of transformers' tokenizer_config.json the text front end uses.
struct TokenizerConfig: Sendable {
    var padToken: String?
    var paddingSide: Side = .right
    var truncationSide: Side = .right
    var chatTemplate: String?
    /// bos_token, eos_token, pad_token, unk_token: passed to the chat template, as transformers does.
    var specialTokens: [String: String] = [:]

    init() {}

    init(url: URL) throws {
        let json = try JSONFields.load(url)
        for key in ["bos_token", "eos_token", "pad_token", "unk_token"] {
            if let token = try Self.tokenContent(json, key) { specialTokens[key] = token }
        }
        padToken = specialTokens["pad_token"]
        paddingSide = try Self.side(json, "padding_side")
        truncationSide = try Self.side(json, "truncation_side")
        chatTemplate = try Self.template(json)
    }

    /// A special token is stored as a string or as {"content": ...}.
    private static func tokenContent(_ json: JSONFields, _ key: String) throws -> String? {
        if json.isNull(key) { return nil }
        if let text = json.object[key] as? String { return text }
        return try json.object(key).string("content")
    }

    private static func side(_ json: JSONFields, _ key: String) throws -> Side {
        guard let text = try json.optionalString(key) else { return .right }
        guard let side = Side(rawValue: text) else { throw json.fail(key, "is \"\(text)\", expected \"left\" or \"right\"") }
        return side
    }

    /// `chat_template` is a string, or a list of {"name", "template"} from which "default" is used.
    private static func template(_ json: JSONFields) throws -> String? {
        if json.isNull("chat_template") { return nil }
        if let text = json.object["chat_template"] as? String { return text }
        let named = try json.objects("chat_template")
        for entry in named where try entry.string("name") == "default" { return try entry.string("template") }
        throw json.fail("chat_template", "is a list without a \"default\" template")
    }
}
