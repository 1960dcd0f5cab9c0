extension GenerationRecord {
    /// The record as A1111 infotext. LoRAs go into the prompt as `<lora:name:weight>` tags,
    /// which is where A1111 users write them and where readers look for them.
    public var a1111Parameters: A1111Parameters {
        let loraTags = loras.map { "<lora:\($0.name):\(Self.format($0.weight))>" }
        let prompt = ([self.prompt] + loraTags).joined(separator: " ")
        var settings: [(key: String, value: String)] = [
            ("Steps", String(steps)), ("Sampler", sampler), ("CFG scale", Self.format(guidance)),
            ("Seed", String(seed)), ("Size", "\(width)x\(height)"),
        ]
        if let modelHash { settings.append(("Model hash", modelHash)) }
        settings.append(("Model", model))
        return A1111Parameters(prompt: prompt, negativePrompt: negativePrompt, settings: settings)
    }

    /// A1111 writes floats with Python's `str()`: `1.0`, `0.8`, `7.5`.
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(format1: value) : "\(value)"
    }
}

private extension String {
    init(format1 value: Double) { self = "\(Int64(value)).0" }
}
