import Foundation
import SceneForgeImaging

/// One line of a batch's annotations file (JSON lines): every field of the image's record, with
/// anomaly boxes COCO-style (`bbox = [x, y, width, height]` in pixels, top-left origin).
public struct AnnotationLine: Codable, Equatable, Sendable {
    public struct Box: Codable, Equatable, Sendable {
        public var kind: String
        public var bbox: [Int]
        public var area: Int
    }

    public var id: String
    public var batch: String
    public var jobIndex: Int
    public var scene: String
    public var fileName: String
    public var contentSha256: String
    public var prompt: String
    public var negativePrompt: String
    public var model: String
    public var modelHash: String?
    public var loras: [GenerationRecord.LoRA]
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
    public var anomalies: [Box]
    public var expectedAction: String?
    public var qualityScores: [String: Double]
    public var createdAt: String
    public var extra: [String: String]

    enum CodingKeys: String, CodingKey {
        case id, batch, scene, prompt, model, loras, seed, steps, sampler, guidance, width, height, anomalies, extra
        case jobIndex = "job_index", fileName = "file_name", contentSha256 = "content_sha256"
        case negativePrompt = "negative_prompt", modelHash = "model_hash", controlLayout = "control_layout"
        case controlStrength = "control_strength", styleReference = "style_reference", styleStrength = "style_strength"
        case anomalyType = "anomaly_type", expectedAction = "expected_action", qualityScores = "quality_scores"
        case createdAt = "created_at"
    }

    public init(_ entry: CatalogEntry) {
        let r = entry.record
        id = entry.id
        batch = entry.batch
        jobIndex = entry.jobIndex
        scene = entry.scene
        fileName = entry.imagePath
        contentSha256 = entry.contentHash
        prompt = r.prompt
        negativePrompt = r.negativePrompt
        model = r.model
        modelHash = r.modelHash
        loras = r.loras
        seed = r.seed
        steps = r.steps
        sampler = r.sampler
        guidance = r.guidance
        width = r.width
        height = r.height
        controlLayout = r.controlLayout
        controlStrength = r.controlStrength
        styleReference = r.styleReference
        styleStrength = r.styleStrength
        anomalyType = r.anomalyType
        anomalies = r.anomalyBoxes.map { Box(kind: $0.kind, bbox: [$0.x, $0.y, $0.width, $0.height], area: $0.width * $0.height) }
        expectedAction = r.expectedAction
        qualityScores = r.qualityScores
        createdAt = CatalogDates.string(r.createdAt)
        extra = r.extra
    }

    /// Encodes every field, absent optionals as null, keys sorted: one stable line per image.
    public func jsonLine() throws -> String {
        String(decoding: try JSONEncoder.sorted.encode(NullKeeping(self)), as: UTF8.self)
    }

    /// Writes all lines (in catalog order) atomically.
    public static func write(_ entries: [CatalogEntry], to url: URL) throws {
        let text = try entries.map { try AnnotationLine($0).jsonLine() + "\n" }.joined()
        try AtomicFile.write(Array(text.utf8), to: url)
    }
}

/// Swift's synthesised encoding drops nil optionals; annotation consumers want every key present.
private struct NullKeeping: Encodable {
    let line: AnnotationLine
    init(_ line: AnnotationLine) { self.line = line }

    func encode(to encoder: Encoder) throws {
        typealias K = AnnotationLine.CodingKeys
        var c = encoder.container(keyedBy: K.self)
        let l = line
        try c.encode(l.id, forKey: .id)
        try c.encode(l.batch, forKey: .batch)
        try c.encode(l.jobIndex, forKey: .jobIndex)
        try c.encode(l.scene, forKey: .scene)
        try c.encode(l.fileName, forKey: .fileName)
        try c.encode(l.contentSha256, forKey: .contentSha256)
        try c.encode(l.prompt, forKey: .prompt)
        try c.encode(l.negativePrompt, forKey: .negativePrompt)
        try c.encode(l.model, forKey: .model)
        try c.encode(l.modelHash, forKey: .modelHash)
        try c.encode(l.loras, forKey: .loras)
        try c.encode(l.seed, forKey: .seed)
        try c.encode(l.steps, forKey: .steps)
        try c.encode(l.sampler, forKey: .sampler)
        try c.encode(l.guidance, forKey: .guidance)
        try c.encode(l.width, forKey: .width)
        try c.encode(l.height, forKey: .height)
        try c.encode(l.controlLayout, forKey: .controlLayout)
        try c.encode(l.controlStrength, forKey: .controlStrength)
        try c.encode(l.styleReference, forKey: .styleReference)
        try c.encode(l.styleStrength, forKey: .styleStrength)
        try c.encode(l.anomalyType, forKey: .anomalyType)
        try c.encode(l.anomalies, forKey: .anomalies)
        try c.encode(l.expectedAction, forKey: .expectedAction)
        try c.encode(l.qualityScores, forKey: .qualityScores)
        try c.encode(l.createdAt, forKey: .createdAt)
        try c.encode(l.extra, forKey: .extra)
    }
}
