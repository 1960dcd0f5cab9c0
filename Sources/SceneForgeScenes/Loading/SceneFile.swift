import Foundation
import TOMLKit

/// A scene data file read and parsed: its display name, its TOML root, and a line index so
/// every later error can name the line of the field it is about. Public so other scene-data
/// formats (batch scenario files) report positions the same way.
public struct SceneFile {
    public let displayName: String
    public let root: TOMLTable
    let lines: SourceLineIndex

    /// Reads and parses `url`; a syntax error keeps TOMLKit's line and column.
    public init(url: URL, displayName: String) throws {
        let text: String
        do {
            let data = try Data(contentsOf: url)
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw SceneDataError(file: displayName, line: nil, field: nil, message: "is not valid UTF-8 text")
            }
            text = decoded
        } catch let error as SceneDataError {
            throw error
        } catch {
            throw SceneDataError(file: displayName, line: nil, field: nil, message: "cannot be read: \(error.localizedDescription)")
        }
        try self.init(text: text, displayName: displayName)
    }

    public init(text: String, displayName: String) throws {
        self.displayName = displayName
        do {
            self.root = try TOMLText.parse(text)
        } catch let error as TOMLSyntaxError {
            throw SceneDataError(file: displayName, line: error.line, column: error.column, field: nil,
                                 message: "TOML syntax error: \(error.message)")
        }
        self.lines = SourceLineIndex(text: text)
    }

    public var rootReader: TableReader { TableReader(file: self, table: root, path: "") }

    public func error(_ field: String, _ message: String) -> SceneDataError {
        SceneDataError(file: displayName, line: lines.line(of: field), field: field.isEmpty ? nil : field, message: message)
    }
}
