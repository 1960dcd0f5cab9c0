import Foundation
import SceneForgeEngine

/// The `sceneforge` executable the process tests spawn: `$SCENEFORGE_BINARY`, or `.build/debug/sceneforge`
/// of this package. `swift test` does not build executables: run `swift build --product sceneforge` first
/// (docs/protocol.md, "Tests").
func sceneforgeBinary() throws -> String {
    if let path = ProcessInfo.processInfo.environment["SCENEFORGE_BINARY"], !path.isEmpty { return path }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent(".build/debug/sceneforge").path
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw EngineError("\(path) is missing: run `swift build --product sceneforge` before these tests")
    }
    return path
}

func temporaryDirectory(_ name: String) throws -> String {
    let path = NSTemporaryDirectory() + "sceneforge-engine-tests-\(name)-\(getpid())-\(UUID().uuidString.prefix(6))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// An engine whose default model is `model` (the model-free test generator unless a test needs the real one).
/// The tiny random-weight Z-Image pipeline of the parity fixtures: a real model, about 20 ms a step at 256x256, so a
/// 1000-step job there is still running when a test cancels or kills it (the model-free generator is too fast for that).
var tinyZImageFolder: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/zimage/pipeline").path
}

func engineCommand(outputDirectory: String, memoryHz: Double = 2, model: String? = "scheduled-noise") throws -> [String] {
    [try sceneforgeBinary(), "engine", "--output-dir", outputDirectory, "--memory-hz", "\(memoryHz)"]
        + (model.map { ["--model", $0] } ?? [])
}

/// Collects a client's events on a background task so tests can wait for conditions on them.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [EngineClient.Event] = []
    private var task: Task<Void, Never>?

    init(_ client: EngineClient) {
        task = Task { [weak self] in
            for await event in client.events {
                self?.append(event)
            }
        }
    }

    deinit { task?.cancel() }

    private func append(_ event: EngineClient.Event) {
        lock.lock()
        collected.append(event)
        lock.unlock()
    }

    var events: [EngineClient.Event] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }

    /// The engine's own events (not the client's process notices).
    var engineEvents: [EngineEvent] {
        events.compactMap { if case .engine(let e) = $0 { return e }; return nil }
    }

    func jobEvents(_ job: String) -> [EngineEvent] {
        engineEvents.filter { $0.job == job && !isPeriodicMemory($0) }
    }

    /// Waits until `condition` holds on the events so far; throws after `timeout` seconds.
    func wait(_ what: String, timeout: Double = 60, until condition: ([EngineClient.Event]) -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition(events) {
            if Date() > deadline {
                let types = engineEvents.suffix(20).map(\.type).joined(separator: ", ")
                throw EngineError("timed out after \(timeout) s waiting for \(what); last events: \(types)")
            }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    func waitForEngineEvent(_ what: String, timeout: Double = 60, where match: @escaping (EngineEvent) -> Bool) async throws {
        try await wait(what, timeout: timeout) { events in
            events.contains { if case .engine(let e) = $0 { return match(e) }; return false }
        }
    }
}

func isPeriodicMemory(_ event: EngineEvent) -> Bool {
    if case .memory(let sample) = event { return sample.step == nil }
    return false
}

func isTerminal(_ event: EngineEvent, job: String) -> Bool {
    switch event {
    case .done(let e): return e.job == job
    case .failed(let e): return e.job == job
    case .cancelled(let e): return e.job == job
    default: return false
    }
}
