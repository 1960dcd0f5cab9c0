import Foundation

/// Locates files under Tests/Fixtures from this source file's path.
enum Fixtures {
    static func url(_ relativePath: String, file: String = #filePath) -> URL {
        var dir = URL(fileURLWithPath: file).deletingLastPathComponent()
        while dir.lastPathComponent != "Tests", dir.path != "/" {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("Fixtures").appendingPathComponent(relativePath)
    }
}
