import Foundation

/// Parses one layout file: top-level metadata plus `[[boxes]]`, checked against the taxonomy.
enum LayoutParser {
    static let layoutFields: Set<String> = ["id", "name", "description", "anomaly", "aspect", "boxes"]
    static let boxFields: Set<String> = ["id", "kind", "x", "y", "w", "h", "text", "anomaly", "z"]
    /// Float slack for `x + w <= 1`, so 0.1 + 0.9 is not rejected for rounding.
    static let edgeTolerance = 1e-9

    static func parse(_ file: SceneFile, anomalies: [String: AnomalyType]) throws -> Layout {
        let root = file.rootReader
        try root.rejectUnknownKeys(allowed: layoutFields)
        let id = try root.requiredString("id")
        guard Identifier.isValid(id) else { throw root.error("id", "'\(id)' \(Identifier.rule)") }

        let anomalyId = try root.requiredString("anomaly")
        guard let anomaly = anomalies[anomalyId] else {
            throw root.error("anomaly", "unknown anomaly id '\(anomalyId)' (not in any loaded taxonomy)")
        }

        var aspect = CanvasAspect.phone
        if let text = try root.optionalString("aspect") {
            guard let parsed = CanvasAspect(parsing: text) else {
                throw root.error("aspect", "'\(text)' is not width:height with positive numbers (e.g. \"9:19.5\")")
            }
            aspect = parsed
        }

        let entries = try root.requiredTableArray("boxes")
        var boxes: [LayoutBox] = []
        var boxIdLines: [String: String] = [:]
        for (index, entry) in entries.enumerated() {
            let box = try parseBox(entry, index: index, anomaly: anomaly)
            if let first = boxIdLines[box.id] {
                throw entry.error("id", "duplicate box id '\(box.id)' (first used by \(first))")
            }
            boxIdLines[box.id] = entry.path
            boxes.append(box)
        }
        guard boxes.contains(where: \.isAnomaly) else {
            throw root.error("boxes", "no box is marked `anomaly = true`; a layout must show its anomaly")
        }
        return Layout(
            id: id, name: try root.requiredString("name"), description: try root.optionalString("description") ?? "",
            anomalyType: anomalyId, aspect: aspect, boxes: boxes, source: file.displayName)
    }

    private static func parseBox(_ entry: TableReader, index: Int, anomaly: AnomalyType) throws -> LayoutBox {
        try entry.rejectUnknownKeys(allowed: boxFields)
        let kindName = try entry.requiredString("kind")
        guard let kind = BoxKind(rawValue: kindName) else {
            throw entry.error("kind", "unknown box kind '\(kindName)' (known: \(BoxKind.spellings))")
        }
        let id = try entry.optionalString("id") ?? "\(kind.rawValue)_\(index)"
        guard Identifier.isValid(id) else { throw entry.error("id", "'\(id)' \(Identifier.rule)") }

        let x = try unitInterval(entry, "x")
        let y = try unitInterval(entry, "y")
        let w = try unitInterval(entry, "w")
        let h = try unitInterval(entry, "h")
        guard w > 0 else { throw entry.error("w", "must be greater than 0") }
        guard h > 0 else { throw entry.error("h", "must be greater than 0") }
        guard x + w <= 1 + edgeTolerance else {
            throw entry.error("w", "x + w = \(formatSum(x + w)) extends past the right edge of the canvas (1)")
        }
        guard y + h <= 1 + edgeTolerance else {
            throw entry.error("h", "y + h = \(formatSum(y + h)) extends past the bottom edge of the canvas (1)")
        }

        let isAnomaly = try entry.optionalBool("anomaly") ?? false
        if isAnomaly && !anomaly.boxKinds.contains(kind) {
            let allowed = anomaly.boxKinds.map(\.rawValue).joined(separator: ", ")
            throw entry.error("kind", "'\(kindName)' cannot be part of a '\(anomaly.id)' anomaly (its box kinds: \(allowed))")
        }
        return LayoutBox(
            id: id, kind: kind, rect: NormalizedRect(x: x, y: y, w: w, h: h),
            text: try entry.optionalString("text"), isAnomaly: isAnomaly, z: try entry.optionalInt("z") ?? 0)
    }

    private static func unitInterval(_ entry: TableReader, _ key: String) throws -> Double {
        let value = try entry.requiredNumber(key)
        guard (0...1).contains(value) else { throw entry.error(key, "\(format(value)) is outside [0, 1]") }
        return value
    }

    /// Sums carry float noise (0.3 + 0.75 = 1.0499999999999998); six significant digits hide it.
    static func formatSum(_ value: Double) -> String { String(format: "%g", value) }

    /// Shortest round-trip form, so messages echo what the user typed (1.4, not 1.3999999).
    static func format(_ value: Double) -> String {
        let text = "\(value)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
