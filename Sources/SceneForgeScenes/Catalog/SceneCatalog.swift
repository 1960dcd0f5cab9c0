import Foundation

/// The anomaly taxonomy and the layout library, loaded and validated from TOML files.
public struct SceneCatalog: Sendable {
    /// In load order: built-in first, then user files.
    public private(set) var anomalyTypes: [AnomalyType]
    public private(set) var layouts: [Layout]

    public init(anomalyTypes: [AnomalyType], layouts: [Layout]) {
        self.anomalyTypes = anomalyTypes
        self.layouts = layouts
    }

    public func anomalyType(id: String) -> AnomalyType? { anomalyTypes.first { $0.id == id } }
    public func layout(id: String) -> Layout? { layouts.first { $0.id == id } }
    public func layouts(showing anomalyType: String) -> [Layout] { layouts.filter { $0.anomalyType == anomalyType } }

    /// The shipped data only.
    public static func builtIn() throws -> SceneCatalog { try load(SceneSources()) }

    /// Loads every source; throws a `SceneCatalogError` listing each broken file's first problem.
    public static func load(_ sources: SceneSources) throws -> SceneCatalog {
        let files = try SceneFileList(sources)
        var problems: [SceneDataError] = []

        var anomalyTypes: [AnomalyType] = []
        var anomalyOrigins: [String: String] = [:]
        for file in files.anomalyFiles {
            do {
                let parsed = try AnomalyTaxonomyParser.parse(try SceneFile(url: file.url, displayName: file.displayName), takenIds: anomalyOrigins)
                for type in parsed { anomalyOrigins[type.id] = type.source }
                anomalyTypes += parsed
            } catch let error as SceneDataError {
                problems.append(error)
            }
        }

        let byId = Dictionary(anomalyTypes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var layouts: [Layout] = []
        var layoutOrigins: [String: String] = [:]
        for file in files.layoutFiles {
            do {
                let sceneFile = try SceneFile(url: file.url, displayName: file.displayName)
                let layout = try LayoutParser.parse(sceneFile, anomalies: byId)
                if let first = layoutOrigins[layout.id] {
                    throw sceneFile.error("id", "duplicate layout id '\(layout.id)' (first defined in \(first))")
                }
                layoutOrigins[layout.id] = layout.source
                layouts.append(layout)
            } catch let error as SceneDataError {
                problems.append(error)
            }
        }
        guard problems.isEmpty else { throw SceneCatalogError(problems: problems) }
        return SceneCatalog(anomalyTypes: anomalyTypes, layouts: layouts)
    }

    /// Parses a single layout file against this catalog's taxonomy (for editors and `validate` commands).
    public func parseLayout(at url: URL, displayName: String? = nil) throws -> Layout {
        let file = try SceneFile(url: url, displayName: displayName ?? url.path)
        return try LayoutParser.parse(file, anomalies: Dictionary(anomalyTypes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Parses layout TOML held in memory (`displayName` is used in messages).
    public func parseLayout(text: String, displayName: String) throws -> Layout {
        let file = try SceneFile(text: text, displayName: displayName)
        return try LayoutParser.parse(file, anomalies: Dictionary(anomalyTypes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Parses a taxonomy file held in memory, without merging it.
    public static func parseAnomalyTypes(text: String, displayName: String) throws -> [AnomalyType] {
        try AnomalyTaxonomyParser.parse(try SceneFile(text: text, displayName: displayName))
    }
}
