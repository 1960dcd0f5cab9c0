import Foundation
import Testing
@testable import SceneForgeScenes

/// Each fixture under Tests/Fixtures/scenes/malformed/ states on its first line the exact error it
/// must produce (`# expect: file:line: field: message`); the line numbers were checked by hand.
@Suite struct MalformedDataTests {
    static func fixtures(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: FixturePaths.malformed.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".toml") }.sorted()
    }

    static func expectation(of url: URL) throws -> String {
        let text = try String(contentsOf: url, encoding: .utf8)
        let first = String(text.split(separator: "\n", maxSplits: 1).first ?? "")
        let prefix = "# expect: "
        try #require(first.hasPrefix(prefix), "\(url.lastPathComponent) lacks an `# expect:` first line")
        return String(first.dropFirst(prefix.count))
    }

    @Test func thereAreEnoughLayoutFixtures() {
        #expect(Self.fixtures("layouts").count >= 10)
    }

    @Test(arguments: fixtures("layouts"))
    func malformedLayoutGivesItsExpectedMessage(name: String) throws {
        let url = FixturePaths.malformed.appendingPathComponent("layouts/\(name)")
        let expected = try Self.expectation(of: url)
        let catalog = try SceneCatalog.builtIn()
        do {
            _ = try catalog.parseLayout(at: url, displayName: name)
            Issue.record("\(name) parsed without error")
        } catch let error as SceneDataError {
            #expect(error.description == expected)
        }
    }

    @Test(arguments: fixtures("anomalies"))
    func malformedTaxonomyGivesItsExpectedMessage(name: String) throws {
        let url = FixturePaths.malformed.appendingPathComponent("anomalies/\(name)")
        let expected = try Self.expectation(of: url)
        do {
            _ = try SceneCatalog.parseAnomalyTypes(text: try String(contentsOf: url, encoding: .utf8), displayName: name)
            Issue.record("\(name) parsed without error")
        } catch let error as SceneDataError {
            #expect(error.description == expected)
        }
    }

    @Test func unreadableFileIsReportedWithoutALine() throws {
        let catalog = try SceneCatalog.builtIn()
        do {
            _ = try catalog.parseLayout(at: URL(fileURLWithPath: "/nonexistent/gone.toml"), displayName: "gone.toml")
            Issue.record("a missing file parsed")
        } catch let error as SceneDataError {
            // Foundation's own wording differs across platforms; ours is the stable part.
            #expect(error.file == "gone.toml" && error.line == nil && error.field == nil)
            #expect(error.message.hasPrefix("cannot be read: "))
        }
    }
}
