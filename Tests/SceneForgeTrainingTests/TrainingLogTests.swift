import Foundation
import Testing
@testable import SceneForgeTraining

/// The loss log: a row per step; a resumed run keeps the rows up to its checkpoint and drops the rest, unreadable
/// rows included; a fresh run starts a new file.
struct TrainingLogTests {
    static func rows(_ log: TrainingLog) throws -> [String] {
        try String(contentsOf: log.url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func aResumedLogKeepsTheRowsUpToItsCheckpoint() throws {
        let folder = try TrainingSupport.temporaryFolder("log")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try TrainingLog(folder: folder)
        for step in 1...3 { first.append(stage: "vae", step: step, loss: 1.0 / Double(step), samplesPerSecond: 10) }
        for step in 1...5 { first.append(stage: "transformer", step: step, loss: 0.5, samplesPerSecond: 12.25) }
        // A kill mid-write leaves a cut line; a hand-edited file may hold anything.
        let handle = try FileHandle(forWritingTo: first.url)
        try handle.seekToEnd()
        handle.write(Data("not,a,row\ntransformer,6,0.4".utf8))
        try handle.close()
        #expect(try Self.rows(first).count == 1 + 3 + 5 + 2)

        // The checkpoint was at transformer step 2.
        let resumed = try TrainingLog(folder: folder, resumingAt: ("transformer", 2))
        resumed.append(stage: "transformer", step: 3, loss: 0.25, samplesPerSecond: 11)
        let rows = try Self.rows(resumed)
        #expect(rows.first == TrainingLog.header)
        #expect(rows.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: " ") }
                == ["vae 1", "vae 2", "vae 3", "transformer 1", "transformer 2", "transformer 3"])
        #expect(rows.last?.hasPrefix("transformer,3,0.25,11.0,") == true, "\(rows.last ?? "")")

        // Before the style adapter's first step: every base row stays.
        let adapter = try TrainingLog(folder: folder, resumingAt: (TrainingLog.styleAdapterStage, 0))
        #expect(try Self.rows(adapter).count == 1 + 6)
        // A fresh run: the header alone.
        #expect(try Self.rows(TrainingLog(folder: folder)) == [TrainingLog.header])
    }
}
