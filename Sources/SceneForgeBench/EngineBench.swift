import ArgumentParser
import Foundation
import SceneForgeEngine
import SceneForgeTorch

/// `sceneforge-bench engine`: the engine's per-step overhead (step, preview and memory events, telemetry, the pipe)
/// against calling the same generator directly in this process on the same job.
///
/// The engine is read two ways: by a raw line reader that decodes only the last step (the engine's own cost), and by
/// `EngineClient`, which decodes every event as the workbench does (on 2 cores that decoding competes with the steps).
struct EngineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine", abstract: "Engine per-step time (previews every step) against the generator called directly.")

    @Option(help: "The model to run: a Z-Image folder, or scheduled-noise (the model-free test generator).")
    var model = "scheduled-noise"
    @Option var width = 1024
    @Option var height = 1024
    @Option var steps = 30
    @Option(help: "A preview every N steps in the engine (0: none).")
    var previewEvery = 1
    @Option(help: "Timed jobs per side (median reported), after one warm-up job.")
    var repeats = 5
    @Option(help: "Milliseconds of idle before each side's job, so neither starts beside the other's spinning threads.")
    var settleMilliseconds = 300
    @Option(help: "The engine command (default: the sceneforge executable next to this one, `engine`).")
    var engine: String?

    func run() async throws {
        let spec = JobSpec(prompt: "coupon popup over the order button", width: width, height: height, steps: steps,
                           seed: 1, model: model, device: "cpu", previewEverySteps: previewEvery, previewSize: 64)
        let generator = try ZImageGeneratorLoader().load(model: model, dtype: .float32, device: .cpu)
        let job = GenerationJob(id: "bench", prompt: spec.prompt, width: width, height: height, steps: steps, seed: 1,
                                outputPath: "/dev/null")
        let directory = NSTemporaryDirectory() + "sceneforge-engine-bench-\(getpid())"
        let client = EngineClient(configuration: .init(command: engineCommand(outputDirectory: directory)))
        defer {
            client.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
        }
        try client.start()
        var events = client.events.makeAsyncIterator()
        let raw = try RawEngine(command: engineCommand(outputDirectory: directory))
        defer { raw.stop() }
        // Alternate the sides so that load from other processes hits them alike; the first round warms up.
        var direct: [Double] = [], inEngine: [Double] = [], throughClient: [Double] = []
        for round in 0...repeats {
            // Each side starts on quiet cores: BLAS worker threads spin for a while after the other side's last GEMM.
            settle()
            let d = try directSecondsPerStep(generator, job)
            var engineJob = spec
            engineJob.id = "bench-raw-\(round)"
            settle()
            let e = try raw.secondsPerStep(engineJob)
            engineJob.id = "bench-\(round)"
            settle()
            let c = try await engineSecondsPerStep(client, engineJob, &events)
            if round > 0 {
                direct.append(d)
                inEngine.append(e)
                throughClient.append(c)
            }
        }
        let (d, e, c) = (median(direct), median(inEngine), median(throughClient))
        print("job: \(model) \(width)x\(height), \(steps) steps, preview every \(previewEvery) step(s), cpu, "
            + "libtorch \(try Torch.version()), \(repeats) rounds (medians)")
        print(String(format: "direct (in-process):                      %.4f ms/step", d * 1000))
        print(String(format: "engine (events, previews, telemetry):     %.4f ms/step", e * 1000))
        print(String(format: "  read by EngineClient (decodes events):  %.4f ms/step", c * 1000))
        print(String(format: "overhead: %.4f ms/step; ratio engine/direct %.3fx (%+.1f%%); with the Swift client decoding %.3fx (%+.1f%%)",
                     (e - d) * 1000, e / d, (e / d - 1) * 100, c / d, (c / d - 1) * 100))
        // On a shared machine the fastest round is the least disturbed one.
        let (dMin, eMin) = (direct.min() ?? .nan, inEngine.min() ?? .nan)
        print(String(format: "fastest rounds: direct %.4f, engine %.4f ms/step; overhead %.4f ms/step, ratio %.3fx",
                     dMin * 1000, eMin * 1000, (eMin - dMin) * 1000, eMin / dMin))
    }

    private func settle() {
        if settleMilliseconds > 0 { usleep(UInt32(settleMilliseconds) * 1000) }
    }

    private func engineCommand(outputDirectory: String) -> [String] {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("sceneforge").path
        return (engine.map { $0.split(separator: " ").map(String.init) } ?? [executable, "engine"])
            + ["--output-dir", outputDirectory]
    }

    /// From the call to `generate` to its last step, like the engine's `elapsed_seconds` of the last step.
    private func directSecondsPerStep(_ generator: ImageGenerator, _ job: GenerationJob) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        var last = start
        _ = try generator.generate(job) { info, _ in
            if info.index == info.total { last = DispatchTime.now().uptimeNanoseconds }
            return true
        }
        return Double(last - start) / 1e9 / Double(job.steps)
    }

    /// The engine's own clock: `elapsed_seconds` of the last step over the step count.
    private func engineSecondsPerStep(_ client: EngineClient, _ job: JobSpec,
                                      _ events: inout AsyncStream<EngineClient.Event>.Iterator) async throws -> Double {
        let id = try client.submit(job)
        var perStep: Double?
        while let event = await events.next() {
            guard case .engine(let e) = event, e.job == id else { continue }
            switch e {
            case .step(let step) where step.index == step.total: perStep = step.elapsedSeconds / Double(step.total)
            case .failed(let failed): throw ValidationError("bench job failed: \(failed.message)")
            case .done:
                guard let perStep else { throw ValidationError("the engine finished \(id) without a last step") }
                return perStep
            default: break
            }
        }
        throw ValidationError("the engine stopped before the bench jobs finished")
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }
}

