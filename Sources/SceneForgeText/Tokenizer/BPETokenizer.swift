import Foundation

/// A byte-level BPE tokenizer read from a Hugging Face `tokenizer.json`
/// (Qwen2/Qwen3 family), with the settings of `tokenizer_config.json`.
public final class BPETokenizer: Sendable {
    private let definition: TokenizerDefinition
    private let config: TokenizerConfig
    private let rawMatcher: AddedTokenMatcher
    private let normalizedMatcher: AddedTokenMatcher
    private let addedByID: [Int: AddedToken]
    private let addedByContent: [String: Int]
    private let cache = PieceCache()

    /// Loads `tokenizer.json`, plus `tokenizer_config.json` and `chat_template.jinja` when present.
    public convenience init(folder: URL) throws {
        let config = folder.appendingPathComponent("tokenizer_config.json")
        let hasConfig = FileManager.default.fileExists(atPath: config.path)
        try self.init(tokenizerJSON: folder.appendingPathComponent("tokenizer.json"), tokenizerConfig: hasConfig ? config : nil)
    }

    public init(tokenizerJSON: URL, tokenizerConfig: URL?) throws {
        definition = try TokenizerDefinition(url: tokenizerJSON)
        var config = try tokenizerConfig.map(TokenizerConfig.init(url:)) ?? TokenizerConfig()
        // transformers prefers a chat_template.jinja file next to the config over the inline template.
        let jinja = tokenizerJSON.deletingLastPathComponent().appendingPathComponent("chat_template.jinja")
        if FileManager.default.fileExists(atPath: jinja.path) {
            do { config.chatTemplate = try String(contentsOf: jinja, encoding: .utf8) } catch {
                throw TextError.invalidTokenizerFile(file: jinja.path, problem: "cannot read as UTF-8 (\(error.localizedDescription))")
            }
        }
        if config.padToken == nil { config.padToken = definition.padToken }
        self.config = config
        rawMatcher = AddedTokenMatcher(definition.addedTokens.filter { !$0.normalized })
        normalizedMatcher = AddedTokenMatcher(definition.addedTokens.filter { $0.normalized })
        addedByID = Dictionary(definition.addedTokens.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        addedByContent = Dictionary(definition.addedTokens.map { ($0.content, $0.id) }, uniquingKeysWith: { first, _ in first })
    }

    /// Number of ids: the largest id (vocabulary or added token) plus one.
    public var vocabularySize: Int {
        let modelMax = definition.model.idToToken.keys.max() ?? -1
        let addedMax = addedByID.keys.max() ?? -1
        return max(modelMax, addedMax) + 1
    }

    public var padTokenID: Int? {
        if let token = config.padToken { return id(of: token) }
        return definition.padID
    }

    public var paddingSide: Side { config.paddingSide }
    public var truncationSide: Side { config.truncationSide }
    public var chatTemplate: String? { config.chatTemplate }
    /// bos/eos/pad/unk token strings from tokenizer_config.json (the chat template sees them).
    public var specialTokenStrings: [String: String] { config.specialTokens }

    /// The id of a token string: an added token's content or a vocabulary entry (byte-level form).
    public func id(of token: String) -> Int? {
        if let id = addedByContent[token] { return id }
        return definition.model.vocab[token]
    }

    /// The token string of an id.
    public func token(of id: Int) -> String? {
        addedByID[id]?.content ?? definition.model.idToToken[id]
    }

    public func encode(_ text: String, addSpecialTokens: Bool = true) -> [Int] {
        var ids: [Int] = addSpecialTokens ? definition.prefixIDs : []
        for segment in rawMatcher.split(Array(text.unicodeScalars)) {
            switch segment {
            case .token(let id): ids.append(id)
            case .text(let scalars):
                let normalized = normalize(scalars)
                for inner in normalizedMatcher.split(normalized) {
                    switch inner {
                    case .token(let id): ids.append(id)
                    case .text(let piece): ids += encodeText(piece)
                    }
                }
            }
        }
        if addSpecialTokens { ids += definition.suffixIDs }
        return ids
    }

    private func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard let normalizer = definition.normalizer else { return scalars }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return Array(normalizer.apply(text).unicodeScalars)
    }

    private func encodeText(_ scalars: [Unicode.Scalar]) -> [Int] {
        let pieces = definition.splitsWithQwen2Pattern ? Qwen2PreTokenizer.split(scalars) : [0..<scalars.count]
        var ids: [Int] = []
        for range in pieces where !range.isEmpty {
            var bytes: [UInt8] = []
            for scalar in scalars[range] { UTF8.encode(scalar) { bytes.append($0) } }
            if let cached = cache.get(bytes) { ids += cached; continue }
            let pieceIDs = definition.model.tokenize(bytes)
            cache.set(bytes, pieceIDs)
            ids += pieceIDs
        }
        return ids
    }

    /// ids -> text with the byte-level decoder. Unknown ids are skipped; so are special added
    /// tokens when `skipSpecialTokens` is true. Invalid UTF-8 becomes U+FFFD, as tokenizers does.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            let token: String
            if let added = addedByID[id] {
                if skipSpecialTokens && added.special { continue }
                token = added.content
            } else if let text = definition.model.idToToken[id] {
                token = text
            } else {
                continue
            }
            // A token with a character outside the byte alphabet is taken as plain UTF-8.
            bytes += ByteLevelAlphabet.decode(token) ?? Array(token.utf8)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Thread-safe memo of piece bytes -> ids.
private final class PieceCache: @unchecked Sendable {
    private let lock = NSLock()
    private var table: [[UInt8]: [Int]] = [:]
    private let limit = 50_000

    func get(_ key: [UInt8]) -> [Int]? {
        lock.lock(); defer { lock.unlock() }
        return table[key]
    }

    func set(_ key: [UInt8], _ value: [Int]) {
        lock.lock(); defer { lock.unlock() }
        if table.count >= limit { table.removeAll(keepingCapacity: true) }
        table[key] = value
    }
}
