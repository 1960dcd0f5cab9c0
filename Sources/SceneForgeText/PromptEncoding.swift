/// The text side of diffusers' ZImagePipeline._encode_prompt.
extension BPETokenizer {
    /// The parsed chat template, or a `TextError` when the tokenizer has none.
    public func parsedChatTemplate() throws -> ChatTemplate {
        guard let source = chatTemplate else {
            throw TextError.invalidTokenizerFile(file: "tokenizer_config.json", problem: "has no chat_template (and no chat_template.jinja exists)")
        }
        return try ChatTemplate(source: source)
    }

    /// `tokenizer.apply_chat_template(messages, tokenize=False, ...)`: the template also sees
    /// bos/eos/pad/unk token strings, as transformers passes them.
    public func applyChatTemplate(messages: [[String: String]], addGenerationPrompt: Bool,
                                  extra: [String: JinjaValue] = [:]) throws -> String {
        var variables: [String: JinjaValue] = specialTokenStrings.mapValues { .string($0) }
        for (key, value) in extra { variables[key] = value }
        return try parsedChatTemplate().render(messages: messages, addGenerationPrompt: addGenerationPrompt, extra: variables)
    }

    /// Each prompt wrapped as one user message with `add_generation_prompt=True, enable_thinking=True`,
    /// then tokenized with `padding="max_length", max_length=maxLength, truncation=True`.
    /// The encoder's second-to-last hidden states at positions whose mask is 1 are the prompt embeddings.
    public func encodeZImagePrompts(_ prompts: [String], maxLength: Int = 512) throws -> EncodedBatch {
        let template = try parsedChatTemplate()
        var variables: [String: JinjaValue] = specialTokenStrings.mapValues { .string($0) }
        variables["enable_thinking"] = .bool(true)
        let texts = try prompts.map { prompt in
            try template.render(messages: [["role": "user", "content": prompt]], addGenerationPrompt: true, extra: variables)
        }
        return try encodeBatch(texts, maxLength: maxLength, padding: .maxLength, truncation: true)
    }
}
