import Foundation
import SceneForgeEngine
import SceneForgeImaging
import Testing

/// The engine as a real child process (`sceneforge engine`), driven through `EngineClient`.
@Suite(.serialized)
struct EngineProcessTests {
    @Test func handshakeAnnouncesProtocolAndDevices() async throws {
        let directory = try temporaryDirectory("hello")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory)))
        let log = EventLog(client)
        defer { client.shutdown() }
        let hello = try client.start()
        #expect(hello.protocol == engineProtocolVersion)
        #expect(hello.devices.first == "cpu")
        #expect(hello.defaultModel == "scheduled-noise")
        #expect(client.enginePID == hello.pid)
        // The engine answers the client's own hello (sent by start()) with a reply.
        try await log.waitForEngineEvent("the hello reply") { if case .hello(let h) = $0 { return h.replyTo != nil }; return false }
    }

    @Test func fullJobReportsStepPreviewAndMemoryInOrder() async throws {
        let directory = try temporaryDirectory("full")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory)))
        let log = EventLog(client)
        defer { client.shutdown() }
        let output = directory + "/out.png"
        let id = try client.submit(JobSpec(id: "full", prompt: "coupon popup over the order button", width: 64, height: 96,
                                           steps: 4, seed: 42, output: output, previewEverySteps: 1, previewSize: 8,
                                           extras: ["layout": .object(["boxes": .int(3)])]))
        #expect(id == "full")
        try await log.waitForEngineEvent("done") { isTerminal($0, job: "full") }
        let events = log.jobEvents("full")
        let types = events.map(\.type)
        var expected = ["accepted", "started"]
        for _ in 1...4 { expected += ["step", "preview", "memory"] }
        expected.append("done")
        #expect(types == expected)

        let steps = events.compactMap { if case .step(let s) = $0 { return s }; return nil }
        #expect(steps.map(\.index) == [1, 2, 3, 4])
        #expect(steps.allSatisfy { $0.total == 4 && $0.secondsPerStep >= 0 && $0.etaSeconds >= 0 })
        #expect(steps.last?.etaSeconds == 0)
        let previews = events.compactMap { if case .preview(let p) = $0 { return p }; return nil }
        for preview in previews {
            // 96x64 pixels → 12x8 latents; the long side is limited to 8 → 8x5 (rounded).
            #expect(preview.kind == .thumbnail && preview.encoding == "rgb8")
            #expect(max(preview.width, preview.height) == 8)
            #expect(Data(base64Encoded: preview.data ?? "")?.count == preview.width * preview.height * 3)
        }
        let memory = events.compactMap { if case .memory(let m) = $0 { return m }; return nil }
        #expect(memory.map(\.step) == [1, 2, 3, 4])
        #expect(memory.allSatisfy { ($0.process?.rssBytes ?? 0) > 0 && ($0.system?.totalBytes ?? 0) > 0 })

        guard case .done(let done)? = events.last else { Issue.record("no done event"); return }
        #expect(done.outputs == [output])
        #expect(done.record["seed"] == .int(42))
        #expect(done.record["prompt"] == .string("coupon popup over the order button"))
        // Extras the generator does not act on are kept in the record, as JSON text.
        #expect(done.record["extra"]?["extras.layout"] == .string(#"{"boxes":3}"#))
        #expect(done.record["sampler"] == .string("flow_match_euler"))
        #expect(done.record["id"] == .string("full"))
        let image = try PNGFile.read(contentsOf: URL(fileURLWithPath: output))
        #expect(image.width == 64 && image.height == 96)
        // The PNG carries the same record as the done event.
        let record = try #require(try PNGFile.metadata(contentsOf: URL(fileURLWithPath: output)).record)
        #expect(try EngineImageFile.json(record) == done.record)
        #expect(client.unfinishedJobs.isEmpty)
    }

    @Test func sameSeedSameImageAndModelStaysLoaded() async throws {
        let directory = try temporaryDirectory("seed")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory, memoryHz: 0)))
        let log = EventLog(client)
        defer { client.shutdown() }
        for (id, prompt, seed) in [("a", "toast: network unstable", UInt64(1)), ("b", "toast: network unstable", 1),
                                   ("c", "toast: network unstable", 2), ("d", "payment failed dialog", 1)] {
            try client.submit(JobSpec(id: id, prompt: prompt, width: 32, height: 32, steps: 3, seed: seed, previewEverySteps: 0))
        }
        try await log.waitForEngineEvent("job d done") { isTerminal($0, job: "d") }
        let images = try ["a", "b", "c", "d"].map { try PNGFile.read(contentsOf: URL(fileURLWithPath: directory + "/\($0).png")).pixels }
        #expect(images[0] == images[1])
        #expect(images[0] != images[3]) // another prompt pulls toward another target
        // The model loads once for four jobs with the same model.
        #expect(log.engineEvents.filter { $0.type == "loaded" }.count == 1)
    }

    @Test func cancelStopsTheRunningJobAndRemovesAQueuedOne() async throws {
        let directory = try temporaryDirectory("cancel")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory, memoryHz: 0)))
        let log = EventLog(client)
        defer { client.shutdown() }
        try client.submit(JobSpec(id: "long", prompt: "spinner stuck", width: 256, height: 256, steps: 1000, seed: 3,
                                  model: tinyZImageFolder))
        try client.submit(JobSpec(id: "queued", prompt: "empty result", width: 32, height: 32, steps: 2, seed: 3))
        try client.submit(JobSpec(id: "after", prompt: "empty result", width: 32, height: 32, steps: 2, seed: 3))
        try await log.waitForEngineEvent("step 3 of the long job") { if case .step(let s) = $0 { return s.job == "long" && s.index >= 3 }; return false }
        try client.cancel(job: "queued")
        try client.cancel(job: "long")
        try await log.waitForEngineEvent("the long job cancelled") { isTerminal($0, job: "long") }
        try await log.waitForEngineEvent("the last job done") { isTerminal($0, job: "after") }

        let long = log.jobEvents("long")
        guard case .cancelled(let cancelled)? = long.last else { Issue.record("long job: \(long.map(\.type))"); return }
        #expect(cancelled.state == .running)
        let lastStep = long.compactMap { if case .step(let s) = $0 { return s.index }; return nil }.max() ?? 0
        #expect(lastStep < 1000)
        let queued = log.jobEvents("queued").map(\.type)
        #expect(queued == ["accepted", "cancelled"])
        if case .done? = log.jobEvents("after").last {} else { Issue.record("the job after a cancel did not finish") }
        #expect(!FileManager.default.fileExists(atPath: directory + "/long.png"))
    }

    @Test func killedEngineFailsTheRunningJobRestartsAndRunsTheNext() async throws {
        let directory = try temporaryDirectory("kill")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory, memoryHz: 0)))
        let log = EventLog(client)
        defer { client.shutdown() }
        try client.submit(JobSpec(id: "victim", prompt: "dialog", width: 256, height: 256, steps: 1000, seed: 1,
                                  model: tinyZImageFolder))
        try client.submit(JobSpec(id: "survivor", prompt: "toast", width: 32, height: 32, steps: 3, seed: 1))
        try await log.waitForEngineEvent("the victim's second step") { if case .step(let s) = $0 { return s.job == "victim" && s.index >= 2 }; return false }
        let firstPID = try #require(client.enginePID)
        #expect(kill(firstPID, SIGKILL) == 0)
        let killed = Date()
        try await log.waitForEngineEvent("the victim failed", timeout: 5) { isTerminal($0, job: "victim") }
        #expect(Date().timeIntervalSince(killed) < 1.0)
        guard case .failed(let failed)? = log.jobEvents("victim").last else { Issue.record("victim not failed"); return }
        #expect(failed.message.contains("signal 9"))
        #expect(failed.engineLog != nil)
        try await log.wait("the exit notice", timeout: 5) { $0.contains { if case .engineExited = $0 { return true }; return false } }
        #expect(log.events.contains { if case .engineExited(let exit) = $0 { return exit.reason == "signal 9" && !exit.requested }; return false })

        // The queued job runs on a new engine, which the client started because a job was waiting.
        try await log.waitForEngineEvent("the survivor done") { isTerminal($0, job: "survivor") }
        guard case .done? = log.jobEvents("survivor").last else { Issue.record("survivor: \(log.jobEvents("survivor").map(\.type))"); return }
        let secondPID = try #require(client.enginePID)
        #expect(secondPID != firstPID)
        #expect(log.events.filter { if case .engineStarted = $0 { return true }; return false }.count == 2)
        #expect(client.unfinishedJobs.isEmpty)
    }

    @Test func anEngineKilledWhileIdleRestartsOnTheNextRequest() async throws {
        let directory = try temporaryDirectory("idle")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory, memoryHz: 0)))
        let log = EventLog(client)
        defer { client.shutdown() }
        let first = try client.start()
        kill(first.pid, SIGKILL)
        try await log.wait("the exit notice", timeout: 5) { $0.contains { if case .engineExited = $0 { return true }; return false } }
        try client.submit(JobSpec(id: "next", prompt: "banner", width: 32, height: 32, steps: 2, seed: 5))
        try await log.waitForEngineEvent("the next job done") { isTerminal($0, job: "next") }
        #expect(client.enginePID != first.pid)
    }

    @Test func requestsForMissingModelsAndBadFieldsGetErrorsAndTheEngineKeepsServing() async throws {
        let directory = try temporaryDirectory("errors")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory, memoryHz: 0)))
        let log = EventLog(client)
        defer { client.shutdown() }
        try client.submit(JobSpec(id: "missing", prompt: "x", model: "/no/such/model.safetensors"))
        try client.submit(JobSpec(id: "odd", prompt: "x", width: 100))
        try client.send(.load(LoadRequest(model: "nonexistent-model")))
        try client.submit(JobSpec(id: "fine", prompt: "x", width: 32, height: 32, steps: 1, seed: 0))
        try await log.waitForEngineEvent("the good job done") { isTerminal($0, job: "fine") }
        let errors = log.engineEvents.compactMap { if case .error(let e) = $0 { return e }; return nil }
        #expect(errors.contains { $0.code == .modelUnavailable && $0.message.contains("/no/such/model.safetensors") && $0.job == "missing" })
        #expect(errors.contains { $0.code == .invalidField && $0.message.contains("job.width") && $0.job == "odd" })
        #expect(errors.contains { $0.code == .modelUnavailable && $0.message.contains("nonexistent-model") })
        // Refused jobs are not kept for resubmission.
        #expect(client.unfinishedJobs.isEmpty)
    }
}

