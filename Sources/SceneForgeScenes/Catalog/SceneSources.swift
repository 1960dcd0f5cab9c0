import Foundation

/// Where a `SceneCatalog` looks for data. Anomaly files load before layouts, so a user layout may
/// use a user-defined anomaly type.
public struct SceneSources: Sendable {
    /// The taxonomy and layouts shipped in the module's resources (`Data/`).
    public var includeBuiltIn: Bool
    /// Folders shaped like the built-in data: an optional `anomalies.toml` and `layouts/*.toml`.
    public var userDirectories: [URL]
    /// Extra taxonomy files (each an array of `[[anomalies]]`).
    public var anomalyFiles: [URL]
    /// Extra layout files, or folders whose `*.toml` files are all layouts.
    public var layoutPaths: [URL]

    public init(includeBuiltIn: Bool = true, userDirectories: [URL] = [], anomalyFiles: [URL] = [], layoutPaths: [URL] = []) {
        self.includeBuiltIn = includeBuiltIn
        self.userDirectories = userDirectories
        self.anomalyFiles = anomalyFiles
        self.layoutPaths = layoutPaths
    }

    /// Built-in data plus the user's config folder when it exists.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> SceneSources {
        let user = defaultUserDirectory(environment: environment)
        let exists = FileManager.default.fileExists(atPath: user.path)
        return SceneSources(userDirectories: exists ? [user] : [])
    }

    /// `$SCENEFORGE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/sceneforge`, else `~/.config/sceneforge`.
    public static func defaultUserDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit = environment["SCENEFORGE_CONFIG_DIR"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit, isDirectory: true)
        }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("sceneforge", isDirectory: true)
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".config/sceneforge", isDirectory: true)
    }
}
