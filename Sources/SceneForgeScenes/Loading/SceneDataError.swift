/// A problem in a scene data file, located as precisely as the file allows:
/// `layouts/toast.toml:14: boxes[3].w: 1.4 is outside [0, 1]`.
public struct SceneDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file as the user knows it: relative to the built-in data folder, else the path given.
    public var file: String
    /// 1-based; nil only when the file could not be read at all.
    public var line: Int?
    /// 1-based; set for TOML syntax errors, where the parser knows it.
    public var column: Int?
    /// The field path ("boxes[3].w"); nil for whole-file problems such as a syntax error.
    public var field: String?
    public var message: String

    public init(file: String, line: Int?, column: Int? = nil, field: String?, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        if let field { return "\(location): \(field): \(message)" }
        return "\(location): \(message)"
    }
}

/// Every problem found while loading a catalog, so a user fixes all broken files in one pass.
public struct SceneCatalogError: Error, Equatable, Sendable, CustomStringConvertible {
    public var problems: [SceneDataError]

    public init(problems: [SceneDataError]) {
        self.problems = problems
    }

    public var description: String {
        let noun = problems.count == 1 ? "problem" : "problems"
        return "\(problems.count) \(noun) in scene data:\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}