extension EngineProcessTests {
    @Test func decodePreviewQueueAndStatusAnswerWhileAJobRuns() async throws {
        let directory = try temporaryDirectory("decode")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory, memoryHz: 0)))
        let log = EventLog(client)
        defer { client.shutdown() }
        // The real tiny Z-Image model: slow enough (about 10 ms a step) for the requests to arrive while it runs,
        // and its full preview is a VAE decode of the denoised estimate.
        try client.submit(JobSpec(id: "slow", prompt: "permission dialog", width: 128, height: 64, steps: 1000, seed: 8,
                                  model: ZImageEngineTests.pipelineFolder, previewEverySteps: 0))
        try client.submit(JobSpec(id: "waiting", prompt: "toast", width: 32, height: 32, steps: 1, seed: 8))
        try await log.waitForEngineEvent("a step") { if case .step(let s) = $0 { return s.job == "slow" }; return false }
        let queueRequest = try client.send(.queue)
        let statusRequest = try client.send(.status)
        try client.send(.decodePreview(job: "slow"))
        try await log.waitForEngineEvent("the full preview") { if case .preview(let p) = $0 { return p.kind == .full }; return false }
        try await log.waitForEngineEvent("the status") { if case .status(let s) = $0 { return s.replyTo == statusRequest }; return false }
        try client.cancel(job: "slow")
        try await log.waitForEngineEvent("waiting done") { isTerminal($0, job: "waiting") }

        let events = log.engineEvents
        let listing = events.compactMap { if case .queue(let q) = $0, q.replyTo == queueRequest { return q }; return nil }.first
        #expect(listing?.running == "slow" && listing?.queued == ["waiting"])
        let status = events.compactMap { if case .status(let s) = $0 { return s }; return nil }.first
        #expect(status?.running == "slow" && status?.queued == 1 && status?.loadedModel == ZImageEngineTests.pipelineFolder)
        let full = try #require(events.compactMap { if case .preview(let p) = $0, p.kind == .full { return p }; return nil }.first)
        #expect(full.encoding == "png" && full.width == 128 && full.height == 64)
        let image = try PNGFile.read(contentsOf: URL(fileURLWithPath: try #require(full.path)))
        #expect(image.width == 128 && image.height == 64)
    }
}
