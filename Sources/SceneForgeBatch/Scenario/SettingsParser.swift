import Foundation
import SceneForgeModels
import SceneForgeScenes

/// Reads the generation settings shared by `[defaults]` and `[[scenes]]`, checking each value
/// where it is written so a bad one is reported at its own line.
enum SettingsParser {
    static let fields = Set([
        "model", "style", "style_strength", "loras", "width", "height", "steps", "guidance", "negative_prompt",
        "control_scale", "control_start", "control_end", "init", "strength", "mask", "paste_back", "feather", "fit_steps",
        "language", "seeds", "count",
    ] + GuidanceOptions.fields)
    static let maximumSide = ModelImageSize.sides.upperBound
    static let sideMultiple = ModelImageSize.sideMultiple

    /// Where a scene's control applies: a scenario names its layout, so the region is that layout's anomaly region.
    private static func controlRegion(_ table: TableReader) throws -> String? {
        guard let text = try table.optionalString("control_region") else { return nil }
        guard text == "from-layout" else {
            throw table.error("control_region", "control_region must be \"from-layout\" (the scene's layout's anomaly region); got '\(text)'")
        }
        return text
    }

    static func parse(_ table: TableReader, baseDirectory: String) throws -> ScenarioSettings {
        var s = ScenarioSettings()
        s.model = try nonEmpty(table, "model").map { Source($0, baseDirectory: baseDirectory) }
        s.style = try nonEmpty(table, "style").map { Source($0, baseDirectory: baseDirectory) }
        s.styleStrength = try table.optionalNumber("style_strength", in: 0...2)
        s.loras = try table.optionalInlineTables("loras")?.map(parseLoRA)
        s.width = try side(table, "width")
        s.height = try side(table, "height")
        s.steps = try table.optionalInt("steps", in: 1...1000)
        s.guidance = try table.optionalNumber("guidance", in: 0...100)
        s.guidanceOptions = GuidanceOptions(
            styleGuidance: try table.optionalNumber("style_guidance", in: 0...100),
            cfgTruncation: try table.optionalNumber("cfg_truncation", in: 0...1),
            cfgNormalization: try table.optionalNumber("cfg_normalization", in: 0...100),
            controlOnNegative: try table.optionalBool("control_on_negative"), controlRegion: try controlRegion(table),
            controlOutside: try table.optionalNumber("control_outside", in: 0...1))
        s.negativePrompt = try table.optionalString("negative_prompt")
        s.controlScale = try table.optionalNumber("control_scale", in: 0...2)
        s.controlStart = try table.optionalNumber("control_start", in: 0...1)
        s.controlEnd = try table.optionalNumber("control_end", in: 0...1)
        s.initImage = try nonEmpty(table, "init").map { Source($0, baseDirectory: baseDirectory) }
        s.strength = try table.optionalNumber("strength", in: 0...1)
        s.mask = try nonEmpty(table, "mask").map { Source($0, baseDirectory: baseDirectory) }
        s.pasteBack = try table.optionalBool("paste_back")
        s.feather = try table.optionalInt("feather", in: 0...4096)
        s.fitSteps = try table.optionalInt("fit_steps", in: 0...100_000)
        if let text = try table.optionalString("language") {
            guard let language = PromptLanguage(rawValue: text) else {
                throw table.error("language", "unknown language '\(text)' (known: \(PromptLanguage.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            s.language = language
        }
        if let seeds = try table.optionalIntList("seeds") {
            guard table.table["count"] == nil else { throw table.error("count", "give either seeds or count, not both") }
            guard !seeds.isEmpty else { throw table.error("seeds", "must list at least one seed") }
            var seen: Set<Int> = []
            for (index, seed) in seeds.enumerated() {
                guard seed >= 0 else { throw table.error("seeds[\(index)]", "\(seed) is negative; seeds are 0 or more") }
                guard seen.insert(seed).inserted else { throw table.error("seeds[\(index)]", "seed \(seed) is listed twice") }
            }
            s.seeds = seeds.map { UInt64($0) }
        }
        s.count = try table.optionalInt("count", in: 1...1_000_000)
        return s
    }

    private static func parseLoRA(_ entry: TableReader) throws -> LoRASpec {
        try entry.rejectUnknownKeys(allowed: ["name", "weight"])
        guard let name = try nonEmpty(entry, "name") else { throw entry.error("name", "missing required field (a string)") }
        let weight = try entry.optionalNumber("weight", in: -4...4) ?? 1
        return LoRASpec(name: name, weight: weight)
    }

    private static func side(_ table: TableReader, _ key: String) throws -> Int? {
        guard let value = try table.optionalInt(key, in: ModelImageSize.sides) else { return nil }
        guard value % sideMultiple == 0 else { throw table.error(key, "\(value) is not a multiple of \(sideMultiple)") }
        return value
    }

    static func nonEmpty(_ table: TableReader, _ key: String) throws -> String? {
        guard let value = try table.optionalString(key) else { return nil }
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw table.error(key, "must not be empty") }
        return value
    }
}
