import Foundation
import SceneForgeEngine
import Testing
@testable import SceneForgeWorkbench

/// The workbench's engine adapter against a real `sceneforge engine` child process (the model-free
/// `scheduled-noise` generator, so no weights are needed).
@Suite(.serialized) struct EngineClientEngineTests {
    @Test func aJobStreamsProgressPreviewsMemoryAndEndsWithItsFileAndRecord() async throws {
        let folder = try TestFolder("adapter-job")
        let engine = EngineClientEngine(configuration: .init(command: [try sceneforgeBinary(), "engine", "--model", "scheduled-noise"]))
        defer { engine.shutdown() }
        let updates = UpdateLog(engine.updates)
        let request = JobRequest(prompt: "coupon popup 优惠券", model: "scheduled-noise", seed: 5, steps: 6, width: 96, height: 64,
                                 guidance: 0, layoutID: "toast", anomalyType: "toast", output: folder.path("a.png"))
        let id = try engine.submit(request)
        try await updates.wait(for: "done") { if case .done(id, _, _) = $0 { return true }; return false }

        let seen = updates.all
        #expect(seen.contains { if case .ready(let description, false) = $0 { return description.contains("scheduled-noise") }; return false })
        #expect(seen.contains(.started(job: id, steps: 6, seed: 5, width: 96, height: 64)))
        let steps = seen.compactMap { update -> Int? in if case .step(id, let index, 6, _, _, _) = update { return index }; return nil }
        #expect(steps == Array(1...6))
        #expect(seen.contains { if case .preview(id, let image) = $0 { return image.width > 0 && image.pixels[3] == 255 }; return false })
        let readings = seen.compactMap { update -> MemoryReading? in if case .memory(let r, _) = update { return r }; return nil }
        #expect(!readings.isEmpty)
        #expect(readings.allSatisfy { ($0.ramTotal ?? 0) > 0 && ($0.processRSS ?? 0) > 0 })
        guard case .done(_, let outputs, let record?)? = seen.last(where: { if case .done = $0 { return true }; return false }) else {
            Issue.record("done without a record"); return
        }
        #expect(outputs == [folder.path("a.png")])
        #expect(FileManager.default.fileExists(atPath: folder.path("a.png")))
        let text = record.joined(separator: "\n")
        #expect(text.contains("\"prompt\" : \"coupon popup 优惠券\"") && text.contains("\"extras.layout_id\" : \"toast\""))
    }

    @Test func aKilledEngineFailsItsJobAndTheNextJobRunsOnANewEngine() async throws {
        let folder = try TestFolder("adapter-kill")
        let engine = EngineClientEngine(configuration: .init(command: [try sceneforgeBinary(), "engine"]))
        defer { engine.shutdown() }
        let updates = UpdateLog(engine.updates)
        // Long enough to be killed mid-way: 1000 steps of the tiny Z-Image at 256x256 (about 20 s).
        let tinyZImage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/zimage/pipeline").path
        let long = JobRequest(prompt: "slow", model: tinyZImage, seed: 1, steps: 1000, width: 256, height: 256,
                              guidance: 0, output: folder.path("slow.png"))
        let first = try engine.submit(long)
        try await updates.wait(for: "a step of the long job") { if case .step(first, _, _, _, _, _) = $0 { return true }; return false }
        let pid = try #require(engine.enginePID)
        kill(pid, SIGKILL)
        try await updates.wait(for: "the failure") { if case .failed(first, _, _) = $0 { return true }; return false }
        #expect(updates.all.contains(.engineStopped(reason: "signal 9")))
        guard case .failed(_, let message, _)? = updates.all.first(where: { if case .failed = $0 { return true }; return false }) else { return }
        #expect(message.contains("signal 9"))

        var quick = long
        quick.steps = 2
        quick.width = 64
        quick.height = 64
        quick.model = "scheduled-noise"
        quick.output = folder.path("quick.png")
        let second = try engine.submit(quick)
        try await updates.wait(for: "the next job done") { if case .done(second, _, _) = $0 { return true }; return false }
        #expect(engine.enginePID != pid)
        #expect(FileManager.default.fileExists(atPath: folder.path("quick.png")))
    }

    @Test func aJobTheEngineRefusesFailsWithTheEnginesReason() async throws {
        let engine = EngineClientEngine(configuration: .init(command: [try sceneforgeBinary(), "engine"]))
        defer { engine.shutdown() }
        let updates = UpdateLog(engine.updates)
        let id = try engine.submit(JobRequest(prompt: "p", model: "/no/such/model", seed: 1, steps: 2, width: 64, height: 64,
                                              guidance: 0, output: "/tmp/never.png"))
        try await updates.wait(for: "the refusal") { if case .failed(id, _, _) = $0 { return true }; return false }
        guard case .failed(_, let message, _)? = updates.all.first(where: { if case .failed = $0 { return true }; return false }) else { return }
        #expect(message.contains("/no/such/model"))
    }
}

/// Collects an engine's updates on a background task, for waiting on one with a deadline.
final class UpdateLog: @unchecked Sendable {
    private let lock = NSLock()
    private var updates: [EngineUpdate] = []
    private var task: Task<Void, Never>?

    init(_ stream: AsyncStream<EngineUpdate>) {
        task = Task.detached { [weak self] in
            for await update in stream { self?.append(update) }
        }
    }

    deinit { task?.cancel() }

    private func append(_ update: EngineUpdate) {
        lock.lock()
        updates.append(update)
        lock.unlock()
    }

    var all: [EngineUpdate] {
        lock.lock()
        defer { lock.unlock() }
        return updates
    }

    func wait(for what: String, timeout: Double = 60, _ matches: (EngineUpdate) -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if all.contains(where: matches) { return }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        throw TestFailure("no \(what) within \(Int(timeout)) s; got: \(all.map { "\($0)".prefix(80) })")
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A temporary folder removed when the value goes away.
final class TestFolder {
    let url: URL
    init(_ name: String) throws {
        url = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("sceneforge-workbench-tests-\(name)-\(getpid())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// The `sceneforge` executable: `$SCENEFORGE_BINARY`, or this package's `.build/debug/sceneforge`
/// (`swift test` does not build executables: `swift build` first).
func sceneforgeBinary() throws -> String {
    if let path = ProcessInfo.processInfo.environment["SCENEFORGE_BINARY"], !path.isEmpty { return path }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent(".build/debug/sceneforge").path
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw TestFailure("\(path) is missing: run `swift build` before these tests")
    }
    return path
}
