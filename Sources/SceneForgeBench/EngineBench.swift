import ArgumentParser
import Foundation
import SceneForgeEngine
import SceneForgeTorch

/// `sceneforge-bench engine`: the engine's per-step overhead (step, preview and memory events, telemetry, the pipe)
/// against calling the same generator directly in this process on the same job.
struct EngineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine", abstract: "Engine per-step time (previews every step) against the generator called directly.")

    @Option(help: "The model to run (built-in: scheduled-noise, the model-free test generator).")
    var model = "scheduled-noise"
    @Option var width = 1024
    @Option var height = 1024
    @Option var steps = 30
    @Option(help: "A preview every N steps in the engine (0: none).")
    var previewEvery = 1
    @Option(help: "Timed jobs per side (median reported), after one warm-up job.")
    var repeats = 5
    @Option(help: "The engine command (default: the sceneforge executable next to this one, `engine`).")
    var engine: String?

    func run() async throws {
        let spec = JobSpec(prompt: "coupon popup over the order button", width: width, height: height, steps: steps,
                           seed: 1, model: model, device: "cpu", previewEverySteps: previewEvery, previewSize: 64)
        let direct = try directSecondsPerStep()
        let inEngine = try await engineSecondsPerStep(spec)
        print("job: \(model) \(width)x\(height), \(steps) steps, preview every \(previewEvery) step(s), cpu, libtorch \(try Torch.version())")
        print(String(format: "direct (in-process):  %.4f ms/step", direct * 1000))
        print(String(format: "engine (events, previews, telemetry): %.4f ms/step", inEngine * 1000))
        print(String(format: "overhead: %.4f ms/step, ratio engine/direct %.3fx (%+.1f%%)",
                     (inEngine - direct) * 1000, inEngine / direct, (inEngine / direct - 1) * 100))
    }

    /// From the call to `generate` to its last step, like the engine's `elapsed_seconds` of the last step.
    private func directSecondsPerStep() throws -> Double {
        let generator = try BuiltinGeneratorLoader().load(model: model, dtype: .float32, device: .cpu)
        let job = GenerationJob(id: "bench", prompt: "coupon popup over the order button", width: width, height: height,
                                steps: steps, seed: 1, outputPath: "/dev/null")
        var times: [Double] = []
        for _ in 0...repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            var last = start
            _ = try generator.generate(job) { info, _ in
                if info.index == info.total { last = DispatchTime.now().uptimeNanoseconds }
                return true
            }
            times.append(Double(last - start) / 1e9 / Double(steps))
        }
        return median(Array(times.dropFirst()))
    }

    private func engineSecondsPerStep(_ spec: JobSpec) async throws -> Double {
        let directory = NSTemporaryDirectory() + "sceneforge-engine-bench-\(getpid())"
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("sceneforge").path
        let command = (engine.map { $0.split(separator: " ").map(String.init) } ?? [executable, "engine"])
            + ["--output-dir", directory]
        let client = EngineClient(configuration: .init(command: command))
        defer {
            client.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
        }
        try client.start()
        var jobs: [String] = []
        for i in 0...repeats {
            var job = spec
            job.id = "bench-\(i)"
            jobs.append(try client.submit(job))
        }
        var perStep: [String: Double] = [:]
        for await event in client.events {
            guard case .engine(let e) = event else { continue }
            switch e {
            case .step(let step) where step.index == step.total:
                perStep[step.job] = step.elapsedSeconds / Double(step.total)
            case .failed(let failed):
                throw ValidationError("bench job failed: \(failed.message)")
            case .done(let done) where done.job == jobs.last:
                return median(jobs.dropFirst().compactMap { perStep[$0] })
            default:
                break
            }
        }
        throw ValidationError("the engine stopped before the bench jobs finished")
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }
}
