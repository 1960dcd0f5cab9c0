import Foundation

/// Locates `Tests/Fixtures/scenes` from this source file, so tests run from any working directory.
enum FixturePaths {
    static var scenes: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.lastPathComponent != "Tests" && url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("Fixtures/scenes", isDirectory: true)
    }

    static var malformed: URL { scenes.appendingPathComponent("malformed", isDirectory: true) }
    static var golden: URL { scenes.appendingPathComponent("golden", isDirectory: true) }
}
