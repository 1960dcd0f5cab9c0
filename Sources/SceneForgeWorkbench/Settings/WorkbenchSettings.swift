import Foundation
import SceneForgeScenes
import TOMLKit

/// What the workbench remembers between sessions (`~/.config/sceneforge/workbench.toml`).
public struct WorkbenchSettings: Equatable, Sendable {
    public var theme = "dark"
    public var model = ""
    public var outputDirectory = ""
    public var stylesDirectory = ""
    public var prompt = ""
    public var negativePrompt = ""
    public var seed: UInt64 = 42
    public var randomSeed = true
    public var steps = 8
    /// A `SizePreset`'s name; "model": the size the model declares (128x256 for the embedded one).
    public var size = SizePreset.modelsOwn.name
    public var guidance = 0.0
    public var batchCount = 1
    public var controlStrength = 0.8
    /// The share of the control strength kept outside the layout's anomaly region (1: control everywhere).
    public var controlOutside = 1.0
    public var styleStrength = 0.6
    public var layout = ""
    /// Action name → key names; see `Action` and `Key(name:)`.
    public var keys: [String: [String]] = [:]

    public init() {}

    public static func defaultURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        SceneSourcesPath.userDirectory(environment).appendingPathComponent("workbench.toml")
    }

    public static func load(contentsOf url: URL) throws -> WorkbenchSettings {
        guard FileManager.default.fileExists(atPath: url.path) else { return WorkbenchSettings() }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw SettingsError("\(url.path): cannot read: \(error.localizedDescription)")
        }
        return try parse(text, file: url.path)
    }

    public static func parse(_ text: String, file: String) throws -> WorkbenchSettings {
        let root: TOMLTable
        do { root = try TOMLText.parse(text) } catch let error as TOMLSyntaxError {
            throw SettingsError("\(file):\(error.line): TOML syntax error: \(error.message)")
        }
        var s = WorkbenchSettings()
        func string(_ key: String) throws -> String? {
            guard let value = root[key] else { return nil }
            guard let text = value.string else { throw SettingsError("\(file): \(key): expected a string") }
            return text
        }
        func int(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let value = root[key] else { return nil }
            guard let n = value.int, range.contains(n) else { throw SettingsError("\(file): \(key): expected a whole number in \(range.lowerBound)...\(range.upperBound)") }
            return n
        }
        func double(_ key: String, _ range: ClosedRange<Double>) throws -> Double? {
            guard let value = root[key] else { return nil }
            guard let n = value.double ?? value.int.map(Double.init), range.contains(n) else {
                throw SettingsError("\(file): \(key): expected a number in \(range.lowerBound)...\(range.upperBound)")
            }
            return n
        }
        func bool(_ key: String) throws -> Bool? {
            guard let value = root[key] else { return nil }
            guard let b = value.bool else { throw SettingsError("\(file): \(key): expected true or false") }
            return b
        }
        let known: Set<String> = ["theme", "model", "output_dir", "styles_dir", "prompt", "negative_prompt", "seed", "random_seed",
                                  "steps", "size", "guidance", "batch_count", "control_strength", "control_outside", "style_strength", "layout", "keys"]
        for key in root.keys where !known.contains(key) {
            throw SettingsError("\(file): \(key): unknown setting (known: \(known.sorted().joined(separator: ", ")))")
        }
        s.theme = try string("theme") ?? s.theme
        s.model = try string("model") ?? s.model
        s.outputDirectory = try string("output_dir") ?? s.outputDirectory
        s.stylesDirectory = try string("styles_dir") ?? s.stylesDirectory
        s.prompt = try string("prompt") ?? s.prompt
        s.negativePrompt = try string("negative_prompt") ?? s.negativePrompt
        if let seed = try string("seed") {
            guard let value = UInt64(seed) else { throw SettingsError("\(file): seed: '\(seed)' is not a whole number (stored as a string)") }
            s.seed = value
        }
        s.randomSeed = try bool("random_seed") ?? s.randomSeed
        s.steps = try int("steps", 1...200) ?? s.steps
        s.size = try string("size") ?? s.size
        s.guidance = try double("guidance", 0...20) ?? s.guidance
        s.batchCount = try int("batch_count", 1...1000) ?? s.batchCount
        s.controlStrength = try double("control_strength", 0...1) ?? s.controlStrength
        s.controlOutside = try double("control_outside", 0...1) ?? s.controlOutside
        s.styleStrength = try double("style_strength", 0...1) ?? s.styleStrength
        s.layout = try string("layout") ?? s.layout
        if let keys = root["keys"] {
            guard let table = keys.table else { throw SettingsError("\(file): keys: expected a table ([keys])") }
            for action in table.keys {
                if let single = table[action]?.string { s.keys[action] = [single]; continue }
                guard let array = table[action]?.array else { throw SettingsError("\(file): keys.\(action): expected a key name or a list of them") }
                s.keys[action] = try (0..<array.count).map { i in
                    guard let name = array[i].string else { throw SettingsError("\(file): keys.\(action)[\(i)]: expected a string") }
                    return name
                }
            }
        }
        return s
    }

    public var toml: String {
        var lines = ["# SceneForge workbench settings, rewritten on exit."]
        let q = LayoutWriter.quote
        lines += ["theme = \(q(theme))", "model = \(q(model))", "output_dir = \(q(outputDirectory))", "styles_dir = \(q(stylesDirectory))",
                  "prompt = \(q(prompt))", "negative_prompt = \(q(negativePrompt))", "seed = \(q(String(seed)))",
                  "random_seed = \(randomSeed)", "steps = \(steps)", "size = \(q(size))", "guidance = \(LayoutWriter.number(guidance))",
                  "batch_count = \(batchCount)", "control_strength = \(LayoutWriter.number(controlStrength))",
                  "control_outside = \(LayoutWriter.number(controlOutside))",
                  "style_strength = \(LayoutWriter.number(styleStrength))", "layout = \(q(layout))"]
        if !keys.isEmpty {
            lines += ["", "[keys]"]
            for (action, names) in keys.sorted(by: { $0.key < $1.key }) {
                lines.append("\(action) = [\(names.map(q).joined(separator: ", "))]")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

import SceneForgeScenes

enum SceneSourcesPath {
    static func userDirectory(_ environment: [String: String]) -> URL { SceneSources.defaultUserDirectory(environment: environment) }
}

extension AppState {
    /// Applies saved settings (unknown sizes and layouts are ignored, keeping the defaults).
    public mutating func adopt(_ s: WorkbenchSettings) {
        model = s.model
        prompt = TextEditor(text: s.prompt)
        negativePrompt = TextEditor(text: s.negativePrompt)
        seed = s.seed
        randomSeed = s.randomSeed
        steps = s.steps
        if let index = SizePreset.all.firstIndex(where: { $0.name == s.size }) { sizeIndex = index }
        guidance = s.guidance
        batchCount = s.batchCount
        controlStrength = s.controlStrength
        controlOutside = s.controlOutside
        styleStrength = s.styleStrength
        if let index = catalog.layouts.firstIndex(where: { $0.id == s.layout }) { layoutIndex = index }
    }

    public func settings(base: WorkbenchSettings) -> WorkbenchSettings {
        var s = base
        s.model = model
        s.prompt = prompt.text
        s.negativePrompt = negativePrompt.text
        s.seed = seed
        s.randomSeed = randomSeed
        s.steps = steps
        s.size = sizePreset.name
        s.guidance = guidance
        s.batchCount = batchCount
        s.controlStrength = controlStrength
        s.controlOutside = controlOutside
        s.styleStrength = styleStrength
        s.layout = catalog.layouts.indices.contains(layoutIndex) ? catalog.layouts[layoutIndex].id : ""
        s.outputDirectory = outputDirectory.path
        s.stylesDirectory = stylesDirectory.path
        return s
    }
}
