import Foundation

/// Everything needed to regenerate an image and to score an agent on it (see domain.md,
/// "Output records"). Stored as JSON in the PNG's `sceneforge` iTXt chunk.
public struct GenerationRecord: Codable, Equatable, Sendable {
    public struct LoRA: Codable, Equatable, Sendable {
        public var name: String
        public var weight: Double
        public init(name: String, weight: Double) { self.name = name; self.weight = weight }
    }

    /// A ground-truth box in image pixel coordinates (top-left origin).
    public struct AnomalyBox: Codable, Equatable, Sendable {
        public var kind: String
        public var x: Int, y: Int, width: Int, height: Int
        public init(kind: String, x: Int, y: Int, width: Int, height: Int) {
            self.kind = kind; self.x = x; self.y = y; self.width = width; self.height = height
        }
    }

    public var id: String?
    public var prompt: String
    public var negativePrompt: String
    public var model: String
    public var modelHash: String?
    public var loras: [LoRA]
    public var seed: UInt64
    public var steps: Int
    public var sampler: String
    public var guidance: Double
    public var width: Int
    public var height: Int
    public var controlLayout: String?
    public var controlStrength: Double?
    public var styleReference: String?
    public var styleStrength: Double?
    public var anomalyType: String?
    public var anomalyBoxes: [AnomalyBox]
    public var expectedAction: String?
    public var qualityScores: [String: Double]
    /// Stored as ISO 8601 with milliseconds, so it round-trips to the millisecond.
    public var createdAt: Date
    public var extra: [String: String]

    public init(
        id: String? = nil, prompt: String, negativePrompt: String = "", model: String, modelHash: String? = nil,
        loras: [LoRA] = [], seed: UInt64, steps: Int, sampler: String, guidance: Double, width: Int, height: Int,
        controlLayout: String? = nil, controlStrength: Double? = nil, styleReference: String? = nil,
        styleStrength: Double? = nil, anomalyType: String? = nil, anomalyBoxes: [AnomalyBox] = [],
        expectedAction: String? = nil, qualityScores: [String: Double] = [:], createdAt: Date,
        extra: [String: String] = [:]
    ) {
        self.id = id; self.prompt = prompt; self.negativePrompt = negativePrompt; self.model = model
        self.modelHash = modelHash; self.loras = loras; self.seed = seed; self.steps = steps
        self.sampler = sampler; self.guidance = guidance; self.width = width; self.height = height
        self.controlLayout = controlLayout; self.controlStrength = controlStrength
        self.styleReference = styleReference; self.styleStrength = styleStrength
        self.anomalyType = anomalyType; self.anomalyBoxes = anomalyBoxes; self.expectedAction = expectedAction
        self.qualityScores = qualityScores; self.createdAt = createdAt; self.extra = extra
    }

    private enum CodingKeys: String, CodingKey {
        case id, prompt, negativePrompt, model, modelHash, loras, seed, steps, sampler, guidance, width, height
        case controlLayout, controlStrength, styleReference, styleStrength, anomalyType, anomalyBoxes
        case expectedAction, qualityScores, createdAt, extra
    }

    /// Collections and optional fields may be absent (older or hand-written records).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        prompt = try c.decode(String.self, forKey: .prompt)
        negativePrompt = try c.decodeIfPresent(String.self, forKey: .negativePrompt) ?? ""
        model = try c.decode(String.self, forKey: .model)
        modelHash = try c.decodeIfPresent(String.self, forKey: .modelHash)
        loras = try c.decodeIfPresent([LoRA].self, forKey: .loras) ?? []
        seed = try c.decode(UInt64.self, forKey: .seed)
        steps = try c.decode(Int.self, forKey: .steps)
        sampler = try c.decode(String.self, forKey: .sampler)
        guidance = try c.decode(Double.self, forKey: .guidance)
        width = try c.decode(Int.self, forKey: .width)
        height = try c.decode(Int.self, forKey: .height)
        controlLayout = try c.decodeIfPresent(String.self, forKey: .controlLayout)
        controlStrength = try c.decodeIfPresent(Double.self, forKey: .controlStrength)
        styleReference = try c.decodeIfPresent(String.self, forKey: .styleReference)
        styleStrength = try c.decodeIfPresent(Double.self, forKey: .styleStrength)
        anomalyType = try c.decodeIfPresent(String.self, forKey: .anomalyType)
        anomalyBoxes = try c.decodeIfPresent([AnomalyBox].self, forKey: .anomalyBoxes) ?? []
        expectedAction = try c.decodeIfPresent(String.self, forKey: .expectedAction)
        qualityScores = try c.decodeIfPresent([String: Double].self, forKey: .qualityScores) ?? [:]
        createdAt = try c.decode(Date.self, forKey: .createdAt)
        extra = try c.decodeIfPresent([String: String].self, forKey: .extra) ?? [:]
    }
}

extension GenerationRecord {
    public func jsonData(pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, enc in
            var c = enc.singleValueContainer()
            try c.encode(Self.isoFormatter().string(from: date))
        }
        return try encoder.encode(self)
    }

    public static func decode(json: Data) throws -> GenerationRecord {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { dec in
            let c = try dec.singleValueContainer()
            let text = try c.decode(String.self)
            let plain = ISO8601DateFormatter()
            guard let date = isoFormatter().date(from: text) ?? plain.date(from: text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "createdAt \"\(text)\" is not an ISO 8601 date")
            }
            return date
        }
        do {
            return try decoder.decode(GenerationRecord.self, from: json)
        } catch let error as DecodingError {
            throw ImagingError.metadata("sceneforge record JSON: \(describe(error))")
        }
    }

    private static func isoFormatter() -> ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ p: [CodingKey]) -> String { p.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let ctx): return "missing field \(path(ctx.codingPath + [key]))"
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
            return "field \(path(ctx.codingPath)) has the wrong type: \(ctx.debugDescription)"
        case .dataCorrupted(let ctx):
            return ctx.codingPath.isEmpty ? "not valid JSON" : "field \(path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
