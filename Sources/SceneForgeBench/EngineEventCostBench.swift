import ArgumentParser
import Foundation
import SceneForgeEngine
import SceneForgeTorch

/// `sceneforge-bench engine-events`: what each piece of the engine's per-step reporting costs, measured alone, next to
/// the cost of one denoising step of the same job (the reference the engine's overhead is a fraction of).
struct EngineEventCostBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine-events", abstract: "Cost of each per-step engine event piece against one denoising step.")

    @Option(help: "A Z-Image folder for the step reference.")
    var model = "Tests/Fixtures/zimage/pipeline"
    @Option var width = 96
    @Option var height = 64
    @Option var iterations = 2000

    func run() throws {
        let generator = try ZImageGeneratorLoader().load(model: model, dtype: .float32, device: .cpu)
        let steps = 30
        let job = GenerationJob(id: "bench", prompt: "coupon popup over the order button", width: width, height: height,
                                steps: steps, seed: 1, outputPath: "/dev/null")
        var latents: Tensor?
        let stepSeconds = try medianSeconds(iterations: 5) {
            _ = try generator.generate(job) { _, current in
                latents = current
                return true
            }
        } / Double(steps)
        guard let latents else { throw ValidationError("the generator reported no step") }

        let encoder = ProtocolCodec.makeEncoder()
        let telemetry = MemoryTelemetry()
        let projection = LatentRGBProjection.fluxFamily
        // The step and preview payloads are the engine's own types; a bench builds them as a client sees them, from lines.
        let decoder = ProtocolCodec.makeDecoder()
        let event = { (line: String) in try decoder.decode(EngineEvent.self, from: Data(line.utf8)) }
        let step = try event(#"{"elapsed_seconds":0.0208,"eta_seconds":0.0416,"index":1,"job":"a","seconds_per_step":0.0208,"total":3,"type":"step"}"#)
        let image = try projection.image(from: latents, maxSide: 64)
        let preview = try event(#"{"data":"\#(Data(image.rgbBytes).base64EncodedString())","encoding":"rgb8","height":\#(image.height),"job":"a","kind":"thumbnail","step":1,"type":"preview","width":\#(image.width)}"#)
        let memory = EngineEvent.memory(telemetry.sample(job: "bench", step: 3))
        let pieces: [(String, () throws -> Void)] = [
            ("encode step event", { _ = try ProtocolCodec.encodeLine(step, encoder: encoder) }),
            ("memory sample", { _ = telemetry.sample(job: "bench", step: 3) }),
            ("encode memory event", { _ = try ProtocolCodec.encodeLine(memory, encoder: encoder) }),
            ("preview projection + base64", {
                _ = Data(try projection.image(from: latents, maxSide: 64).rgbBytes).base64EncodedString()
            }),
            ("encode preview event", { _ = try ProtocolCodec.encodeLine(preview, encoder: encoder) }),
        ]
        print("job: \(model) \(width)x\(height), latents \(latents.shape), libtorch \(try Torch.version())")
        func label(_ text: String) -> String { text.padding(toLength: 30, withPad: " ", startingAt: 0) }
        print(label("one step, direct") + String(format: "%8.1f us  (a whole generate call over its steps)", stepSeconds * 1e6))
        // JSONEncoder's cost for the same three events, for comparison (the engine writes them with StepEventLines).
        for (name, value) in [("step", step), ("memory", memory), ("preview", preview)] {
            let seconds = try medianSeconds(iterations: iterations) { _ = try encoder.encode(value) }
            print(label("JSONEncoder \(name) event") + String(format: "%8.1f us  (reference, not in the total)", seconds * 1e6))
        }
        var total = 0.0
        for (name, body) in pieces {
            let seconds = try medianSeconds(iterations: iterations, body)
            total += seconds
            print(label(name) + String(format: "%8.1f us  (%.2f%% of a step)", seconds * 1e6, seconds / stepSeconds * 100))
        }
        print(label("all pieces") + String(format: "%8.1f us  (%.2f%% of a step)", total * 1e6, total / stepSeconds * 100))
    }
}
