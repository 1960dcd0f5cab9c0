import Foundation
import SceneForgeBatch
import SceneForgeImaging
import SceneForgeScenes
import Testing

/// The 20-job tiny scenario through the library on the real tiny Z-Image model.
@Suite(.serialized)
struct BatchRunTests {
    static let createdAt = Date(timeIntervalSince1970: TimeInterval(Support.epoch))

    func runner(_ folder: URL, jobs: [BatchJob]? = nil) throws -> BatchRunner {
        let scenario = try ScenarioLoader(catalog: SceneCatalog.builtIn()).load(url: Support.tinyScenario)
        let runner = BatchRunner(batchName: scenario.name, jobs: try jobs ?? JobExpansion.jobs(for: scenario),
                                 output: OutputFolder(root: folder), generator: InProcessZImageGenerator())
        runner.fixedCreatedAt = Self.createdAt
        return runner
    }

    @Test func twentyJobsMakeImagesRecordsAnnotationsAndRows() throws {
        let folder = try Support.temporaryFolder("library-run")
        var events: [String] = []
        let summary = try runner(folder).run { event in
            if case .jobFinished(let job, _) = event { events.append(job.id) }
        }
        #expect(summary.generated == 20 && summary.skipped == 0)
        let jobs = try JobExpansion.jobs(for: ScenarioLoader(catalog: SceneCatalog.builtIn()).load(url: Support.tinyScenario))
        #expect(events == jobs.map(\.id))

        let catalog = try BatchCatalog(url: folder.appendingPathComponent("catalog.sqlite"), readOnly: true)
        let entries = try catalog.entries()
        #expect(entries.map(\.id) == jobs.map(\.id))
        let lines = try String(contentsOf: folder.appendingPathComponent("annotations.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 20)

        for (job, (entry, line)) in zip(jobs, zip(entries, lines)) {
            let url = catalog.imageURL(of: entry)
            let bytes = try Data(contentsOf: url)
            #expect(SHA256.hex(bytes) == entry.contentHash)
            // The PNG alone carries the whole record.
            let record = try #require(try PNGFile.metadata([UInt8](bytes)).record)
            #expect(record == entry.record)
            #expect(record.id == job.id && record.seed == job.seed && record.prompt == job.prompt)
            #expect(record.anomalyType == job.anomalyType && record.expectedAction == job.expectedAction)
            #expect(record.anomalyBoxes == job.anomalyBoxes)
            #expect(record.controlLayout == job.layoutId)
            #expect(record.modelHash?.isEmpty == false && record.sampler == "flow_match_euler")
            #expect(record.createdAt == Self.createdAt)
            let image = try PNGFile.read(contentsOf: url)
            #expect(image.width == 96 && image.height == 64)

            let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(json["id"] as? String == job.id)
            #expect(json["file_name"] as? String == "images/\(job.fileName)")
            let boxes = try #require(json["anomalies"] as? [[String: Any]])
            #expect(boxes.map { $0["bbox"] as? [Int] ?? [] } == job.anomalyBoxes.map { [$0.x, $0.y, $0.width, $0.height] })
            for key in ["prompt", "negative_prompt", "model", "model_hash", "loras", "seed", "steps", "sampler", "guidance",
                        "width", "height", "control_layout", "control_strength", "style_reference", "anomaly_type",
                        "expected_action", "quality_scores", "created_at"] {
                #expect(json.keys.contains(key), "annotation lacks \(key)")
            }
        }
        // Different seeds give different images.
        #expect(Set(entries.map(\.contentHash)).count == 20)

        // A second run finds everything done.
        let again = try runner(folder).run()
        #expect(again.generated == 0 && again.skipped == 20)
        #expect(try catalog.count() == 20)
    }

    @Test func damagedOutputsAreRepairedOnRestart() throws {
        let folder = try Support.temporaryFolder("repair")
        let scenario = try ScenarioLoader(catalog: SceneCatalog.builtIn()).load(url: Support.tinyScenario)
        let jobs = Array(try JobExpansion.jobs(for: scenario).prefix(3))
        try runner(folder, jobs: jobs).run()
        let output = OutputFolder(root: folder)
        let pristine = try jobs.map { try Data(contentsOf: output.image(of: $0)) }

        // As a kill would leave them: a half-written temporary file, a PNG whose row never landed, and
        // (by hand, no kill does this) a PNG changed under its row.
        try Data("half a png".utf8).write(to: AtomicFile.temporaryURL(for: output.image(of: jobs[0])))
        let catalog = try BatchCatalog(url: output.catalog)
        try catalog.delete(id: jobs[1].id)
        try Data("not the image".utf8).write(to: output.image(of: jobs[2]))

        var started: (Int, Int, Int)?
        let summary = try runner(folder, jobs: jobs).run { event in
            if case .started(let total, let done, let strays) = event { started = (total, done, strays) }
        }
        #expect(started.map { [$0.0, $0.1, $0.2] } == [3, 1, 1])
        #expect(summary.generated == 2 && summary.repaired == 1)
        #expect(try jobs.map { try Data(contentsOf: output.image(of: $0)) } == pristine)
        #expect(try catalog.count() == 3)
        #expect(!FileManager.default.fileExists(atPath: AtomicFile.temporaryURL(for: output.image(of: jobs[0])).path))
    }

    @Test func conditioningTheGeneratorCannotApplyIsRefusedUpFront() throws {
        let folder = try Support.temporaryFolder("unsupported")
        let scenario = try ScenarioLoader(catalog: SceneCatalog.builtIn()).load(url: Support.tinyScenario)
        var jobs = try JobExpansion.jobs(for: scenario)
        jobs[3].controlScale = 0.7
        let error = try #require(throws: OutputError.self) { try runner(folder, jobs: jobs).run() }
        #expect(error.description.contains("scene 'meituan_coupon' asks for control_scale 0.7"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("catalog.sqlite").path))
    }
}
