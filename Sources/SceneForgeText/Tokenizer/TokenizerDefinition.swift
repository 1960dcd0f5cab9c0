import Foundation

/// What tokenizer.json says, validated: the parts this implementation runs.
struct TokenizerDefinition: Sendable {
    let model: BPEModel
    let addedTokens: [AddedToken]
    let normalizer: Normalizer?
    /// True when the pre-tokenizer splits with the Qwen2 pattern (else the whole text is one piece).
    let splitsWithQwen2Pattern: Bool
    /// Ids the post-processor puts around a single sequence when special tokens are added.
    let prefixIDs: [Int]
    let suffixIDs: [Int]
    /// Padding settings stored in tokenizer.json, if any.
    let padID: Int?
    let padToken: String?

    init(url: URL) throws {
        let json = try JSONFields.load(url)
        let file = url.path
        normalizer = try Normalizer(json: json.optionalObject("normalizer"))
        splitsWithQwen2Pattern = try Self.parsePreTokenizer(json.optionalObject("pre_tokenizer"), file: file)
        try Self.checkDecoder(json.optionalObject("decoder"), file: file)
        (prefixIDs, suffixIDs) = try Self.parsePostProcessor(json.optionalObject("post_processor"), file: file)
        model = try Self.parseModel(json.object("model"))
        addedTokens = json.isNull("added_tokens") ? [] : try json.objects("added_tokens").map(AddedToken.init)
        let padding = try json.optionalObject("padding")
        padID = try padding.map { try $0.int("pad_id") }
        padToken = try padding?.optionalString("pad_token")
    }

    private static func parseModel(_ json: JSONFields) throws -> BPEModel {
        let type = try json.optionalString("type") ?? "BPE"
        guard type == "BPE" else { throw TextError.unsupportedComponent(file: json.file, component: "model type \"\(type)\" (only BPE)") }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = try json.optionalString(key), !value.isEmpty {
                throw TextError.unsupportedComponent(file: json.file, component: "model.\(key) \"\(value)\"")
            }
        }
        if try json.bool("byte_fallback", default: false) {
            throw TextError.unsupportedComponent(file: json.file, component: "model.byte_fallback = true")
        }
        if !json.isNull("dropout") { throw TextError.unsupportedComponent(file: json.file, component: "model.dropout (BPE dropout)") }
        guard let rawVocab = json.object["vocab"] as? [String: Any] else { throw json.fail("vocab", "is missing or not an object") }
        var vocab: [String: Int] = [:]
        vocab.reserveCapacity(rawVocab.count)
        for (token, value) in rawVocab {
            guard let id = value as? Int else { throw json.fail("vocab[\"\(token)\"]", "is not an integer id") }
            vocab[token] = id
        }
        let merges = try json.array("merges").enumerated().map { index, entry -> (String, String) in
            // Old form "a b"; newer form ["a", "b"].
            if let line = entry as? String {
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw json.fail("merges[\(index)]", "\"\(line)\" is not two tokens separated by one space") }
                return (String(parts[0]), String(parts[1]))
            }
            if let pair = entry as? [Any], pair.count == 2, let left = pair[0] as? String, let right = pair[1] as? String {
                return (left, right)
            }
            throw json.fail("merges[\(index)]", "is neither \"a b\" nor [\"a\", \"b\"]")
        }
        return try BPEModel(vocab: vocab, merges: merges, ignoreMerges: json.bool("ignore_merges", default: false), file: json.file)
    }

    private static func parsePreTokenizer(_ json: JSONFields?, file: String) throws -> Bool {
        guard let json else { return false }
        let steps = try json.string("type") == "Sequence" ? try json.objects("pretokenizers") : [json]
        var splits = false
        var sawByteLevel = false
        for step in steps {
            let type = try step.string("type")
            switch type {
            case "Split":
                let pattern = try step.object("pattern")
                guard let regex = try pattern.optionalString("Regex"), regex == Qwen2PreTokenizer.pattern else {
                    throw TextError.unsupportedComponent(file: file, component: "Split pattern at \(step.path) (only the Qwen2 regex is implemented)")
                }
                let behavior = try step.string("behavior")
                guard behavior == "Isolated", try !step.bool("invert", default: false) else {
                    throw TextError.unsupportedComponent(file: file, component: "Split behavior \"\(behavior)\"/invert at \(step.path) (only Isolated)")
                }
                splits = true
            case "ByteLevel":
                guard try !step.bool("use_regex", default: true), try !step.bool("add_prefix_space", default: true) else {
                    throw TextError.unsupportedComponent(file: file, component: "ByteLevel pre-tokenizer with use_regex or add_prefix_space at \(step.path)")
                }
                sawByteLevel = true
            default:
                throw TextError.unsupportedComponent(file: file, component: "pre_tokenizer type \"\(type)\" at \(step.path)")
            }
        }
        guard sawByteLevel else { throw TextError.unsupportedComponent(file: file, component: "pre_tokenizer without ByteLevel (only byte-level BPE)") }
        return splits
    }

    private static func checkDecoder(_ json: JSONFields?, file: String) throws {
        guard let json else { throw TextError.unsupportedComponent(file: file, component: "missing decoder (only ByteLevel)") }
        let type = try json.string("type")
        guard type == "ByteLevel" else { throw TextError.unsupportedComponent(file: file, component: "decoder type \"\(type)\" (only ByteLevel)") }
    }

    /// ByteLevel adds nothing (trim_offsets only moves offsets); TemplateProcessing's single template adds ids.
    private static func parsePostProcessor(_ json: JSONFields?, file: String) throws -> ([Int], [Int]) {
        guard let json else { return ([], []) }
        let type = try json.string("type")
        switch type {
        case "ByteLevel": return ([], [])
        case "TemplateProcessing":
            let specials = try json.object("special_tokens")
            var prefix: [Int] = [], suffix: [Int] = []
            var sawSequence = false
            for piece in try json.objects("single") {
                if let special = try piece.optionalObject("SpecialToken") {
                    let name = try special.string("id")
                    let ids = try specials.object(name).array("ids").compactMap { $0 as? Int }
                    if sawSequence { suffix += ids } else { prefix += ids }
                } else if try piece.optionalObject("Sequence") != nil {
                    sawSequence = true
                } else {
                    throw piece.fail("", "is neither SpecialToken nor Sequence")
                }
            }
            return (prefix, suffix)
        default:
            throw TextError.unsupportedComponent(file: file, component: "post_processor type \"\(type)\"")
        }
    }
}
