import Foundation

/// The concrete files a `SceneSources` names, in load order, with the names used in messages.
struct SceneFileList {
    struct Entry {
        let url: URL
        let displayName: String
    }

    private(set) var anomalyFiles: [Entry] = []
    private(set) var layoutFiles: [Entry] = []

    init(_ sources: SceneSources) throws {
        if sources.includeBuiltIn {
            let root = try Self.builtInDataDirectory()
            anomalyFiles.append(Entry(url: root.appendingPathComponent("anomalies.toml"), displayName: "anomalies.toml"))
            // Built-in files are named relative to Data/ ("layouts/toast.toml").
            layoutFiles += try Self.tomlFiles(in: root.appendingPathComponent("layouts"), displayPrefix: "layouts/")
        }
        for directory in sources.userDirectories {
            let taxonomy = directory.appendingPathComponent("anomalies.toml")
            if FileManager.default.fileExists(atPath: taxonomy.path) {
                anomalyFiles.append(Entry(url: taxonomy, displayName: taxonomy.path))
            }
            let layouts = directory.appendingPathComponent("layouts")
            if FileManager.default.fileExists(atPath: layouts.path) {
                layoutFiles += try Self.tomlFiles(in: layouts, displayPrefix: layouts.path + "/")
            }
        }
        anomalyFiles += sources.anomalyFiles.map { Entry(url: $0, displayName: $0.path) }
        for path in sources.layoutPaths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
                throw SceneCatalogError(problems: [SceneDataError(file: path.path, line: nil, field: nil, message: "does not exist")])
            }
            if isDirectory.boolValue {
                layoutFiles += try Self.tomlFiles(in: path, displayPrefix: path.path + "/")
            } else {
                layoutFiles.append(Entry(url: path, displayName: path.path))
            }
        }
    }

    /// The `Data` folder copied into the module's resource bundle.
    static func builtInDataDirectory() throws -> URL {
        guard let url = Bundle.module.url(forResource: "Data", withExtension: nil) else {
            throw SceneCatalogError(problems: [
                SceneDataError(file: "Data", line: nil, field: nil, message: "built-in scene data is missing from the SceneForgeScenes resource bundle")
            ])
        }
        return url
    }

    /// `*.toml` files of a folder, sorted by name so loading order (and duplicate reports) is stable.
    private static func tomlFiles(in directory: URL, displayPrefix: String) throws -> [Entry] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw SceneCatalogError(problems: [
                SceneDataError(file: directory.path, line: nil, field: nil, message: "cannot list folder: \(error.localizedDescription)")
            ])
        }
        return names.filter { $0.hasSuffix(".toml") }.sorted().map {
            Entry(url: directory.appendingPathComponent($0), displayName: displayPrefix + $0)
        }
    }
}
