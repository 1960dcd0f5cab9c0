import Foundation
import SceneForgeBatch
import SceneForgeScenes
import SceneForgeSynth
import Testing

/// The fuzz targets of the scene-data parsers (design §6): the shipped layouts, the anomaly taxonomy and a scenario
/// file, mutated thousands of times. Every outcome must be a parse or a located `SceneDataError`; anything else
/// (another error type, a crash, a hang) fails. Deterministic: the mutations come from fixed seeds.
struct SceneDataFuzzTests {
    static let catalog = Result { try SceneCatalog.builtIn() }
    static var dataFolder: URL { Support.testsFolder.deletingLastPathComponent().appendingPathComponent("Sources/SceneForgeScenes/Data") }

    @Test func mutatedLayoutsParseOrNameTheirProblem() throws {
        let catalog = try Self.catalog.get()
        let folder = Self.dataFolder.appendingPathComponent("layouts")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".toml") }.sorted()
        try #require(names.count >= 10)
        var outcomes = Outcomes()
        for (index, name) in names.enumerated() {
            let original = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            var mutator = TextMutator(seed: UInt64(index + 1))
            for _ in 0..<400 {
                let text = mutator.mutate(original)
                outcomes.record(text) { try catalog.parseLayout(text: text, displayName: name) }
            }
        }
        print("layout fuzz: \(outcomes)")
        #expect(outcomes.unexpected.isEmpty, "\(outcomes.unexpected.prefix(3))")
        #expect(outcomes.total >= 5_000 && outcomes.parsed > 0 && outcomes.refused > 0)
    }

    @Test func mutatedTaxonomyParsesOrNamesItsProblem() throws {
        let original = try String(contentsOf: Self.dataFolder.appendingPathComponent("anomalies.toml"), encoding: .utf8)
        var mutator = TextMutator(seed: 99)
        var outcomes = Outcomes()
        for _ in 0..<1_000 {
            let text = mutator.mutate(original)
            outcomes.record(text) { try SceneCatalog.parseAnomalyTypes(text: text, displayName: "anomalies.toml") }
        }
        print("taxonomy fuzz: \(outcomes)")
        #expect(outcomes.unexpected.isEmpty, "\(outcomes.unexpected.prefix(3))")
        #expect(outcomes.parsed > 0 && outcomes.refused > 0)
    }

    @Test func mutatedScenariosLoadOrNameTheirProblem() throws {
        let loader = ScenarioLoader(catalog: try Self.catalog.get())
        let folder = try Support.temporaryFolder("scenario-fuzz")
        defer { try? FileManager.default.removeItem(at: folder) }
        // The scenario's include sits beside it, as in the fixture folder.
        try FileManager.default.copyItem(at: Support.fixture("good/common.toml"), to: folder.appendingPathComponent("common.toml"))
        let original = try String(contentsOf: Support.tinyScenario, encoding: .utf8)
        let url = folder.appendingPathComponent("tiny.toml")
        var mutator = TextMutator(seed: 7)
        var outcomes = Outcomes()
        for _ in 0..<1_000 {
            let text = mutator.mutate(original)
            try Data(text.utf8).write(to: url)
            outcomes.record(text) { try loader.load(url: url, displayName: "tiny.toml") }
        }
        print("scenario fuzz: \(outcomes)")
        #expect(outcomes.unexpected.isEmpty, "\(outcomes.unexpected.prefix(3))")
        #expect(outcomes.parsed > 0 && outcomes.refused > 0)
    }
}

/// Tallies what the parser did with each mutant.
private struct Outcomes: CustomStringConvertible {
    var parsed = 0
    var refused = 0
    var unexpected: [String] = []
    var total: Int { parsed + refused + unexpected.count }

    mutating func record<T>(_ text: String, _ parse: () throws -> T) {
        do {
            _ = try parse()
            parsed += 1
        } catch let error as SceneDataError {
            // A refusal must say where: the file always, a line whenever the file could be read.
            if error.file.isEmpty || error.line == nil || error.message.isEmpty {
                unexpected.append("unlocated: \(error) for:\n\(text.prefix(300))")
            } else {
                refused += 1
            }
        } catch {
            unexpected.append("\(type(of: error)): \(error) for:\n\(text.prefix(300))")
        }
    }

    var description: String { "\(total) mutants: \(parsed) parsed, \(refused) refused with a located error" }
}

/// Mutations that reach a TOML parser's corners: flipped and deleted bytes, TOML punctuation, duplicated and
/// dropped lines, truncation, huge numbers, non-ASCII, NUL and control characters.
private struct TextMutator {
    /// Fixed seeds, the same mutants on every machine.
    private var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    private mutating func next(_ bound: Int) -> Int { Int.random(in: 0..<max(bound, 1), using: &random) }

    private static let fragments = ["[", "]", "[[", "]]", "=", "\"", "'", "\"\"\"", ",", ".", "#", "{", "}", "\n", "-1", "1e309",
                                    "99999999999999999999", "nan", "inf", "true", "0x", "\\u0000", "\u{0}", "\u{7}", "界", "boxes",
                                    "kind", "anomaly", "layout", "include", "x", "w", "1.5", "-0.0", "[[boxes]]", "[[scenes]]"]

    mutating func mutate(_ text: String) -> String {
        var bytes = Array(text.utf8)
        for _ in 0...next(3) {
            guard !bytes.isEmpty else { break }
            let at = next(bytes.count)
            switch next(7) {
            case 0: bytes[at] ^= UInt8(1 << next(8))
            case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + next(8)))
            case 2: bytes.insert(contentsOf: Array(Self.fragments[next(Self.fragments.count)].utf8), at: at)
            case 3: bytes = Array(bytes[..<at])
            case 4: mutateLines(&bytes, duplicate: true)
            case 5: mutateLines(&bytes, duplicate: false)
            default:
                // Replace a number-looking run with a hostile one.
                let end = bytes[at...].firstIndex { !(0x30...0x39).contains($0) && $0 != 0x2E } ?? bytes.count
                bytes.replaceSubrange(at..<end, with: Array(["-1", "1e309", "4294967297", "0.0000001", "-0"][next(5)].utf8))
            }
        }
        // Invalid UTF-8 is the file reader's business (covered by the malformed fixtures); parsers take text.
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func mutateLines(_ bytes: inout [UInt8], duplicate: Bool) {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        guard !lines.isEmpty else { return }
        let at = next(lines.count)
        if duplicate { lines.insert(lines[at], at: next(lines.count)) } else { lines.remove(at: at) }
        bytes = Array(lines.joined(separator: [0x0A]))
    }
}
