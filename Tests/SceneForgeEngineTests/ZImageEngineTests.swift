import Foundation
import SafeTensors
import SceneForgeEngine
import SceneForgeImaging
import SceneForgeModels
import SceneForgeTorch
import Testing

/// The engine on the real tiny Z-Image folder (Tests/Fixtures/zimage/pipeline: random weights in the real
/// diffusers layout, 96x64 in 4 steps in well under a second), against `sceneforge generate` as the reference.
@Suite(.serialized)
struct ZImageEngineTests {
    static var pipelineFolder: String { tinyZImageFolder }

    static let prompt = "美团 store page, coupon pack popup over the order button"

    /// Runs `sceneforge ARGS`; throws with its stderr when it fails.
    @discardableResult
    static func sceneforge(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try sceneforgeBinary())
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw EngineError("sceneforge \(arguments.joined(separator: " ")): \(text)") }
        return text
    }

    /// What `sceneforge generate --from` makes of a result written as a PNG with its record.
    static func regenerated(_ result: GenerationResult) throws -> RGBAImage {
        let directory = try temporaryDirectory("regenerated")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let original = directory + "/original.png", again = directory + "/again.png"
        try PNGFile.write(result.image, record: result.record, to: URL(fileURLWithPath: original))
        try sceneforge(["generate", "--from", original, "-o", again, "--quiet"])
        return try PNGFile.read(contentsOf: URL(fileURLWithPath: again))
    }

    static func maxDifference(_ a: RGBAImage, _ b: RGBAImage) -> Int {
        guard a.width == b.width, a.height == b.height else { return 256 }
        return zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    @Test func aFullJobMatchesGenerateAndItsRecordRegeneratesIt() async throws {
        let directory = try temporaryDirectory("zimage-full")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory, model: Self.pipelineFolder)))
        let log = EventLog(client)
        defer { client.shutdown() }
        let output = directory + "/engine.png"
        try client.submit(JobSpec(id: "real", prompt: Self.prompt, negativePrompt: "blurry", width: 96, height: 64, steps: 4,
                                  guidance: 1.5, seed: 42, output: output, previewEverySteps: 1, previewSize: 12))
        try await log.waitForEngineEvent("done", timeout: 120) { isTerminal($0, job: "real") }
        let events = log.jobEvents("real")
        var expected = ["accepted", "started"]
        for _ in 1...4 { expected += ["step", "preview", "memory"] }
        expected.append("done")
        #expect(events.map(\.type) == expected)
        #expect(log.engineEvents.contains { if case .loaded(let l) = $0 { return l.description.contains("Z-Image") }; return false })
        guard case .done(let done)? = events.last else { Issue.record("no done: \(events.map(\.type))"); return }
        #expect(done.record["model"] == .string("pipeline"))
        #expect(done.record["modelHash"] == .string(ModelFingerprint.of(folder: URL(fileURLWithPath: Self.pipelineFolder))))

        // The reference: `sceneforge generate` with the same settings, in its own process.
        let reference = directory + "/generate.png", latentsFile = directory + "/latents.safetensors"
        try Self.sceneforge(["generate", "--model", Self.pipelineFolder, "--prompt", Self.prompt, "--negative-prompt", "blurry",
                             "--width", "96", "--height", "64", "--steps", "4", "--guidance", "1.5", "--seed", "42",
                             "--save-latents", latentsFile, "-o", reference, "--quiet"])
        let engineImage = try PNGFile.read(contentsOf: URL(fileURLWithPath: output))
        let generateImage = try PNGFile.read(contentsOf: URL(fileURLWithPath: reference))
        #expect(Self.maxDifference(engineImage, generateImage) <= 2)

        // The engine's PNG carries a record `generate --from` makes the same pixels from.
        let record = try #require(try PNGFile.metadata(contentsOf: URL(fileURLWithPath: output)).record)
        #expect(record.prompt == Self.prompt && record.negativePrompt == "blurry" && record.seed == 42 && record.steps == 4)
        #expect(record.guidance == 1.5 && record.width == 96 && record.height == 64 && record.sampler == "flow_match_euler")
        let again = directory + "/again.png"
        try Self.sceneforge(["generate", "--from", output, "-o", again, "--quiet"])
        #expect(try PNGFile.read(contentsOf: URL(fileURLWithPath: again)) == engineImage)

        // Previews show the denoised estimate: the last one is the final latents' projection (12x8: the latent size).
        let previews = events.compactMap { if case .preview(let p) = $0 { return p }; return nil }
        let final = try Tensor.load("latents", from: SafeTensorsFile(url: URL(fileURLWithPath: latentsFile)), dtype: .float32)
        let finalPreview = try LatentRGBProjection.fluxFamily.image(from: final, maxSide: 12).rgbBytes
        let previewBytes = try previews.map { try #require(Data(base64Encoded: $0.data ?? "")).map { $0 } }
        #expect(previews.map { [$0.width, $0.height] } == Array(repeating: [12, 8], count: 4))
        let distances = previewBytes.map { bytes in zip(bytes, finalPreview).map { abs(Int($0) - Int($1)) }.reduce(0, +) }
        #expect(distances.last ?? 1 <= finalPreview.count)  // at most one level per byte (rounding)
        #expect(distances[0] > distances[3] && distances[1] > distances[3] && distances[2] > distances[3], "\(distances)")
    }

    @Test func aRunningJobCancelsAndAKilledEngineRecovers() async throws {
        let directory = try temporaryDirectory("zimage-cancel")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory, memoryHz: 0,
                                                                                   model: Self.pipelineFolder)))
        let log = EventLog(client)
        defer { client.shutdown() }
        let long = JobSpec(prompt: "loading spinner stuck", width: 256, height: 256, steps: 1000, seed: 3, previewEverySteps: 1,
                           previewSize: 8)
        var cancelled = long, victim = long
        (cancelled.id, victim.id) = ("cancelled", "victim")
        try client.submit(cancelled)
        try await log.waitForEngineEvent("step 2", timeout: 120) { if case .step(let s) = $0 { return s.job == "cancelled" && s.index >= 2 }; return false }
        try client.cancel(job: "cancelled")
        try await log.waitForEngineEvent("cancelled", timeout: 30) { isTerminal($0, job: "cancelled") }
        guard case .cancelled(let c)? = log.jobEvents("cancelled").last else { Issue.record("\(log.jobEvents("cancelled").map(\.type))"); return }
        #expect(c.state == .running)
        #expect(!FileManager.default.fileExists(atPath: directory + "/cancelled.png"))

        try client.submit(victim)
        try client.submit(JobSpec(id: "survivor", prompt: "toast", width: 96, height: 64, steps: 4, seed: 1))
        try await log.waitForEngineEvent("the victim's second step", timeout: 120) { if case .step(let s) = $0 { return s.job == "victim" && s.index >= 2 }; return false }
        let pid = try #require(client.enginePID)
        #expect(kill(pid, SIGKILL) == 0)
        let killed = Date()
        try await log.waitForEngineEvent("the victim failed", timeout: 5) { isTerminal($0, job: "victim") }
        #expect(Date().timeIntervalSince(killed) < 1.0)
        guard case .failed(let failed)? = log.jobEvents("victim").last else { Issue.record("victim not failed"); return }
        #expect(failed.message.contains("signal 9"))
        try await log.waitForEngineEvent("the survivor done", timeout: 120) { isTerminal($0, job: "survivor") }
        guard case .done(let done)? = log.jobEvents("survivor").last else { Issue.record("\(log.jobEvents("survivor").map(\.type))"); return }
        #expect(client.enginePID != pid)
        let image = try PNGFile.read(contentsOf: URL(fileURLWithPath: try #require(done.outputs.first)))
        #expect(image.width == 96 && image.height == 64)
    }

    /// Z-Image-Omni through the engine: the `references` extra runs the reference-image path `generate --reference`
    /// runs, and the PNG's record names the references so `generate --from` makes it again.
    @Test func referenceImagesOnAnOmniModelMatchGenerate() async throws {
        let directory = try temporaryDirectory("zimage-omni")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fixtures = URL(fileURLWithPath: tinyZImageFolder).deletingLastPathComponent().deletingLastPathComponent()
        let omni = fixtures.appendingPathComponent("zimage_omni/pipeline").path
        let reference = fixtures.appendingPathComponent("zimage_omni/pipeline_outputs/reference.png").path
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory, memoryHz: 0, model: omni)))
        let log = EventLog(client)
        defer { client.shutdown() }
        let output = directory + "/engine.png"
        try client.submit(JobSpec(id: "edit", prompt: "add a coupon popup", width: 64, height: 64, steps: 3, seed: 5, output: output,
                                  extras: ["references": .array([.string(reference)])]))
        try client.submit(JobSpec(id: "missing", prompt: "x", width: 64, height: 64, steps: 1, seed: 1,
                                  extras: ["references": .array([.string(directory + "/gone.png")])]))
        try client.submit(JobSpec(id: "wrong-type", prompt: "x", width: 64, height: 64, steps: 1, seed: 1,
                                  extras: ["references": .string(reference)]))
        try await log.waitForEngineEvent("the last job", timeout: 120) { isTerminal($0, job: "wrong-type") }
        guard case .done(let done)? = log.jobEvents("edit").last else { Issue.record("\(log.jobEvents("edit").map(\.type))"); return }
        #expect(done.record["extra"]?["references"] == .string(reference))
        guard case .failed(let missing)? = log.jobEvents("missing").last else { Issue.record("missing reference not failed"); return }
        #expect(missing.message.contains("gone.png"))
        let wrongType = log.engineEvents.contains {
            if case .failed(let f) = $0, f.job == "wrong-type" { return f.message.contains("job.extras.references") }
            if case .error(let e) = $0, e.job == "wrong-type" { return e.message.contains("job.extras.references") }
            return false
        }
        #expect(wrongType)

        let generated = directory + "/generate.png"
        try Self.sceneforge(["generate", "--model", omni, "--prompt", "add a coupon popup", "--reference", reference,
                             "--width", "64", "--height", "64", "--steps", "3", "--seed", "5", "-o", generated, "--quiet"])
        let engineImage = try PNGFile.read(contentsOf: URL(fileURLWithPath: output))
        #expect(Self.maxDifference(engineImage, try PNGFile.read(contentsOf: URL(fileURLWithPath: generated))) <= 2)
        let again = directory + "/again.png"
        try Self.sceneforge(["generate", "--from", output, "-o", again, "--quiet"])
        #expect(try PNGFile.read(contentsOf: URL(fileURLWithPath: again)) == engineImage)
    }

    @Test func inpaintingExtrasMatchGenerateAndBadOnesFailTheJob() async throws {
        let directory = try temporaryDirectory("zimage-inpaint")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory, memoryHz: 0,
                                                                                   model: Self.pipelineFolder)))
        let log = EventLog(client)
        defer { client.shutdown() }
        let source = directory + "/source.png", edited = directory + "/edited.png"
        try client.submit(JobSpec(id: "source", prompt: "order page", width: 96, height: 64, steps: 4, seed: 1, output: source))
        try client.submit(JobSpec(id: "edit", prompt: Self.prompt, width: 96, height: 64, steps: 4, seed: 2, output: edited,
                                  extras: ["init": .string(source), "mask": .string("from-layout"), "mask_layout": .string("centre_modal"),
                                           "strength": .double(0.8), "paste_back": .bool(true), "feather": .int(2),
                                           "fit_steps": .int(3)]))
        try client.submit(JobSpec(id: "bad", prompt: "x", width: 96, height: 64, steps: 4, seed: 2, extras: ["mask": .string("from-layout")]))
        try client.submit(JobSpec(id: "unmasked-fit", prompt: "x", width: 96, height: 64, steps: 4, seed: 2,
                                  extras: ["init": .string(source), "fit_steps": .int(3)]))
        try await log.waitForEngineEvent("the unmasked fit", timeout: 120) { isTerminal($0, job: "unmasked-fit") }
        guard case .done(let done)? = log.jobEvents("edit").last else { Issue.record("\(log.jobEvents("edit").map(\.type))"); return }
        #expect(done.record["extra"]?["maskLayout"] == .string("centre_modal") && done.record["extra"]?["pasteBack"] == .string("true")
                && done.record["extra"]?["fitSteps"] == .string("3"))
        #expect(done.record["anomalyBoxes"].map { if case .array(let boxes) = $0 { return !boxes.isEmpty }; return false } == true)
        guard case .failed(let failed)? = log.jobEvents("bad").last else { Issue.record("\(log.jobEvents("bad").map(\.type))"); return }
        #expect(failed.message.contains("a mask needs an init image"))
        guard case .failed(let unmasked)? = log.jobEvents("unmasked-fit").last else {
            Issue.record("\(log.jobEvents("unmasked-fit").map(\.type))"); return
        }
        #expect(unmasked.message.contains("fit steps need a mask"), "\(unmasked.message)")

        let reference = directory + "/generate.png"
        try Self.sceneforge(["generate", "--model", Self.pipelineFolder, "--prompt", Self.prompt, "--width", "96", "--height", "64",
                             "--steps", "4", "--seed", "2", "--init", source, "--mask", "from-layout", "--mask-layout", "centre_modal",
                             "--strength", "0.8", "--paste-back", "--feather", "2", "--fit-steps", "3", "-o", reference, "--quiet"])
        let engineImage = try PNGFile.read(contentsOf: URL(fileURLWithPath: edited))
        #expect(Self.maxDifference(engineImage, try PNGFile.read(contentsOf: URL(fileURLWithPath: reference))) <= 2)
        #expect(engineImage != (try PNGFile.read(contentsOf: URL(fileURLWithPath: source))))
    }

    @Test func missingModelsAndNoDefaultModelGetErrorsNamingThem() async throws {
        let directory = try temporaryDirectory("zimage-missing")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment["SCENEFORGE_MODEL"] = "none"   // whatever models/default holds, this engine has no default
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory, memoryHz: 0, model: nil),
                                                       environment: environment))
        let log = EventLog(client)
        defer { client.shutdown() }
        let hello = try client.start()
        #expect(hello.defaultModel == "")
        try client.submit(JobSpec(id: "gone", prompt: "x", width: 96, height: 64, model: directory + "/no-such-zimage"))
        try client.submit(JobSpec(id: "nodefault", prompt: "x", width: 96, height: 64))
        try client.submit(JobSpec(id: "notafolder", prompt: "x", width: 96, height: 64, model: directory))
        try client.submit(JobSpec(id: "fine", prompt: "x", width: 96, height: 64, steps: 2, seed: 0, model: Self.pipelineFolder))
        try await log.waitForEngineEvent("the good job done", timeout: 120) { isTerminal($0, job: "fine") }
        let errors = log.engineEvents.compactMap { if case .error(let e) = $0 { return e }; return nil }
        #expect(errors.contains { $0.job == "gone" && $0.code == .modelUnavailable && $0.message.contains(directory + "/no-such-zimage") })
        #expect(errors.contains { $0.job == "nodefault" && $0.message.contains("no default model found") })
        #expect(errors.contains { $0.job == "notafolder" && $0.message.contains("no model_index.json") })
        if case .done? = log.jobEvents("fine").last {} else { Issue.record("fine: \(log.jobEvents("fine").map(\.type))") }
    }

    /// A job naming no size draws the model's own: the embedded model's 128x256 (a 1024x1024 image from it
    /// would take a minute on 2 cores and look nothing like its training screens).
    @Test func aJobNamingNoSizeDrawsTheEmbeddedModelsOwn() async throws {
        let directory = try temporaryDirectory("zimage-own-size")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let embedded = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("models/default").path
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory, memoryHz: 0, model: embedded)))
        let log = EventLog(client)
        defer { client.shutdown() }
        let output = directory + "/own.png"
        try client.submit(JobSpec(id: "own", prompt: "Toast in the lower third.", steps: 2, seed: 1, output: output))
        try await log.waitForEngineEvent("done", timeout: 120) { isTerminal($0, job: "own") }
        let image = try PNGFile.read(contentsOf: URL(fileURLWithPath: output))
        #expect(image.width == 128 && image.height == 256)
        // `started` says the size it draws, so a client that named none (the workbench's default) can show it.
        let started = log.jobEvents("own").compactMap { if case .started(let e) = $0 { return e }; return nil }.first
        #expect(started?.width == 128 && started?.height == 256)
    }

    @Test func theModelEnvironmentVariableNamesTheDefault() async throws {
        let directory = try temporaryDirectory("zimage-env")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment["SCENEFORGE_MODEL"] = Self.pipelineFolder
        let client = EngineClient(configuration: .init(command: try engineCommand(outputDirectory: directory, memoryHz: 0, model: nil),
                                                       environment: environment))
        defer { client.shutdown() }
        #expect(try client.start().defaultModel == Self.pipelineFolder)
    }
}

