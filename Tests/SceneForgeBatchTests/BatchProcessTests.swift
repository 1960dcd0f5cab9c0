import Foundation
import SceneForgeBatch
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `sceneforge` binary as a child process: killed with SIGKILL mid-batch and restarted, and
/// split into shards then merged. Both must end byte-for-byte equal to one uninterrupted run.
/// Every run sets SOURCE_DATE_EPOCH, so createdAt (the only wall-clock field) is fixed and files
/// compare whole, with nothing normalised away.
@Suite(.serialized)
struct BatchProcessTests {
    /// One uninterrupted run of the tiny scenario, shared by the tests below.
    static let reference: Result<URL, Error> = Result {
        let folder = try Support.temporaryFolder("reference")
        try Support.run(["batch", Support.tinyScenario.path, "--output", folder.path, "--quiet"], in: folder.deletingLastPathComponent())
        return folder
    }

    static func export(_ catalog: URL) throws -> String {
        try Support.run(["catalog", "export", "--catalog", catalog.path, "--format", "jsonl"], in: catalog.deletingLastPathComponent())
    }

    @Test func killedAtRandomMomentsAndRestartedEqualsAnUninterruptedRun() throws {
        let reference = try Self.reference.get()
        let folder = try Support.temporaryFolder("killed")
        let arguments = ["batch", Support.tinyScenario.path, "--output", folder.path, "--quiet"]
        let logs = folder.deletingLastPathComponent().appendingPathComponent("killed-log.txt")
        var doneCounts: [Int] = []
        var delays: [Double] = []
        func imageCount() -> Int {
            let images = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("images").path)) ?? []
            return images.filter { $0.hasSuffix(".png") && !$0.hasPrefix(".") }.count
        }
        for round in 0..<4 {
            let process = try Support.start(arguments, logs: logs)
            let start = Date()
            if round == 0 {
                // Once during start-up (engine spawn, model load, first job)...
                Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.5))
            } else {
                // ...then after at least one more image has landed, at a random moment within the next few jobs
                // (a tiny-model job takes tens of milliseconds), so the kills fall mid-batch however busy or idle
                // the machine is.
                let before = doneCounts.last ?? 0
                while imageCount() <= before, process.isRunning, Date().timeIntervalSince(start) < 120 {
                    Thread.sleep(forTimeInterval: 0.02)
                }
                Thread.sleep(forTimeInterval: Double.random(in: 0...0.2))
            }
            delays.append(Date().timeIntervalSince(start))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            doneCounts.append(imageCount())
        }
        // The kills must have landed mid-batch, or this test proves nothing.
        #expect(doneCounts.contains { $0 > 0 && $0 < 20 }, "images after each kill: \(doneCounts), delays \(delays)")

        try Support.run(arguments, in: folder.deletingLastPathComponent())
        let got = try Support.files(in: folder)
        let want = try Support.files(in: reference)
        #expect(got.keys.sorted() == want.keys.sorted(), "delays \(delays)")
        // PNGs and the annotations file byte for byte (the catalog file's page layout depends on
        // insertion history, so it is compared through its export).
        for (name, bytes) in want where name != "catalog.sqlite" {
            #expect(got[name] == bytes, "\(name) differs (kills after \(delays) s)")
        }
        #expect(try Self.export(folder) == Self.export(reference))
        #expect(try BatchCatalog(url: folder.appendingPathComponent("catalog.sqlite"), readOnly: true).count() == 20)
    }

    @Test func fourShardsMergedEqualOneRun() throws {
        let reference = try Self.reference.get()
        let folder = try Support.temporaryFolder("shards")
        // The four nodes of an array job, here one after another, all writing into one shared folder.
        for i in 0..<4 {
            try Support.run(["batch", Support.tinyScenario.path, "--output", folder.path, "--shard", "\(i)/4", "--quiet"],
                            in: folder.deletingLastPathComponent())
        }
        let shardCatalogs = (0..<4).map { folder.appendingPathComponent("catalog.shard-\($0)-of-4.sqlite").path }
        let sizes = try shardCatalogs.map { try BatchCatalog(url: URL(fileURLWithPath: $0), readOnly: true).count() }
        #expect(sizes == [5, 5, 5, 5])

        let merged = folder.appendingPathComponent("catalog.sqlite")
        try Support.run(["catalog", "merge", merged.path] + shardCatalogs, in: folder.deletingLastPathComponent())
        // Merging again (a retried job step) adds nothing.
        try Support.run(["catalog", "merge", merged.path] + shardCatalogs, in: folder.deletingLastPathComponent())
        #expect(try BatchCatalog(url: merged, readOnly: true).count() == 20)
        #expect(try Self.export(merged) == Self.export(reference))

        let got = try Support.files(in: folder.appendingPathComponent("images"))
        let want = try Support.files(in: reference.appendingPathComponent("images"))
        #expect(got == want)
    }

    @Test func mergingIntoAnotherFolderKeepsImagePathsValid() throws {
        let reference = try Self.reference.get()
        let elsewhere = try Support.temporaryFolder("merged-elsewhere")
        let merged = elsewhere.appendingPathComponent("all.sqlite")
        try Support.run(["catalog", "merge", merged.path, reference.path], in: elsewhere)
        let catalog = try BatchCatalog(url: merged, readOnly: true)
        for entry in try catalog.entries() {
            #expect(entry.imagePath.hasPrefix("../"))
            let data = try Data(contentsOf: catalog.imageURL(of: entry))
            #expect(SHA256.hex(data) == entry.contentHash)
        }
    }

    @Test func dryRunListsStableIdsAndBadInputFailsCleanly() throws {
        let folder = try Support.temporaryFolder("dry-run")
        let listing = try Support.run(["batch", Support.tinyScenario.path, "--dry-run", "--shard", "1/4"], in: folder)
        let ids = listing.split(separator: "\n").map { String($0.prefix(16)) }
        #expect(ids.count == 5)

        let bad = Support.fixture("malformed/bad_width.toml").path
        #expect(throws: SupportError.self) { try Support.run(["batch", bad], in: folder) }
        let error = #expect(throws: SupportError.self) { try Support.run(["batch", bad], in: folder) }
        #expect(error?.description.contains("bad_width.toml:3: defaults.width: 100 is not a multiple of 16") == true)
    }
}
