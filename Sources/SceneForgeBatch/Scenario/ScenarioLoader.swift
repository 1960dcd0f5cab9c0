import Foundation
import SceneForgeScenes

/// Loads a scenario file and its includes into a `Scenario`, resolving every scene against a
/// scene catalog (anomaly types, layouts). Every problem is a `SceneDataError` naming the file,
/// the line and the field.
///
/// File shape:
/// ```toml
/// name = "food-popups"            # optional; the batch name
/// include = ["common.toml"]       # optional; relative to this file
/// [defaults]                      # optional; any setting below
/// model = "models/z-image-turbo"  # relative paths resolve against the declaring file
/// [[scenes]]
/// name = "meituan_coupon"
/// anomaly = "dialog_blocking"     # and/or layout = "centre_modal" (or "my_layout.toml")
/// app = "Meituan store page"      # expanded with the anomaly's prompt fragment...
/// # prompt = "..."                # ...unless a prompt is given
/// count = 4                       # or seeds = [1, 2, 3]
/// ```
/// Defaults layer: an included file's effective defaults, then the including file's `[defaults]`,
/// then the scene's own fields. A file included twice (a diamond) is read once; a cycle is an error.
public struct ScenarioLoader {
    public let catalog: SceneCatalog
    /// The model folder of scenes that name none (`DefaultModel`'s search: the embedded model); nil: such a
    /// scene is an error.
    public let defaultModel: String?

    static let rootFields: Set<String> = ["name", "include", "defaults", "scenes"]
    static let sceneOnlyFields: Set<String> = ["name", "prompt", "anomaly", "app", "layout"]
    /// For a model that declares no size of its own (`ModelImageSize`): a phone width.
    static let defaultWidth = 720
    static let defaultHeight = 1440
    static let defaultSteps = 8

    public init(catalog: SceneCatalog, defaultModel: String? = nil) {
        self.catalog = catalog
        self.defaultModel = defaultModel
    }

    public func load(url: URL, displayName: String? = nil) throws -> Scenario {
        var state = LoadState()
        let root = try loadFile(url: url, displayName: displayName ?? url.path, stack: [], state: &state)
        guard !root.scenes.isEmpty else {
            throw SceneDataError(file: displayName ?? url.path, line: 1, field: "scenes", message: "no scenes: add at least one [[scenes]] table (here or in an included file)")
        }
        let name = root.name ?? url.deletingPathExtension().lastPathComponent
        return Scenario(name: name, scenes: root.scenes, files: state.order)
    }

    /// What one file contributes once its includes are folded in.
    private struct FileResult {
        var name: String?
        var defaults: ScenarioSettings
        var scenes: [SceneSpec]
    }

    private struct LoadState {
        var loaded: [String: FileResult] = [:]
        var order: [String] = []
        /// Scene name -> where it was first declared, across all files.
        var sceneOrigins: [String: String] = [:]
    }

    private func loadFile(url: URL, displayName: String, stack: [(path: String, name: String)], state: inout LoadState) throws -> FileResult {
        let key = url.standardizedFileURL.resolvingSymlinksInPath().path
        // A diamond include: the file's defaults apply again, its scenes were already taken once.
        if let done = state.loaded[key] { return FileResult(name: done.name, defaults: done.defaults, scenes: []) }
        let file = try SceneFile(url: url, displayName: displayName)
        state.order.append(displayName)
        let root = file.rootReader
        try root.rejectUnknownKeys(allowed: Self.rootFields)
        let here = stack + [(key, displayName)]
        let baseDirectory = url.deletingLastPathComponent().path

        var defaults = ScenarioSettings()
        var scenes: [SceneSpec] = []
        for (index, include) in (try root.optionalStringList("include") ?? []).enumerated() {
            let field = "include[\(index)]"
            let target = include.hasPrefix("/") ? URL(fileURLWithPath: include) : url.deletingLastPathComponent().appendingPathComponent(include)
            let targetKey = target.standardizedFileURL.resolvingSymlinksInPath().path
            if let start = here.firstIndex(where: { $0.path == targetKey }) {
                let chain = (here[start...].map(\.name) + [here[start].name]).joined(separator: " -> ")
                throw file.error(field, "include cycle: \(chain)")
            }
            guard FileManager.default.fileExists(atPath: target.path) else {
                throw file.error(field, "cannot include '\(include)': no such file (looked for \(target.path))")
            }
            let includedName = Self.displayName(of: include, includedFrom: displayName)
            let included = try loadFile(url: target, displayName: includedName, stack: here, state: &state)
            defaults = defaults.overlaid(by: included.defaults)
            scenes += included.scenes
        }
        if let table = try root.optionalTable("defaults") {
            try table.rejectUnknownKeys(allowed: SettingsParser.fields)
            defaults = defaults.overlaid(by: try SettingsParser.parse(table, baseDirectory: baseDirectory))
        }
        if root.table["scenes"] != nil {
            for entry in try root.requiredTableArray("scenes") {
                let scene = try SceneResolver(catalog: catalog, entry: entry, defaults: defaults, baseDirectory: baseDirectory,
                                              defaultModel: defaultModel).resolve()
                if let first = state.sceneOrigins[scene.name] {
                    throw entry.error("name", "duplicate scene name '\(scene.name)' (first declared at \(first))")
                }
                state.sceneOrigins[scene.name] = scene.location
                scenes.append(scene)
            }
        }
        let result = FileResult(name: try SettingsParser.nonEmpty(root, "name"), defaults: defaults, scenes: scenes)
        state.loaded[key] = result
        return result
    }

    /// "sub/common.toml" included from "scenarios/main.toml" is shown as "scenarios/sub/common.toml".
    static func displayName(of include: String, includedFrom parent: String) -> String {
        if include.hasPrefix("/") { return include }
        let folder = (parent as NSString).deletingLastPathComponent
        return folder.isEmpty ? include : ((folder as NSString).appendingPathComponent(include) as NSString).standardizingPath
    }
}
