import Foundation

/// Parses an anomaly taxonomy file: an array of `[[anomalies]]` tables.
enum AnomalyTaxonomyParser {
    static let fields: Set<String> = [
        "id", "name", "description", "prompt_en", "prompt_zh", "expected_action",
        "expected_action_description", "placement", "box_kinds",
    ]

    /// Ids already taken (by earlier files) are reported as duplicates too.
    static func parse(_ file: SceneFile, takenIds: [String: String] = [:]) throws -> [AnomalyType] {
        let root = file.rootReader
        try root.rejectUnknownKeys(allowed: ["anomalies"])
        var seen = takenIds
        var types: [AnomalyType] = []
        for entry in try root.requiredTableArray("anomalies") {
            let type = try parseEntry(entry, source: file.displayName)
            if let first = seen[type.id] {
                throw entry.error("id", "duplicate anomaly id '\(type.id)' (first defined in \(first))")
            }
            seen[type.id] = file.displayName
            types.append(type)
        }
        return types
    }

    private static func parseEntry(_ entry: TableReader, source: String) throws -> AnomalyType {
        try entry.rejectUnknownKeys(allowed: fields)
        let id = try entry.requiredString("id")
        guard Identifier.isValid(id) else { throw entry.error("id", "'\(id)' \(Identifier.rule)") }
        let action = try entry.requiredString("expected_action")
        guard Identifier.isValid(action) else { throw entry.error("expected_action", "'\(action)' \(Identifier.rule)") }

        let placementNames = try entry.requiredStringList("placement")
        var placements: [Placement] = []
        for (index, name) in placementNames.enumerated() {
            guard let placement = Placement(rawValue: name) else {
                throw entry.error("placement[\(index)]", "unknown placement '\(name)' (known: \(Placement.spellings))")
            }
            placements.append(placement)
        }
        let kindNames = try entry.requiredStringList("box_kinds")
        var kinds: [BoxKind] = []
        for (index, name) in kindNames.enumerated() {
            guard let kind = BoxKind(rawValue: name) else {
                throw entry.error("box_kinds[\(index)]", "unknown box kind '\(name)' (known: \(BoxKind.spellings))")
            }
            kinds.append(kind)
        }
        return AnomalyType(
            id: id,
            name: try nonEmpty(entry, "name"),
            description: try nonEmpty(entry, "description"),
            promptEN: try nonEmpty(entry, "prompt_en"),
            promptZH: try nonEmpty(entry, "prompt_zh"),
            expectedAction: action,
            expectedActionDescription: try nonEmpty(entry, "expected_action_description"),
            placements: placements,
            boxKinds: kinds,
            source: source)
    }

    private static func nonEmpty(_ entry: TableReader, _ key: String) throws -> String {
        let value = try entry.requiredString(key)
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw entry.error(key, "must not be empty") }
        return value
    }
}
