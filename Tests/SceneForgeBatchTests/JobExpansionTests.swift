import Foundation
import SceneForgeBatch
import SceneForgeScenes
import Testing

struct JobExpansionTests {
    func jobs(_ url: URL) throws -> [BatchJob] {
        try JobExpansion.jobs(for: ScenarioLoader(catalog: SceneCatalog.builtIn()).load(url: url))
    }

    /// Copies the tiny scenario into a fresh folder, optionally editing the main file's text.
    func copyOfTiny(_ edit: (String) -> String = { $0 }) throws -> URL {
        let folder = try Support.temporaryFolder("scenario-copy")
        let common = try String(contentsOf: Support.fixture("good/common.toml"), encoding: .utf8)
        try common.write(to: folder.appendingPathComponent("common.toml"), atomically: true, encoding: .utf8)
        let tiny = try String(contentsOf: Support.tinyScenario, encoding: .utf8)
        let url = folder.appendingPathComponent("tiny.toml")
        try edit(tiny).write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func expandsScenesTimesSeedsInOrder() throws {
        let jobs = try jobs(Support.tinyScenario)
        #expect(jobs.count == 20)
        #expect(jobs.map(\.index) == Array(0..<20))
        #expect(Set(jobs.map(\.id)).count == 20)
        #expect(jobs.allSatisfy { $0.id.count == 16 && $0.id.allSatisfy(\.isHexDigit) })
        #expect(jobs[6...10].map(\.seed) == [1, 2, 3, 4, 5])
        #expect(jobs[0].expectedAction == "dismiss_then_continue")
    }

    @Test func anomalyBoxesAreTheLayoutsGroundTruthAtImageSize() throws {
        let job = try #require(jobs(Support.tinyScenario).first)
        let layout = try #require(SceneCatalog.builtIn().layout(id: "centre_modal"))
        let expected = try LayoutRasterizer(layout: layout, width: 96, height: 64).anomalyGroundTruth()
        #expect(job.anomalyBoxes.map(\.kind) == expected.map(\.kind.rawValue))
        #expect(job.anomalyBoxes.map { [$0.x, $0.y, $0.width, $0.height] } == expected.map(\.coco))
        #expect(job.anomalyBoxes.allSatisfy { $0.x + $0.width <= 96 && $0.y + $0.height <= 64 })
    }

    @Test func idsAreTheSameFromAnotherFolder() throws {
        // Another folder stands in for another machine: the model resolves elsewhere, the ids do not move.
        let here = try jobs(Support.tinyScenario)
        let there = try jobs(try copyOfTiny())
        #expect(here.map(\.id) == there.map(\.id))
        #expect(here[0].modelPath != there[0].modelPath)
    }

    @Test func idsFollowSettingsNotPositions() throws {
        let base = try jobs(Support.tinyScenario)
        // Changing one scene's guidance changes only that scene's ids.
        let edited = try jobs(try copyOfTiny { $0.replacingOccurrences(of: "guidance = 1.5", with: "guidance = 2.0") })
        for (a, b) in zip(base, edited) {
            #expect((a.id == b.id) == (a.scene != "explicit-prompt"), "\(a.scene) seed \(a.seed)")
        }
        // Moving a scene to the front moves indices but keeps every id.
        let moved = try jobs(try copyOfTiny { text in
            guard let start = text.range(of: "[[scenes]]\nname = \"explicit-prompt\"") else { return "not found" }
            let block = String(text[start.lowerBound...])
            return String(text[..<start.lowerBound]).replacingOccurrences(of: "[[scenes]]\nname = \"meituan_coupon\"", with: block + "\n[[scenes]]\nname = \"meituan_coupon\"")
        })
        #expect(Set(moved.map(\.id)) == Set(base.map(\.id)))
        #expect(moved.first?.scene == "explicit-prompt")
    }

    @Test func guidanceOptionsEnterTheIdOnlyWhenSet() throws {
        let base = try jobs(Support.tinyScenario)
        // The id this job had before the options existed: a scenario that does not use them keeps its ids.
        #expect(base.first?.id == "b00470e5d0d4a031")
        #expect(base.allSatisfy { !StableJobID.canonicalText(of: $0).contains("guidance_options") })
        let edited = try jobs(try copyOfTiny { $0.replacingOccurrences(of: "guidance = 1.5", with: "guidance = 1.5\ncfg_truncation = 0.5") })
        for (a, b) in zip(base, edited) {
            #expect((a.id == b.id) == (a.scene != "explicit-prompt"), "\(a.scene) seed \(a.seed)")
        }
        let normalized = try jobs(try copyOfTiny { $0.replacingOccurrences(of: "guidance = 1.5", with: "guidance = 1.5\ncfg_normalization = 0.5") })
        #expect(Set(normalized.map(\.id)).isDisjoint(with: edited.filter { $0.scene == "explicit-prompt" }.map(\.id)))
    }

    @Test func shardsPartitionTheBatch() throws {
        let jobs = try jobs(Support.tinyScenario)
        for n in [1, 3, 4, 7, 25] {
            var seen: [String] = []
            for i in 0..<n {
                let shard = try Shard(parsing: "\(i)/\(n)")
                let mine = jobs.filter(shard.contains)
                #expect(abs(mine.count - jobs.count / n) <= 1)
                seen += mine.map(\.id)
            }
            #expect(seen.sorted() == jobs.map(\.id).sorted(), "n = \(n)")
        }
    }

    @Test(arguments: ["4/4", "-1/2", "1", "a/b", "0/0", "1/2/3"])
    func badShardSpecsAreRefused(_ text: String) {
        #expect(throws: ShardError.self) { try Shard(parsing: text) }
    }
}
