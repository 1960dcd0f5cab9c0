import Foundation
@testable import SceneForgeText

/// Locates Tests/Fixtures/text from this source file.
enum Fixtures {
    static let text: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.lastPathComponent != "Tests" && url.pathComponents.count > 1 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Fixtures/text")
    }()

    static var tokenizerFolder: URL { text.appendingPathComponent("tokenizer") }

    static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: text.appendingPathComponent(name)))
    }

    /// The small Qwen-style tokenizer the reference script trained, loaded once.
    static let tokenizer: Result<BPETokenizer, Error> = Result { try BPETokenizer(folder: tokenizerFolder) }

    /// A scratch folder for tests that write files.
    static func scratchFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sceneforge-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

struct EncodeCase {
    let text: String
    let ids: [Int]
    let decoded: String
    let decodedSkipSpecial: String
    /// Pre-tokenizer output (byte-level strings) from tokenizers' pre_tokenize_str.
    let pieces: [String]

    static func load() throws -> [EncodeCase] {
        guard let list = try Fixtures.json("encode_cases.json") as? [[String: Any]] else { return [] }
        return list.compactMap { entry in
            guard let text = entry["text"] as? String, let ids = entry["ids"] as? [Int],
                  let decoded = entry["decoded"] as? String,
                  let skip = entry["decoded_skip_special"] as? String,
                  let pieces = entry["pieces"] as? [String] else { return nil }
            return EncodeCase(text: text, ids: ids, decoded: decoded, decodedSkipSpecial: skip, pieces: pieces)
        }
    }
}

/// JSON (from JSONSerialization) -> JinjaValue. Object keys are sorted: Foundation loses JSON key
/// order, so the reference script writes sorted keys wherever order shows (tojson).
func jinjaValue(_ json: Any) -> JinjaValue {
    switch json {
    case let text as String: return .string(text)
    case let list as [Any]: return .array(list.map(jinjaValue))
    case let dict as [String: Any]: return .object(JinjaObject(dict.keys.sorted().map { ($0, jinjaValue(dict[$0] ?? NSNull())) }))
    case let number as NSNumber:
        switch String(cString: number.objCType) {
        case "c": return .bool(number.boolValue)
        case "d", "f": return .double(number.doubleValue)
        default: return .int(number.intValue)
        }
    default: return .none
    }
}
