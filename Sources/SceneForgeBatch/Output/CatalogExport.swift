import Foundation

/// The formats `sceneforge catalog export` writes.
public enum CatalogExportFormat: String, CaseIterable, Sendable {
    case jsonl, csv, coco
}

public enum CatalogExport {
    public static func render(_ entries: [CatalogEntry], format: CatalogExportFormat) throws -> String {
        switch format {
        case .jsonl: return try entries.map { try AnnotationLine($0).jsonLine() + "\n" }.joined()
        case .csv: return try csv(entries)
        case .coco: return try coco(entries)
        }
    }

    static let csvColumns = [
        "id", "batch", "job_index", "scene", "file_name", "content_sha256", "prompt", "negative_prompt", "model", "model_hash",
        "loras", "seed", "steps", "sampler", "guidance", "width", "height", "control_layout", "control_strength",
        "style_reference", "style_strength", "anomaly_type", "anomaly_bboxes", "expected_action", "quality_scores", "created_at",
    ]

    /// RFC 4180: every field quoted when it holds a comma, quote or line break; lists as JSON text.
    static func csv(_ entries: [CatalogEntry]) throws -> String {
        func field(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try JSONEncoder.sorted.encode(value), as: UTF8.self) }
        var lines = [csvColumns.joined(separator: ",")]
        for entry in entries {
            let a = AnnotationLine(entry)
            let values: [String] = [
                a.id, a.batch, "\(a.jobIndex)", a.scene, a.fileName, a.contentSha256, a.prompt, a.negativePrompt, a.model,
                a.modelHash ?? "", try json(a.loras), "\(a.seed)", "\(a.steps)", a.sampler, "\(a.guidance)", "\(a.width)",
                "\(a.height)", a.controlLayout ?? "", a.controlStrength.map { "\($0)" } ?? "", a.styleReference ?? "",
                a.styleStrength.map { "\($0)" } ?? "", a.anomalyType ?? "", try json(a.anomalies), a.expectedAction ?? "",
                try json(a.qualityScores), a.createdAt,
            ]
            lines.append(values.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// COCO detection format: one category per anomaly type, one annotation per anomaly box (the box
    /// kind rides along as `attributes.kind`), image ids numbered in catalog order from 1.
    static func coco(_ entries: [CatalogEntry]) throws -> String {
        struct Image: Encodable {
            let id: Int, file_name: String, width: Int, height: Int, sceneforge_id: String, scene: String, seed: UInt64
        }
        struct Annotation: Encodable {
            struct Attributes: Encodable { let kind: String }
            let id: Int, image_id: Int, category_id: Int, bbox: [Int], area: Int, iscrowd: Int, attributes: Attributes
        }
        struct Category: Encodable { let id: Int, name: String, supercategory: String }
        struct Document: Encodable {
            struct Info: Encodable { let description: String, version: String }
            let info: Info, images: [Image], annotations: [Annotation], categories: [Category]
        }
        let typeNames = Array(Set(entries.compactMap(\.record.anomalyType))).sorted()
        let categoryId = Dictionary(uniqueKeysWithValues: typeNames.enumerated().map { ($1, $0 + 1) })
        var images: [Image] = []
        var annotations: [Annotation] = []
        for (offset, entry) in entries.enumerated() {
            let r = entry.record
            images.append(Image(id: offset + 1, file_name: entry.imagePath, width: r.width, height: r.height,
                                sceneforge_id: entry.id, scene: entry.scene, seed: r.seed))
            guard let type = r.anomalyType, let category = categoryId[type] else { continue }
            for box in r.anomalyBoxes {
                annotations.append(Annotation(
                    id: annotations.count + 1, image_id: offset + 1, category_id: category,
                    bbox: [box.x, box.y, box.width, box.height], area: box.width * box.height, iscrowd: 0,
                    attributes: .init(kind: box.kind)))
            }
        }
        let document = Document(
            info: .init(description: "SceneForge anomaly scenes", version: "1"), images: images, annotations: annotations,
            categories: typeNames.map { Category(id: categoryId[$0] ?? 0, name: $0, supercategory: "anomaly") })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}