/// The denoised estimate the pipeline reports, against the definition x̂0 = x_t − σ_t·v computed here from the
/// latents it steps through: v = (x_{t+1} − x_t) / (σ_{t+1} − σ_t), the velocity of each Euler step.
struct DenoisedEstimateTests {
    @Test func eachStepReportsLatentsMinusSigmaTimesVelocity() throws {
        let pipeline = try ZImagePipeline.load(folder: URL(fileURLWithPath: ZImageEngineTests.pipelineFolder))
        var request = TextToImageRequest(prompts: ["permission dialog"])
        (request.width, request.height, request.steps) = (96, 64, 4)
        let noise = try Tensor.randn([1, 16, 8, 12], generator: Generator(seed: 5))
        request.latents = noise
        var latents = [noise]
        var reports: [(sigma: Float, denoised: [Float])] = []
        let final = try pipeline.denoise(request) { step, x in
            latents.append(x)
            reports.append((step.sigma, try step.denoised.toArray(as: Float.self)))
            return true
        }
        let sigmas = try ZImageSchedule.scheduler(config: pipeline.schedulerConfig, numInferenceSteps: 4, latentHeight: 8, latentWidth: 12).sigmas
        #expect(reports.map(\.sigma) == Array(sigmas.dropFirst()))
        for i in 0..<4 {
            let (x, next) = (try latents[i].toArray(as: Float.self), try latents[i + 1].toArray(as: Float.self))
            let dt = sigmas[i + 1] - sigmas[i]
            let expected = zip(x, next).map { x, n in x - sigmas[i] * (n - x) / dt }
            let error = zip(expected, reports[i].denoised).map { abs($0 - $1) }.max() ?? 1
            #expect(error < 1e-3, "step \(i): \(error)")
        }
        #expect(reports.last?.denoised == (try final.toArray(as: Float.self)))
    }
}