/// An engine child read line by line, decoding only the lines the bench needs.
private final class RawEngine {
    private let process = Process()
    private let input: FileHandle
    private let reader: LineReader
    private let decoder = ProtocolCodec.makeDecoder()
    private let encoder = ProtocolCodec.makeEncoder()

    init(command: [String]) throws {
        let stdin = Pipe(), stdout = Pipe()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        input = stdin.fileHandleForWriting
        reader = LineReader(descriptor: stdout.fileHandleForReading.fileDescriptor)
        guard case .line? = reader.next() else { throw ValidationError("the engine sent no hello") }
    }

    /// The engine's own clock, as `engineSecondsPerStep`: `elapsed_seconds` of the last step over the step count.
    func secondsPerStep(_ job: JobSpec) throws -> Double {
        let id = job.id ?? ""
        try input.write(contentsOf: ProtocolCodec.encodeLine(RequestLine(.submit(job)), encoder: encoder))
        let lastStep = Data("\"index\":\(job.steps ?? 0),".utf8), done = Data("\"type\":\"done\"".utf8)
        let failed = Data("\"type\":\"failed\"".utf8), ofJob = Data("\"job\":\"\(id)\"".utf8)
        var perStep: Double?
        while let item = reader.next() {
            guard case .line(let line) = item, line.range(of: ofJob) != nil else { continue }
            if line.range(of: lastStep) != nil, case .step(let step) = try decoder.decode(EngineEvent.self, from: line) {
                perStep = step.elapsedSeconds / Double(step.total)
            } else if line.range(of: failed) != nil {
                throw ValidationError("bench job failed: \(String(decoding: line, as: UTF8.self))")
            } else if line.range(of: done) != nil {
                guard let perStep else { throw ValidationError("the engine finished \(id) without a last step") }
                return perStep
            }
        }
        throw ValidationError("the engine stopped before the bench jobs finished")
    }

    func stop() {
        try? input.close()
        process.waitUntilExit()
    }
}
